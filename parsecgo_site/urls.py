"""The site's URL map."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from parsecgo_site import views as site_views
from parsecgo_site.api import api
from patterns import views as pattern_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", site_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("patterns/", include("patterns.urls")),
    path("", include("workshops.urls")),
    path("guide/", pattern_views.guide, name="guide"),
    # /api/match, /api/decisions..., the schema at /api/openapi.json, its docs at /api/docs
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
