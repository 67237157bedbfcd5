"""URLs of the pattern catalogue and the quick match."""

from django.urls import path

from patterns import views

app_name = "patterns"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("match/", views.match_page, name="match"),
    path("<slug:slug>/", views.detail, name="detail"),
]
