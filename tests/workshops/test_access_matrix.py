"""Who gets what, URL by URL: every workshop, decision, participant and API URL (pages, htmx
fragments, exports, every POST, the API tokens page and the API with a token) against every
persona (tests/workshops/access.py).

DESIGN.md §4 decides: only a workshop's team sees or changes it, a participant sees only the
workshop they joined, and everything else is 404. So the site's administrator (is_staff and
superuser) is nobody special on these pages: outside the team they get 404 like any
outsider, and see the team's rows only through /admin/. A participant has no account: the
team's pages send them to the login page. A removed participant is told so (403). A team
member who is not the facilitator is told who may use the facilitator's controls. Every
refusal leaves the database as it was.

Adding a URL is one line in CASES (the sweep, tests/parsecgo_site/test_url_sweep.py, and
test_it_has_a_case_for_every_refused_url below fail until it is there)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from tests.parsecgo_site.test_url_sweep import REFUSED
from tests.workshops.access import (
    ANONYMOUS,
    DECISION_TITLE,
    FACILITATOR,
    MEMBER,
    OTHER_PARTICIPANT,
    PARTICIPANT,
    PERSONAS,
    REMOVED,
    TEAM_NAME,
    TOKEN_NAME,
    WORKSHOP_TITLE,
    World,
    database_fingerprint,
    site_routes,
)

# Asking for a PDF queues its drawing and answers at once: access is the question here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdfs_queued")]

# --- what a persona gets ---------------------------------------------------------------------
LET_IN = "let in"  # the view answers: a page, a redirect, or its own 400 for the input sent
SHOWN = "shown"  # a list, with the team's rows in it
LISTED_WITHOUT = "listed without the team's rows"
SIGN_IN = "sent to the login page"
NOT_FOUND = "404"
TOLD_REMOVED = "told they were removed"  # 403, the removed page
TOLD_FACILITATOR_ONLY = "told only the facilitator may"
UNAUTHORIZED = "401"
REFUSALS = (SIGN_IN, NOT_FOUND, TOLD_REMOVED, TOLD_FACILITATOR_ONLY, UNAUTHORIZED, LISTED_WITHOUT)

Audience = Mapping[str, str]


def _audience(default: str, given: Mapping[str, str] = MappingProxyType({})) -> Audience:
    """What each persona gets: `given`'s outcome, or `default`."""
    return MappingProxyType({persona: given.get(persona, default) for persona in PERSONAS})


# No account: the team's pages send them to the login page, the API answers 401.
_NO_ACCOUNT = (ANONYMOUS, PARTICIPANT, OTHER_PARTICIPANT, REMOVED)
_SIGN_IN = dict.fromkeys(_NO_ACCOUNT, SIGN_IN)
_UNAUTHORIZED = dict.fromkeys(_NO_ACCOUNT, UNAUTHORIZED)
_TEAM_IN = {MEMBER: LET_IN, FACILITATOR: LET_IN}
_TEAM_SHOWN = {MEMBER: SHOWN, FACILITATOR: SHOWN}

# The team's pages and posts: its members; anyone else signed in (the admin too) 404.
TEAM = _audience(NOT_FOUND, {**_SIGN_IN, **_TEAM_IN})
# The facilitator's controls: a teammate is told who may use them.
FACILITATOR_ONLY = _audience(
    NOT_FOUND, {**_SIGN_IN, MEMBER: TOLD_FACILITATOR_ONLY, FACILITATOR: LET_IN}
)
# A list of one's own teams' rows: everyone signed in, each seeing their teams' only.
LIST = _audience(LISTED_WITHOUT, {**_SIGN_IN, **_TEAM_SHOWN})
# The member's own API tokens: their teammates do not see them either.
OWN_TOKENS = _audience(LISTED_WITHOUT, {**_SIGN_IN, MEMBER: SHOWN})
OWN_TOKEN = _audience(NOT_FOUND, {**_SIGN_IN, MEMBER: LET_IN})
# A signed-in page of nobody's team (making a team, a workshop, a token).
SIGNED_IN = _audience(LET_IN, _SIGN_IN)
# The dashboard: the front page for anyone, the team's workshops for its members only.
DASHBOARD = _audience(LISTED_WITHOUT, _TEAM_SHOWN)
# A participant's pages: the browser that joined this workshop, and nobody else.
ROOM = _audience(NOT_FOUND, {PARTICIPANT: LET_IN, REMOVED: TOLD_REMOVED})
# A URL that names this workshop and another one's object: nobody gets anything.
ELSEWHERE = _audience(NOT_FOUND, _SIGN_IN)
ELSEWHERE_IN_ROOM = _audience(NOT_FOUND, {REMOVED: TOLD_REMOVED})
# The API, by session.
API = _audience(NOT_FOUND, {**_UNAUTHORIZED, **_TEAM_IN})
API_LIST = _audience(LISTED_WITHOUT, {**_UNAUTHORIZED, **_TEAM_SHOWN})

