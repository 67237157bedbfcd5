"""The bench's URLconf: the whole site plus a trivial view that sets the baseline."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


# No @require_GET, no template, no database: the baseline is the cost of the middleware stack
# and the test client alone, so that a page's ratio to it is the page's own work.
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


# The floor of every signed-in page: the session and the user are read, nothing else.
def trivial_signed_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.user.get_username())


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("bench/trivial-signed-in/", trivial_signed_in, name="bench-trivial-signed-in"),
    path("", include("parsecgo_site.urls")),
]
