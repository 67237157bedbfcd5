"""The site's URL map."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from parsecgo_site import views as site_views
from parsecgo_site.api import api
from parsecgo_site.mail import QueuedPasswordResetForm
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
    # Password reset by email (Django's views, our templates). The first page answers the
    # same whether or not an account has the address, so it tells nobody which ones exist.
    path(
        "accounts/password-reset/",
        # The mail goes out through the background worker: see parsecgo_site/mail.py.
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            extra_context={"timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("patterns/", include("patterns.urls")),
    path("", include("workshops.urls")),
    path("guide/", pattern_views.guide, name="guide"),
    # /api/match, /api/decisions..., the schema at /api/openapi.json, its docs at /api/docs
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    # Single sign-on: /oidc/authenticate/ sends the browser to the provider, which sends it
    # back to /oidc/callback/. Without OIDC_RP_CLIENT_ID no such address answers.
    urlpatterns.insert(4, path("oidc/", include("mozilla_django_oidc.urls")))