Data = Mapping[str, Any] | Callable[[World], Mapping[str, Any]]


class Case(NamedTuple):
    url: str  # the URL's name
    method: str
    audience: Audience
    data: Data = MappingProxyType({})  # GET's query or POST's form, maybe made from the world
    kwargs: Mapping[str, str] = MappingProxyType({})  # URL parameters: World attributes' pk
    htmx: bool = False
    secret: str = DECISION_TITLE  # what a list shows the team and nobody else
    label: str = ""

    @property
    def id(self) -> str:
        name = self.url.removeprefix("workshops:").replace(":", "-")
        return "-".join(
            part for part in (self.method, name, "htmx" if self.htmx else "", self.label) if part
        )


def _figures_today(world: World) -> dict:
    return {"noted_on": timezone.localdate().isoformat(), "volume_value": "5", "volume_unit": "day"}


def _whole(world: World) -> dict:
    return {"workflow": world.whole.pk}


CASES = [
    # --- teams
    Case("workshops:team-list", "GET", LIST, secret=TEAM_NAME),
    Case("workshops:team-list", "POST", SIGNED_IN, {"name": "Another team"}),
    Case("workshops:team-detail", "GET", TEAM),
    Case("workshops:team-invitation-create", "POST", TEAM, {"days": "7", "max_uses": "2"}),
    Case("workshops:team-invitation-revoke", "POST", TEAM),
    Case("workshops:team-decisions-zip", "GET", TEAM),
    # --- the console and its fragments
    Case("home", "GET", DASHBOARD, secret=WORKSHOP_TITLE),
    Case("workshops:workshop-create", "GET", SIGNED_IN),
    Case("workshops:workshop-create", "POST", SIGNED_IN, {"title": ""}),
    Case("workshops:console", "GET", TEAM),
    Case("workshops:console", "GET", TEAM, lambda w: {"part": w.part.pk}, label="part"),
    Case("workshops:console-panel", "GET", TEAM, htmx=True),
    Case("workshops:console-timer", "GET", TEAM, htmx=True),
    Case("workshops:workshop-start", "POST", TEAM),
    Case("workshops:phase-go", "GET", FACILITATOR_ONLY, {"phase": 2}),
    Case("workshops:phase-go", "POST", FACILITATOR_ONLY, {"phase": 2, "confirm": "yes"}),
    Case("workshops:phase-go", "POST", FACILITATOR_ONLY, {"phase": 2}, htmx=True),
    Case("workshops:budget-save", "POST", TEAM),
    Case("workshops:participant-add", "POST", TEAM, {"name": "Ada", "role": "engineering"}),
    Case("workshops:participant-remove", "POST", TEAM),
    Case("workshops:workflow-split", "POST", TEAM, {"names": "One\nTwo"}),
    Case("workshops:workflow-part-remove", "POST", TEAM, kwargs={"workflow_id": "part"}),
    Case("workshops:phase-save", "POST", TEAM, htmx=True),
    Case("workshops:tradeoff-save", "POST", TEAM, htmx=True),
    Case("workshops:pitfall-to-risk", "POST", TEAM, {"pitfall": "over-engineering"}),
    Case("workshops:decide", "GET", TEAM),
    Case("workshops:decide", "POST", TEAM),
    # --- the room's controls, the projector and the live panel
    Case("workshops:room", "GET", TEAM),
    Case("workshops:room-state", "GET", TEAM, htmx=True),
    Case("workshops:live-panel", "GET", TEAM, {"phase": 2}, htmx=True),
    Case("workshops:invite-rotate", "POST", FACILITATOR_ONLY),
    Case("workshops:invite-rotate", "POST", FACILITATOR_ONLY, htmx=True),
    Case("workshops:joining-toggle", "POST", FACILITATOR_ONLY, {"open": "no"}),
    Case("workshops:clock-toggle", "POST", FACILITATOR_ONLY, {"clock": "pause"}),
    Case(
        "workshops:facilitator-hand-off",
        "POST",
        FACILITATOR_ONLY,
        lambda w: {"to_user": w.member.pk},
    ),
    Case("workshops:votes-reveal", "POST", FACILITATOR_ONLY),
    Case("workshops:votes-reveal", "POST", FACILITATOR_ONLY, htmx=True),
    Case("workshops:room-delays-apply", "POST", FACILITATOR_ONLY),
    Case("workshops:room-profile-apply", "POST", FACILITATOR_ONLY),
    Case("workshops:risks-adopt", "POST", FACILITATOR_ONLY),
    # --- drafts, decisions and their exports
    Case("workshops:workshop-draft-pdf", "GET", TEAM),
    Case("workshops:workshop-draft-pdf-retry", "POST", TEAM),
    Case("workshops:decision-list", "GET", LIST),
    Case("workshops:decision-list", "GET", LIST, {"q": "ledger"}, htmx=True),
    Case("workshops:decision-csv", "GET", LIST),
    Case("workshops:decision-detail", "GET", TEAM),
    Case("workshops:decision-json", "GET", TEAM),
    Case("workshops:decision-markdown", "GET", TEAM),
    Case("workshops:decision-pdf", "GET", TEAM),
    Case("workshops:decision-pdf-retry", "POST", TEAM),
    Case("workshops:decision-status", "POST", TEAM, {"to_status": "deprecated", "note": "Old."}),
    Case("workshops:decision-revisit", "POST", TEAM),
    Case(
        "workshops:decision-figures",
        "POST",
        TEAM,
        _figures_today,
    ),
    # --- the API tokens page
    Case("workshops:api-tokens", "GET", OWN_TOKENS, secret=TOKEN_NAME),
    Case("workshops:api-tokens", "POST", SIGNED_IN, {"name": "ci"}),
    Case("workshops:api-token-revoke", "POST", OWN_TOKEN),
    # --- a participant's pages, from the browser that joined
    Case("workshops:participant", "GET", ROOM),
    Case("workshops:participant-state", "GET", ROOM, htmx=True),
    Case("workshops:participant-delay", "POST", ROOM, _whole),
    Case("workshops:participant-vote", "POST", ROOM, _whole, htmx=True),
    Case("workshops:participant-risk", "POST", ROOM, lambda w: {**_whole(w), "pattern": "batch"}),
    Case("workshops:participant-dot", "POST", ROOM),
    Case("workshops:participant-ready", "POST", ROOM, {"ready": "1"}),
    Case("workshops:participant-ready", "POST", ROOM, {"ready": "1"}, htmx=True),
    Case("workshops:participant-consent", "POST", ROOM, lambda w: {"decision": w.proposed.pk}),
    # --- this workshop's URL, another workshop's object
    Case(
        "workshops:participant-remove",
        "POST",
        ELSEWHERE,
        kwargs={"participant_id": "other_participant"},
        label="elsewhere",
    ),
    Case(
        "workshops:workflow-part-remove",
        "POST",
        ELSEWHERE,
        kwargs={"workflow_id": "other_whole"},
        label="elsewhere",
    ),
    Case(
        "workshops:phase-save",
        "POST",
        ELSEWHERE,
        kwargs={"workflow_id": "other_whole"},
        label="elsewhere",
    ),
    Case(
        "workshops:tradeoff-save",
        "POST",
        ELSEWHERE,
        kwargs={"workflow_id": "other_whole"},
        label="elsewhere",
    ),
    Case(
        "workshops:votes-reveal",
        "POST",
        ELSEWHERE,
        kwargs={"workflow_id": "other_whole"},
        label="elsewhere",
    ),
    Case(
        "workshops:risks-adopt",
        "POST",
        ELSEWHERE,
        kwargs={"workflow_id": "other_whole"},
        label="elsewhere",
    ),
    Case(
        "workshops:console",
        "GET",
        ELSEWHERE,
        lambda w: {"part": w.other_whole.pk},
        label="elsewhere",
    ),
    Case(
        "workshops:participant-dot",
        "POST",
        ELSEWHERE_IN_ROOM,
        kwargs={"proposal_id": "other_proposal"},
        label="elsewhere",
    ),
    Case(
        "workshops:participant-vote",
        "POST",
        ELSEWHERE_IN_ROOM,
        lambda w: {"workflow": w.other_whole.pk},
        label="elsewhere",
    ),
    Case(
        "workshops:participant-consent",
        "POST",
        ELSEWHERE_IN_ROOM,
        lambda w: {"decision": w.decision.pk},
        label="elsewhere",
    ),
    # --- the API, by session (by token: test_the_api_by_token)
    Case("api:decision-list", "GET", API_LIST),
    Case("api:decision-detail", "GET", API),
]


