"""Every form post needs its CSRF token: a post without one, from a browser that is signed in
(or joined) and would otherwise be let in, answers 403 and changes nothing. The posts are the
access matrix's (tests/workshops/test_access_matrix.py CASES), each sent by the first persona
the matrix lets in, plus the public forms (login, joining, the invitation's sign-up).

The API (/api/) is exempt by design. Its decisions are GETs (a post answers 405); were a post
added there, its session authentication (SessionAuth(csrf=True) in workshops/api.py) checks
the CSRF token, and its bearer-token authentication needs none: a browser never attaches an
Authorization header by itself, so a forged cross-site request cannot carry the token. The one
post, POST /api/match, needs no account and writes nothing (below)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.workshops.access import (
    ANONYMOUS,
    FACILITATOR,
    MEMBER,
    PARTICIPANT,
    World,
    database_fingerprint,
    site_routes,
)
from tests.workshops.test_access_matrix import CASES, LET_IN, Case, _ask, _audience

# Asking for a PDF queues its drawing and answers at once: access is the question here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdfs_queued")]

# Who sends each post: the first of these the matrix lets in.
SENDERS = (FACILITATOR, MEMBER, PARTICIPANT, ANONYMOUS)
PUBLIC = _audience(LET_IN)
PUBLIC_POSTS = [
    Case("login", "POST", PUBLIC, {"username": "fiona", "password": "wrong"}),
    Case("password_reset", "POST", PUBLIC, {"email": "fiona@example.org"}),
    Case("workshops:join", "POST", PUBLIC, {"code": "ZZZ999"}),
    Case("workshops:join-invite", "POST", PUBLIC, {"name": "Eve", "role": "other"}),
]


def _sender(case: Case) -> str | None:
    return next((persona for persona in SENDERS if case.audience[persona] == LET_IN), None)


# A post the matrix lets nobody make (another workshop's object) needs no token to be refused.
POSTS = [
    pytest.param(case, _sender(case), id=f"{case.id}-{_sender(case)}")
    for case in [*CASES, *PUBLIC_POSTS]
    if case.method == "POST" and _sender(case) is not None
]


@pytest.mark.parametrize(("case", "persona"), POSTS)
def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(world: World, case, persona):
    client = world.client(persona, enforce_csrf_checks=True)
    before = database_fingerprint()
    response = _ask(client, case, world)
    assert response.status_code == 403, response.status_code
    assert b"CSRF" in response.content
    assert database_fingerprint() == before


def test_it_has_a_post_for_every_form_that_changes_something():
    """The matrix's posts are all here, but for those it lets nobody make."""
    posts = [param.values[0] for param in POSTS]
    left_out = [c for c in CASES if c.method == "POST" and not any(c is p for p in posts)]
    assert all(c.label == "elsewhere" for c in left_out), left_out


# The API's one post: the engine over HTTP, for anyone, writing nothing and reading nobody's
# data (patterns/api.py). Its answer is the same with or without a session, so a forged
# cross-site post gains nothing, and the page that forged it cannot read the answer.
STATELESS_API_POSTS = {"api/match"}


@pytest.mark.parametrize(
    "route", [r for r in site_routes() if r.route.startswith("api/")], ids=lambda r: r.route
)
def test_a_post_to_the_api_without_a_token_changes_nothing(world: World, route):
    """Signed in, without a CSRF token or a bearer token: no API URL takes the post but the
    stateless match, and none of them changes the database."""
    kwargs = {"decision_id": world.decision.pk} if route.parameters == ["decision_id"] else {}
    assert not set(route.parameters) - set(kwargs), f"{route.route}: give its parameters a value"
    address = reverse(route.key, kwargs=kwargs) if ":" in route.key else "/" + route.route
    client = world.client(MEMBER, enforce_csrf_checks=True)
    before = database_fingerprint()
    response = client.post(address, {}, content_type="application/json")
    assert database_fingerprint() == before
    if route.route in STATELESS_API_POSTS:
        assert response.status_code == 400  # an empty body is no workflow
    else:
        assert response.status_code in (403, 404, 405), (route.route, response.status_code)
