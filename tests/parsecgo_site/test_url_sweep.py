"""Every URL the site answers, walked from its URL map: each is public on purpose (listed in
PUBLIC with why) or refuses a stranger (listed in REFUSED with how), and a new one that is on
neither list fails here until someone decides which it is.

Each URL's parameters are a real object's (tests/workshops/access.py), so that a refusal is
about who asks, not about a missing object. The admin is its own case: its login page is
public, and every other admin URL sends a stranger to that login (or answers 404)."""

from __future__ import annotations

import re
from functools import partial

import pytest
from django.urls import resolve

from tests.workshops.access import (
    DECISION_TITLE,
    PARAMETER,
    TEAM_NAME,
    TOKEN_NAME,
    WORKSHOP_TITLE,
    Route,
    database_fingerprint,
    site_routes,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"

# Answered to anyone, on purpose.
PUBLIC: dict[str, str] = {
    "home": "what the product is; the dashboard once signed in",
    "healthz": "the load balancer's health check",
    "login": "signing in",
    "logout": "signing out",
    "guide": "the method and its FAQ",
    "patterns:catalogue": "the public catalogue",
    "patterns:detail": "one pattern of the public catalogue",
    "patterns:match": "the quick match: the engine needs no account",
    "workshops:join": "a participant types the short code, without an account",
    "workshops:join-invite": "a participant's invite link, without an account",
    "workshops:invitation-accept": "a team invitation's link: its holder signs up or logs in",
    "password_reset": "asking for a password reset link: it says the same for any address",
    "password_reset_done": "what follows asking for a reset link",
    "password_reset_confirm": "the link in the reset email (its token is checked there)",
    "password_reset_complete": "what follows setting a new password",
    "api:match": "POST /api/match needs no account (docs/api.md)",
    "api:openapi-json": "the API's schema",
    "api:openapi-view": "the API's docs",
    "api:api-root": "django-ninja's root of /api/: answers 404",
}

# How a stranger (no session, no token) is refused, per URL.
SIGN_IN = "sent to the login page"
NOT_FOUND = "404"  # a participant's pages: only the session that joined may see them
UNAUTHORIZED = "401"  # the API
REFUSED: dict[str, str] = {
    **dict.fromkeys(
        [
            "workshops:team-list",
            "workshops:team-detail",
            "workshops:team-invitation-create",
            "workshops:team-invitation-revoke",
            "workshops:team-decisions-zip",
            "workshops:workshop-create",
            "workshops:console",
            "workshops:console-panel",
            "workshops:console-timer",
            "workshops:workshop-start",
            "workshops:phase-go",
            "workshops:budget-save",
            "workshops:participant-add",
            "workshops:participant-remove",
            "workshops:workflow-split",
            "workshops:workflow-part-remove",
            "workshops:phase-save",
            "workshops:tradeoff-save",
            "workshops:pitfall-to-risk",
            "workshops:decide",
            "workshops:api-tokens",
            "workshops:api-token-revoke",
            "workshops:decision-list",
            "workshops:decision-detail",
            "workshops:decision-json",
            "workshops:decision-markdown",
            "workshops:decision-csv",
            "workshops:decision-pdf",
            "workshops:decision-pdf-retry",
            "workshops:workshop-draft-pdf",
            "workshops:workshop-draft-pdf-retry",
            "workshops:decision-status",
            "workshops:decision-revisit",
            "workshops:decision-figures",
            "workshops:room",
            "workshops:room-state",
            "workshops:invite-rotate",
            "workshops:joining-toggle",
            "workshops:clock-toggle",
            "workshops:facilitator-hand-off",
            "workshops:live-panel",
            "workshops:votes-reveal",
            "workshops:room-delays-apply",
            "workshops:room-profile-apply",
            "workshops:risks-adopt",
        ],
        SIGN_IN,
    ),
    **dict.fromkeys(
        [
            "workshops:participant",
            "workshops:participant-state",
            "workshops:participant-delay",
            "workshops:participant-vote",
            "workshops:participant-risk",
            "workshops:participant-dot",
            "workshops:participant-ready",
            "workshops:participant-consent",
        ],
        NOT_FOUND,
    ),
    **dict.fromkeys(["api:decision-list", "api:decision-detail"], UNAUTHORIZED),
}

# The admin's URLs are Django's and django-axes's and many: one rule for them all.
ADMIN_PUBLIC = {
    "admin:login": "the admin's login",
    "admin:logout": "signing out of the admin; a stranger is sent to the admin's index",
}
# Values for the admin's own parameters; an object's id is a real row's (see _admin_values).
ADMIN_PARAMETERS = {"app_label": "workshops", "url": "no-such-page/"}


ROUTES = site_routes()


def _is_admin(route: Route) -> bool:
    return route.route.startswith("admin/")


def _filled(route: Route, values: dict) -> str:
    """The route as a path, each parameter a real value; a parameter without one fails."""

    def value(match: re.Match) -> str:
        name = match["name"] or match["group"]
        if name not in values:
            pytest.fail(
                f"{route.key} ({route.route}) takes a parameter {name!r} that the sweep has no "
                "real value for: add one to World.parameters() in tests/workshops/access.py."
            )
        return str(values[name])

    path = "/" + PARAMETER.sub(value, route.route).replace("^", "").replace("$", "")
    # The path must reach this very URL, not an earlier one that also matches it.
    assert _same_view(resolve(path), route.pattern), f"{path} reaches another view"
    return path


def _same_view(match, pattern) -> bool:
    """Whether a resolved path is `pattern`'s URL: its name and its view. Another test may
    have loaded the URLs again (single sign-on on and off), which makes new wrappers around
    the same views, so the view is compared by what it is, not by the wrapper's identity."""

    def view(func):
        if isinstance(func, partial):  # django-ninja's views
            return (view(func.func), func.args, tuple(sorted(func.keywords.items())))
        return getattr(func, "view_class", None) or (func.__module__, func.__qualname__)

    return match.url_name == pattern.name and view(match.func) == view(pattern.callback)


def _admin_values(route: Route, values: dict) -> dict:
    """The admin's parameters: a real row of the model its page is about, where one exists."""
    model_admin = getattr(route.pattern.callback, "model_admin", None)
    found = model_admin.model._base_manager.order_by("pk").first() if model_admin else None
    object_id = found.pk if found is not None else 1
    content_type = 1
    if found is not None:
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(found).pk
    return {
        **values,
        **ADMIN_PARAMETERS,
        "object_id": object_id,
        "id": object_id,
        "content_type_id": content_type,
    }


def _is_sign_in(response, login: str = LOGIN) -> bool:
    if response.status_code == 302:
        return response["Location"].startswith(login + "?next=")
    # An htmx request is sent to the login page by HX-Redirect (parsecgo_site.htmx_login).
    return response.status_code == 204 and response.get("HX-Redirect", "").startswith(login)


def _refused_as(response, refusal: str) -> bool:
    if refusal == SIGN_IN:
        return _is_sign_in(response)
    if refusal == NOT_FOUND:
        return response.status_code == 404
    return response.status_code == 401


def test_it_lists_no_url_that_the_site_no_longer_has():
    keys = {route.key for route in ROUTES}
    assert not (set(PUBLIC) - keys), "PUBLIC names URLs the site no longer has"
    assert not (set(REFUSED) - keys), "REFUSED names URLs the site no longer has"
    assert not (set(PUBLIC) & set(REFUSED)), "a URL is both public and refused"


@pytest.mark.parametrize("route", [r for r in ROUTES if not _is_admin(r)], ids=lambda r: r.key)
def test_it_refuses_a_stranger_everywhere_but_the_public_pages(world, client, route):
    if route.key not in PUBLIC and route.key not in REFUSED:
        pytest.fail(
            f"{route.key} (/{route.route}) is a new URL: add it to PUBLIC (with why anyone may "
            "see it) or to REFUSED (with how a stranger is refused) in this file, and to the "
            "access matrix (tests/workshops/test_access_matrix.py)."
        )
    path = _filled(route, world.parameters())
    before = database_fingerprint()
    answers = {
        "GET": client.get(path),
        "htmx GET": client.get(path, headers={"HX-Request": "true"}),
        "POST": client.post(path),
    }
    if route.key in PUBLIC:
        for method, response in answers.items():
            assert response.status_code < 500, f"{method} {path}: {response.status_code}"
            assert not _is_sign_in(response), f"{method} {path} asks a public visitor to sign in"
            body = response.content.decode(errors="replace")
            # The invite link names its workshop, and a team invitation its team, to whoever
            # holds the link; nothing else is shown.
            shown = (DECISION_TITLE, TOKEN_NAME)
            if route.key != "workshops:join-invite":
                shown += (WORKSHOP_TITLE,)
            if route.key != "workshops:invitation-accept":
                shown += (TEAM_NAME,)
            assert not [words for words in shown if words in body], f"{method} {path} leaks"
        return
    refusal = REFUSED[route.key]
    # A method the URL does not take may answer 405; the one it takes must refuse.
    for method, response in answers.items():
        assert _refused_as(response, refusal) or response.status_code == 405, (
            f"{method} {path} answered a stranger {response.status_code}, not {refusal}"
        )
    assert any(_refused_as(response, refusal) for response in answers.values()), (
        f"{path} answered every method 405: which one does it take?"
    )
    assert database_fingerprint() == before, f"a stranger's request to {path} changed the database"


@pytest.mark.parametrize("route", [r for r in ROUTES if _is_admin(r)], ids=lambda r: r.key)
def test_it_sends_a_stranger_to_the_admins_login(world, client, route):
    path = _filled(route, _admin_values(route, world.parameters()))
    before = database_fingerprint()
    for method in ("GET", "POST"):
        response = client.generic(method, path)
        if route.key in ADMIN_PUBLIC:
            assert response.status_code < 500, f"{method} {path}: {response.status_code}"
        else:
            assert _is_sign_in(response, ADMIN_LOGIN) or response.status_code == 404, (
                f"{method} {path} answered a stranger {response.status_code}"
            )
    assert database_fingerprint() == before, f"a stranger's request to {path} changed the database"
