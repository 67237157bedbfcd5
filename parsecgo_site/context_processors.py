"""Context for every page: the layout's links and asset URLs (worked out once per script
prefix instead of per page) and the ways to sign in."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django_htmx.jinja import htmx_script

# Reversing a URL or hashing a static name costs tens of microseconds, and the layout needs
# a dozen on every page; the answers only change with the script prefix or a new deploy.


@cache
def _layout_links(script_prefix: str) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "catalogue": reverse("patterns:catalogue"),
        "match": reverse("patterns:match"),
        "guide": reverse("guide"),
        "login": reverse("login"),
        "logout": reverse("logout"),
        "admin": reverse("admin:index"),
        "decisions": reverse("workshops:decision-list"),
        "teams": reverse("workshops:team-list"),
        "new_workshop": reverse("workshops:workshop-create"),
        "api_tokens": reverse("workshops:api-tokens"),
        "api_docs": reverse("api:openapi-view"),
        "bootstrap_css": static("bootstrap/css/bootstrap.min.css"),
        "app_css": static("css/parsecgo.css"),
        "console_js": static("js/console.js"),
        "live_js": static("js/live.js"),
        "favicon": static("img/favicon.svg"),
        "htmx_script": htmx_script(),
    }


def layout_links(request: HttpRequest) -> dict[str, dict[str, str]]:
    return {"links": _layout_links(get_script_prefix())}


def sign_in_options(request: HttpRequest) -> dict[str, str]:
    """The single sign-on provider's name when OpenID Connect is configured, else ''."""
    return {"oidc_provider_name": settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else ""}
