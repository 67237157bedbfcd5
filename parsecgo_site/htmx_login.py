"""When a signed-in page's htmx request (a poll, an autosave) finds the session expired, the
whole page goes to the login form, instead of the login form being swapped into a panel."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url


class HtmxLoginRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or response.status_code != 302:
            return response
        login_path = urlsplit(resolve_url(settings.LOGIN_URL)).path
        if urlsplit(response.get("Location", "")).path != login_path:
            return response
        # Back to the page the person was on after signing in, not to the fragment it polled.
        current = request.htmx.current_url_abs_path or "/"
        login = redirect_to_login(current)
        # htmx follows a 302 inside the request and swaps what it gets; a 204 with
        # HX-Redirect makes the browser itself go to the login page.
        return HttpResponse(status=204, headers={"HX-Redirect": login["Location"]})