ROUTES = {route.key: route for route in site_routes()}


def _url(case: Case, world: World) -> str:
    parameters = world.parameters()
    for name, attribute in case.kwargs.items():
        parameters[name] = getattr(world, attribute).pk
    route = ROUTES[case.url]
    return reverse(case.url, kwargs={name: parameters[name] for name in route.parameters})


def _data(case: Case, world: World) -> Mapping[str, Any]:
    return case.data(world) if callable(case.data) else case.data


def _ask(client, case: Case, world: World):
    headers = {"HX-Request": "true"} if case.htmx else {}
    send = client.get if case.method == "GET" else client.post
    return send(_url(case, world), _data(case, world), headers=headers)


def _messages(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def _is_sign_in(response) -> bool:
    if response.status_code == 302:
        return response["Location"].startswith(reverse("login") + "?next=")
    return response.status_code == 204 and "/accounts/login/" in response.get("HX-Redirect", "")


def _assert_outcome(outcome: str, response, case: Case) -> None:
    status = response.status_code
    body = response.content.decode(errors="replace") if not response.streaming else ""
    if response.streaming:
        body = b"".join(response.streaming_content).decode(errors="replace")
    if outcome == LET_IN:
        assert status in (200, 202, 204, 302, 303, 304, 400), status
        assert not _is_sign_in(response), "sent to the login page"
        assert "Only the facilitator" not in _messages(response)
    elif outcome == SHOWN:
        assert status == 200, status
        assert case.secret in body, f"{case.secret!r} missing: the leak check would prove nothing"
    elif outcome == LISTED_WITHOUT:
        assert status == 200, status
        assert case.secret not in body, f"{case.secret!r} shown to someone outside the team"
    elif outcome == SIGN_IN:
        assert _is_sign_in(response), status
    elif outcome == NOT_FOUND:
        assert status == 404, status
    elif outcome == TOLD_REMOVED:
        assert status == 403, status
        assert "workshops/room/removed.html" in [t.name for t in response.templates]
    elif outcome == TOLD_FACILITATOR_ONLY:
        assert status in (200, 302), status
        assert "Only the facilitator" in _messages(response) + body
    elif outcome == UNAUTHORIZED:
        assert status == 401, status
    else:
        raise AssertionError(f"no such outcome: {outcome}")


MATRIX = [
    pytest.param(case, persona, id=f"{case.id}-{persona}") for case in CASES for persona in PERSONAS
]


@pytest.mark.parametrize(("case", "persona"), MATRIX)
def test_each_persona_gets_what_it_should(world, case, persona, django_assert_num_queries):
    client = world.client(persona)
    outcome = case.audience[persona]
    before = database_fingerprint()
    if persona == ANONYMOUS and outcome in (SIGN_IN, NOT_FOUND, UNAUTHORIZED):
        # A stranger is turned away before the database is asked anything.
        with django_assert_num_queries(0):
            response = _ask(client, case, world)
    else:
        response = _ask(client, case, world)
    _assert_outcome(outcome, response, case)
    if outcome in REFUSALS:
        assert database_fingerprint() == before, f"{persona} was refused, yet the database changed"


TOKEN_PERSONAS = {
    "member-token": ("member_secret", SHOWN, LET_IN),
    "outsider-token": ("outsider_secret", LISTED_WITHOUT, NOT_FOUND),
    "revoked-token": ("revoked_secret", UNAUTHORIZED, UNAUTHORIZED),
    "deactivated-member-token": ("inactive_secret", UNAUTHORIZED, UNAUTHORIZED),
}


@pytest.mark.parametrize("url", ["api:decision-list", "api:decision-detail"])
@pytest.mark.parametrize("persona", list(TOKEN_PERSONAS))
def test_the_api_by_token(world, client, url, persona):
    secret_of, list_outcome, detail_outcome = TOKEN_PERSONAS[persona]
    outcome = list_outcome if url == "api:decision-list" else detail_outcome
    case = Case(url, "GET", _audience(outcome))
    headers = {"Authorization": f"Bearer {getattr(world, secret_of)}"}
    response = client.get(_url(case, world), headers=headers)
    _assert_outcome(outcome, response, case)


# The live pages' polls: who holds the current ETag gets a cheap 304; it opens nothing.
POLLS = [
    Case("workshops:live-panel", "GET", TEAM, {"phase": 2}, htmx=True),
    Case("workshops:room-state", "GET", TEAM, htmx=True),
    Case("workshops:participant-state", "GET", ROOM, htmx=True),
]


@pytest.mark.parametrize(
    ("case", "persona"),
    [pytest.param(c, p, id=f"{c.id}-{p}") for c in POLLS for p in PERSONAS],
)
def test_a_poll_with_the_current_etag_opens_nothing(world, case, persona):
    insider = world.client(FACILITATOR if case.audience is TEAM else PARTICIPANT)
    etag = _ask(insider, case, world)["ETag"]
    client = world.client(persona)
    response = client.get(
        _url(case, world), _data(case, world), headers={"HX-Request": "true", "If-None-Match": etag}
    )
    outcome = case.audience[persona]
    if outcome == LET_IN:
        assert response.status_code == 304
    else:
        _assert_outcome(outcome, response, case)


def test_it_has_a_case_for_every_refused_url():
    covered = {case.url for case in CASES}
    missing = sorted(set(REFUSED) - covered)
    assert not missing, f"no access case for {missing}: add a line to CASES"
