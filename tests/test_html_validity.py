"""Every page type and every htmx fragment is valid HTML: the Nu HTML Checker (vnu.jar, from the
npm package vnu-jar pinned in .ci/node, run on the machine's Java) finds no error in any of
them. The pages are drawn by the Django test client into files and checked in one run of the
checker (a JVM start costs a second or two); a fragment is checked inside a minimal document.
The same pages, drawn once for the module, also answer with a strict Content-Security-Policy
(script-src 'self' without 'unsafe-inline' or 'unsafe-eval', frame-ancestors 'none') and hold
nothing it would block: no inline script, no event-handler attribute, no javascript: URL.

Run alone: `.venv/bin/pytest -q tests/test_html_validity.py` (`make axe java` installs the
checker and Java). Under CI=true a missing Java or checker fails the test, never skips it."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests import hostile
from tests.e2e.scenario import Scenario, build_scenario, workshop_filled
from tests.factories import UserFactory
from tests.parsecgo_site.test_oidc import OIDC, reload_urls
from tests.patterns.test_views import STREAMING_QUERY
from tests.workers import HELD_TASKS
from tests.workshops.builders import decide
from tests.workshops.room import Member, join
from tests.workshops.views.test_autosave import phase_url, requirements
from workshops.models import Invitation, Participant, RecordPdf, Workflow, Workshop
from workshops.services import room as room_services
from workshops.services.invitations import invitation_create, invitation_token_hash
from workshops.services.workshops import participant_remove, phase_go

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = Path(
    os.environ.get("VNU_JAR") or ROOT / ".ci/node/node_modules/vnu-jar/build/dist/vnu.jar"
)
HTMX = {"HX-Request": "true"}
# A fragment is checked in the body of a page of its own; its headings continue the page it
# is swapped into, so that it lacks a heading of level 1 is no finding.
FRAGMENT_PAGE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    "<title>{name}</title></head><body>\n{html}\n</body></html>\n"
)
NO_H1 = "This document has heading elements but none of them has a computed heading level of 1."
DELAYS = {"delay_10s": "fine", "delay_10m": "degraded", "delay_1h": "unacceptable"}
VOTES = {
    "trigger": "scheduled",
    "granularity": "batch",
    "consistency": "strong",
    "failure": "retry",
}
QUICK_MATCH = {**STREAMING_QUERY, "chosen": "batch"}


def vnu_command() -> list[str]:
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("java (Debian package default-jre-headless; `make java`)")
    if not VNU_JAR.is_file():
        missing.append(f"the Nu HTML Checker ({VNU_JAR}; `make axe` installs vnu-jar)")
    if missing:
        message = "Cannot check the pages' HTML: missing " + " and ".join(missing) + "."
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI must check the pages, never skip it
        pytest.skip(message)
    return [java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--stdout"]


@dataclass
class Drawn:
    """A page or fragment as the browser got it."""

    name: str
    html: str
    fragment: bool
    policy: str  # its Content-Security-Policy header

    def document(self) -> str:
        if not self.fragment:
            return self.html
        return FRAGMENT_PAGE.format(name=html.escape(self.name), html=self.html)


@dataclass
class Pages:
    """What the test client drew, by name; each answer has the status a person would get."""

    drawn: dict[str, Drawn] = field(default_factory=dict)

    def keep(self, name: str, response, *, status: int = 200, fragment: bool = False) -> str:
        assert name not in self.drawn, f"two pages named {name!r}"
        assert response.status_code == status, (
            f"{name} answered {response.status_code}, not {status}"
        )
        content = response.content.decode()
        assert content.strip(), f"{name} is empty"
        is_page = content.lstrip().lower().startswith("<!doctype html>")
        assert is_page != fragment, f"{name} is {'a whole page' if is_page else 'no page'}"
        policy = response.headers.get("Content-Security-Policy", "")
        self.drawn[name] = Drawn(name, content, fragment, policy)
        return content

    def get(self, client: Client, name: str, url: str, data=None, *, status=200) -> str:
        return self.keep(name, client.get(url, data or {}), status=status)

    def fragment(self, client: Client, name: str, url: str, data=None, *, status=200) -> str:
        response = client.get(url, data or {}, headers=HTMX)
        return self.keep(name, response, status=status, fragment=True)

    def post(self, client: Client, name: str, url: str, data, *, status=200) -> str:
        """An htmx post, answered with a fragment."""
        response = client.post(url, data, headers=HTMX)
        return self.keep(name, response, status=status, fragment=True)


def url(name: str, **kwargs) -> str:
    return reverse(f"workshops:{name}", kwargs=kwargs)


def console_url(workshop: Workshop, part: Workflow | None = None) -> str:
    return url("console", workshop_id=workshop.pk) + (f"?part={part.pk}" if part else "")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the pages --------------------------------------------------------------------------------


def public_pages(pages: Pages) -> None:
    anonymous = Client()
    pages.get(anonymous, "home (anonymous)", "/")
    pages.get(anonymous, "login", reverse("login"))
    wrong = {"username": "mallory", "password": "wrong"}
    pages.keep("login with an error", anonymous.post(reverse("login"), wrong))
    pages.get(anonymous, "pattern catalogue (anonymous)", reverse("patterns:catalogue"))
    pages.get(anonymous, "404 (a page that is not there)", "/no-such-page/", status=404)
    locked = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = locked.post(reverse("login"), wrong)
    pages.keep("429 (login locked out)", response, status=429)
    reset = reverse("password_reset")
    pages.get(anonymous, "password reset", reset)
    pages.keep("password reset with an error", anonymous.post(reset, {"email": "not an address"}))
    pages.get(anonymous, "password reset sent", reverse("password_reset_done"))
    confirm = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "set-password"})
    pages.get(anonymous, "password reset link that does not work", confirm)
    pages.get(anonymous, "password reset complete", reverse("password_reset_complete"))


def single_sign_on_pages(pages: Pages) -> None:
    """The login page as it is with OpenID Connect configured, and after a failed sign-in."""
    try:
        with override_settings(**OIDC):
            reload_urls()
            pages.get(Client(), "login with single sign-on", reverse("login"))
            failed = reverse("login") + "?sso=failed"
            pages.get(Client(), "login after a failed single sign-on", failed)
    finally:
        reload_urls()  # as configured again: without single sign-on


def password_reset_form_page(pages: Pages) -> None:
    """The form of a working reset link, with and without its errors."""
    user = UserFactory(email="reset@example.org")
    client = Client()
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    response = client.get(link, follow=True)
    pages.keep("password reset: choose a new password", response)
    mismatch = {"new_password1": "a long phrase here", "new_password2": "another one"}
    pages.keep(
        "password reset: new password with errors",
        client.post(response.redirect_chain[-1][0], mismatch),
    )


def invitation_pages(pages: Pages, client: Client, scene: Scenario) -> None:
    """The team page with an invitation just made, the link as a newcomer, as someone signed
    in, with sign-up errors, and the pages of links that let nobody in."""
    team_url = url("team-detail", team_id=scene.team.pk)
    create = url("team-invitation-create", team_id=scene.team.pk)
    made = client.post(create, {"note": "For Nadia", "days": 7, "max_uses": 2})
    pages.keep("team page with a new invitation link", made)
    pages.keep("team page with invitation errors", client.post(create, {"days": 0}))
    pages.get(client, "team page with open invitations", team_url)
    link = made.context["link"].removeprefix("http://testserver")
    newcomer = Client()
    pages.get(newcomer, "invitation: sign up", link)
    bad = {"username": "a b", "email": "x", "password1": "1", "password2": "2"}
    pages.keep("invitation: sign up with errors", newcomer.post(link, bad))
    pages.get(logged_in(UserFactory()), "invitation: join as a signed-in person", link)
    pages.get(client, "invitation: already a member", link)
    pages.get(
        Client(), "404 (an unknown invitation)", url("invitation-accept", token="nope"), status=404
    )
    _, dead = invitation_create(team=scene.team, by=scene.user)
    Invitation.objects.filter(token_hash=invitation_token_hash(dead)).update(uses=1)
    pages.get(Client(), "410 (a used invitation)", url("invitation-accept", token=dead), status=410)


def catalogue_pages(pages: Pages, client: Client) -> None:
    pages.get(client, "dashboard", "/")
    pages.get(client, "pattern catalogue", reverse("patterns:catalogue"))
    pages.get(client, "pattern page", reverse("patterns:detail", kwargs={"slug": "streaming"}))
    pages.get(client, "guide", reverse("guide"))
    match = reverse("patterns:match")
    refused = {**QUICK_MATCH, "volume": "-1"}
    pages.get(client, "quick match (empty)", match)
    pages.get(client, "quick match (ranked)", match, QUICK_MATCH)
    pages.get(client, "quick match (an error)", match, refused)
    pages.fragment(client, "quick match: the ranking", match, QUICK_MATCH)
    pages.fragment(client, "quick match: an error", match, refused)


def team_pages(pages: Pages, client: Client, scene: Scenario) -> None:
    pages.get(client, "teams", url("team-list"))
    pages.get(client, "team page", url("team-detail", team_id=scene.team.pk))
    pages.get(client, "new workshop", url("workshop-create"))
    pages.keep("new workshop with errors", client.post(url("workshop-create"), {"title": ""}))
    unknown = url("console", workshop_id=9_999_999)
    pages.get(client, "404 (a workshop that is not the team's)", unknown, status=404)


def decision_pages(pages: Pages, client: Client, scene: Scenario) -> None:
    history = url("decision-list")
    drawn = pages.get(client, "decisions (history with the chart)", history)
    assert 'data-testid="pattern-chart"' in drawn
    pages.get(client, "decisions filtered", history, {"pattern": "batch"})
    pages.get(client, "decisions with a bad filter", history, {"decided_after": "yesterday"})
    pages.fragment(client, "decisions: the filtered results", history, {"pattern": "batch"})
    pages.get(client, "decision record", url("decision-detail", decision_id=scene.accepted.pk))
    figures = url("decision-figures", decision_id=scene.accepted.pk)
    noted = {"workflow_position": "0", "noted_on": "2000-01-01", "volume_unit": "day"}
    noted |= {"latency_unit": "seconds", "volume_value": "-1", "text": "kept"}
    pages.keep("decision record with refused figures", client.post(figures, noted))
    # A figure just past the record's first revisit trigger.
    trigger = scene.accepted.snapshot["workflows"][0]["revisit"][0]
    past = {
        "volume": {"volume_value": str(trigger["threshold"] * 2)},
        "latency": {"latency_value": str(trigger["threshold"] / 2), "volume_value": ""},
        "consumers": {"consumers": str(trigger["threshold"]), "volume_value": ""},
    }[trigger["dimension"]]
    noted |= {"noted_on": timezone.localdate().isoformat(), **past}
    response = client.post(figures, noted, follow=True)
    drawn = pages.keep("decision record due for review", response)
    assert 'data-testid="review-due-figures"' in drawn
    superseded = url("decision-detail", decision_id=scene.superseded.pk)
    pages.get(client, "superseded decision record", superseded)
    pages.get(client, "decided workshop console", console_url(scene.accepted.workshop))


def pdf_pages(pages: Pages, client: Client, scene: Scenario) -> None:
    """The page that follows a PDF's drawing: queued (a queue that runs nothing), its poll,
    and a drawing that failed for being too long."""
    record = url("decision-pdf", decision_id=scene.accepted.pk)
    draft = url("workshop-draft-pdf", workshop_id=scene.workshop.pk)
    with override_settings(TASKS=HELD_TASKS):
        drawn = pages.get(client, "PDF being drawn (queued)", record, status=202)
        assert "Drawing the PDF" in drawn
        pages.fragment(client, "PDF being drawn: its poll", record, status=202)
        pages.get(client, "draft PDF being drawn", draft, status=202)
        RecordPdf.objects.filter(decision=scene.accepted).update(
            status=RecordPdf.Status.FAILED, failure=RecordPdf.FailureKind.TOO_LONG
        )
        drawn = pages.get(client, "PDF that failed", record, status=200)
        assert "Try again" in drawn


def console_pages(pages: Pages, client: Client, workshop: Workshop, label: str) -> None:
    """The console in each of the five phases, on the whole workflow and (a hybrid) a part,
    with its fragments: the live panel, the side panel, the timer and the room card; and the
    room view for the projector."""
    parts = [w for w in workshop.workflows.order_by("pk") if w.parent_id is not None]
    here = {"workshop_id": workshop.pk}
    for phase in range(1, 6):
        workshop = phase_go(workshop=workshop, phase=phase)
        drawn = pages.get(client, f"console {label}: phase {phase}", console_url(workshop))
        assert f'<h2 id="phase-title" class="h4 mb-1">{phase}. ' in drawn
        for part in parts[:1]:
            name = f"console {label}: phase {phase}, a part"
            pages.get(client, name, console_url(workshop, part))
        name = f"console {label}: live panel, phase {phase}"
        pages.fragment(client, name, url("live-panel", **here), {"phase": phase})
    pages.get(client, f"decide {label}", url("decide", **here))
    pages.fragment(client, f"console {label}: side panel", url("console-panel", **here))
    pages.fragment(client, f"console {label}: timer", url("console-timer", **here))
    name = f"console {label}: room card poll"
    pages.fragment(client, name, url("room-state", **here), {"card": "1"})
    name = f"console {label}: room card after pausing the clock"
    pages.post(client, name, url("clock-toggle", **here), {"clock": "pause"})
    pages.get(client, f"room view {label}", url("room", **here))
    pages.fragment(client, f"room view {label}: its poll", url("room-state", **here))


def autosave_fragments(pages: Pages, client: Client, workshop: Workshop) -> None:
    workflow = workshop.workflows.get(parent=None)
    save, data = phase_url(workflow, 1), requirements(workflow)
    pages.post(client, "console: autosave answer", save, data)
    pages.post(client, "console: autosave with an error", save, {**data, "p1-latency_value": "-1"})
    pages.post(client, "console: autosave that lost a race", save, {**data, "p1-version": 0})


def room_members(workshop: Workshop) -> tuple[Member, Member, Member]:
    """A decision-maker, a consulted person and a spectator, each on a device of their own."""
    roles, involvement = Participant.Role, Participant.Involvement
    return (
        join(workshop, "Dana", roles.OPERATIONS, involvement.DECISION_MAKER),
        join(workshop, "Zoë", roles.BUSINESS, involvement.CONSULTED),
        join(workshop, "Sam", roles.SECURITY, involvement.INFORMED),
    )


def participant_pages(pages: Pages, workshop: Workshop, facilitator: Client, label: str) -> None:
    """A participant's page in each phase (and a spectator's), the fragments each of their
    answers gets, the facilitator's live panel once the room has answered, moving on before
    everyone is ready, and the consent on a proposed decision."""
    dana, zoe, sam = room_members(workshop)
    whole = workshop.workflows.get(parent=None)
    here = {"workshop_id": workshop.pk}
    page, state = url("participant", **here), url("participant-state", **here)
    live = url("live-panel", **here)

    workshop = phase_go(workshop=workshop, phase=1)
    for member in (dana, zoe):
        room_services.delay_answer(participant=member.participant, workflow=whole, answers=DELAYS)
    assert 'data-phase="1"' in pages.get(dana.client, f"participant {label}: phase 1", page)
    pages.get(sam.client, f"spectator {label}: phase 1", page)
    delay = {"workflow": whole.pk, "delay-delay_10s": "degraded"}
    pages.post(
        zoe.client, f"participant {label}: delay saved", url("participant-delay", **here), delay
    )
    pages.post(
        zoe.client, f"participant {label}: ready", url("participant-ready", **here), {"ready": 1}
    )
    pages.fragment(facilitator, f"console {label}: live panel with delays", live, {"phase": 1})
    name = f"console {label}: moving on before everyone is ready"
    pages.get(facilitator, name, url("phase-go", **here), {"phase": 2})
    name = f"console {label}: room card refusing a hand-off"
    pages.post(facilitator, name, url("facilitator-hand-off", **here), {"to_user": ""})

    workshop = phase_go(workshop=workshop, phase=2)
    name = f"participant {label}: poll after the phase moved"
    pages.fragment(dana.client, name, state, {"shown": 1})
    assert 'data-phase="2"' in pages.get(dana.client, f"participant {label}: phase 2", page)
    vote, prefix = url("participant-vote", **here), f"vote{whole.pk}"
    chosen = {
        "workflow": whole.pk,
        f"{prefix}-trigger": "scheduled",
        f"{prefix}-trigger_reason": "Nightly.",
    }
    pages.post(dana.client, f"participant {label}: vote saved", vote, chosen)
    odd = {"workflow": whole.pk, f"{prefix}-trigger": "sometimes"}
    pages.post(dana.client, f"participant {label}: vote refused", vote, odd)
    for member in (dana, zoe):
        for dimension, value in VOTES.items():
            room_services.dimension_vote(
                participant=member.participant,
                workflow=whole,
                dimension=dimension,
                value=value,
                reason="Because.",
            )
    room_services.votes_reveal(workflow=whole)
    revealed = pages.get(zoe.client, f"participant {label}: phase 2, votes revealed", page)
    assert 'data-testid="votes-shown"' in revealed
    pages.fragment(facilitator, f"console {label}: live panel with votes", live, {"phase": 2})

    workshop = phase_go(workshop=workshop, phase=3)
    assert 'data-phase="3"' in pages.get(dana.client, f"participant {label}: phase 3", page)

    workshop = phase_go(workshop=workshop, phase=4)
    slug = whole.candidates[0]
    proposal = room_services.risk_propose(
        participant=zoe.participant, workflow=whole, pattern_slug=slug, title="Files arrive late"
    )
    room_services.risk_dot_toggle(participant=dana.participant, proposal=proposal)
    assert "Files arrive late" in pages.get(dana.client, f"participant {label}: phase 4", page)
    risk, title = url("participant-risk", **here), f"risk{whole.pk}-{slug}-title"
    proposed_risk = {"workflow": whole.pk, "pattern": slug, title: "Consumers lag"}
    pages.post(dana.client, f"participant {label}: risk proposed", risk, proposed_risk)
    untitled = {**proposed_risk, title: ""}
    pages.post(dana.client, f"participant {label}: risk refused", risk, untitled)
    dot = url("participant-dot", proposal_id=proposal.pk, **here)
    pages.post(zoe.client, f"participant {label}: dot given", dot, {})
    pages.fragment(facilitator, f"console {label}: live panel with risks", live, {"phase": 4})

    workshop = phase_go(workshop=workshop, phase=5)
    assert 'data-phase="5"' in pages.get(dana.client, f"participant {label}: phase 5", page)
    spectating = {"workflow": whole.pk, f"{prefix}-trigger": "scheduled"}
    pages.post(sam.client, f"spectator {label}: a vote refused", vote, spectating)

    proposed = decide(workshop, workshop.facilitator, status="proposed", pattern=slug)
    asked = pages.get(dana.client, f"participant {label}: consent asked", page)
    assert 'name="consent-answer"' in asked
    pages.get(zoe.client, f"participant {label}: consent shown", page)
    consent = url("participant-consent", **here)
    objection = {"decision": proposed.pk, "consent-answer": "object"}
    pages.post(dana.client, f"participant {label}: consent refused", consent, objection)
    agreement = {"decision": proposed.pk, "consent-answer": "agree"}
    pages.post(dana.client, f"participant {label}: consent saved", consent, agreement)
    record = url("decision-detail", decision_id=proposed.pk)
    pages.get(facilitator, f"proposed decision record {label} with consent", record)
    status = url("decision-status", decision_id=proposed.pk)
    name = f"decision record {label} with a refused status change"
    pages.keep(name, facilitator.post(status, {"to_status": "nonsense"}))
    decide_url = url("decide", **here)
    pages.get(facilitator, f"decide {label} over a proposal", decide_url)
    pages.keep(f"decide {label} with errors", facilitator.post(decide_url, {"action": "accepted"}))

    participant_remove(participant=sam.participant)
    pages.get(sam.client, f"403 (participant {label} removed)", page, status=403)


def join_pages(pages: Pages, workshop: Workshop) -> None:
    browser, join_url = Client(), url("join")
    pages.get(browser, "join", join_url)
    pages.keep("join with an unknown code", browser.post(join_url, {"code": "ZZZ999"}))
    pages.post(browser, "join: the code form with an error", join_url, {"code": "ZZZ998"})
    invite = url("join-invite", invite=workshop.invite_code)
    pages.get(browser, "join by invite", invite)
    bad = {"name": "", "role": "nobody"}
    pages.keep("join by invite with errors", browser.post(invite, bad))
    pages.post(browser, "join by invite: the form with errors", invite, bad)
    unknown = url("join-invite", invite="not-a-code")
    pages.get(Client(), "404 (an unknown invite)", unknown, status=404)
    room_services.joining_set(workshop=workshop, open=False)
    pages.get(Client(), "403 (joining closed)", invite, status=403)
    room_services.joining_set(workshop=workshop, open=True)
    throttled = Client()
    for _ in range(settings.JOIN_FAILURE_LIMIT):
        response = throttled.post(join_url, {"code": "ZZZ999"})
    pages.keep("429 (too many failed joins)", response, status=429)


def draw_every_page() -> Pages:
    pages = Pages()
    scene = build_scenario()
    member = logged_in(scene.user)
    public_pages(pages)
    catalogue_pages(pages, member)
    team_pages(pages, member, scene)
    invitation_pages(pages, member, scene)
    password_reset_form_page(pages)
    single_sign_on_pages(pages)
    decision_pages(pages, member, scene)
    pdf_pages(pages, member, scene)
    single = workshop_filled(team=scene.team, by=scene.user)
    join_pages(pages, single)
    console_pages(pages, member, single, "single")
    console_pages(pages, member, scene.workshop, "hybrid")
    autosave_fragments(pages, member, single)
    participant_pages(pages, single, member, "single")
    participant_pages(pages, scene.workshop, member, "hybrid")
    pages.get(logged_in(UserFactory()), "dashboard of someone with no team", "/")
    return pages


# --- the checker ------------------------------------------------------------------------------


def check(command: list[str], drawn: dict[str, Drawn], folder: Path) -> list[dict]:
    """The checker's messages on every page, each with the page's name."""
    names = {}
    for number, page in enumerate(drawn.values()):
        path = folder / f"page-{number:03}.html"
        path.write_text(page.document(), encoding="utf-8")
        names[path.name] = page
    files = [str(folder / name) for name in names]
    run = subprocess.run([*command, *files], capture_output=True, text=True, timeout=300)
    report = json.loads(run.stdout or "{}")
    assert "messages" in report, f"the checker answered nothing: {run.stderr[-2000:]}"
    messages = []
    for message in report["messages"]:
        page = names.get(Path(message.get("url", "")).name)
        if page is not None and page.fragment and message.get("message") == NO_H1:
            continue
        messages.append({**message, "page": page.name if page else message.get("url", "?")})
    return messages


def describe(message: dict) -> str:
    extract = " ".join((message.get("extract") or "").split())
    line = message.get("lastLine", "?")
    return f"[{message['page']}] line {line}: {message.get('message')}\n    {extract}"


def is_error(message: dict) -> bool:
    return (
        message.get("type") in ("error", "non-document-error") or message.get("subType") == "fatal"
    )


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker) -> Iterator[Pages]:
    """Every page drawn once for the module's tests, in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield draw_every_page()
        finally:
            transaction.set_rollback(True)


def test_every_page_and_fragment_is_valid_html(pages, tmp_path):
    command = vnu_command()
    messages = check(command, pages.drawn, tmp_path)
    errors = [m for m in messages if is_error(m)]
    warnings = [m for m in messages if not is_error(m)]
    if warnings:
        print(f"{len(warnings)} warnings (not failing):\n" + "\n".join(map(describe, warnings)))
    tally: dict[str, int] = {}
    for error in errors:
        tally[error["page"]] = tally.get(error["page"], 0) + 1
    assert not errors, (
        f"{len(errors)} HTML errors on {len(tally)} of {len(pages.drawn)} pages: "
        + ", ".join(f"{name} {count}" for name, count in tally.items())
        + "\n"
        + "\n".join(map(describe, errors))
    )


# --- the Content-Security-Policy, and nothing on a page that it would have to block ------------


def policy_directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        directives.setdefault(name.lower(), values)  # the first of a name counts, as in browsers
    return directives


def policy_problems(page: Drawn) -> list[str]:
    """What is wrong with the page's policy (DESIGN.md §4), and anything on the page that
    a strict policy would block: an inline script, an event handler, a javascript: URL."""
    directives = policy_directives(page.policy) if page.policy.strip() else {}
    if not directives:
        return ["no Content-Security-Policy header"]
    problems = []
    scripts = directives.get("script-src", directives.get("default-src", []))
    if "'self'" not in scripts:
        problems.append(f"script-src is {scripts}, without 'self'")
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:"):
        if unsafe in scripts:
            problems.append(f"script-src allows {unsafe}")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors is {directives.get('frame-ancestors')}, not 'none'")
    for element in hostile.parse(page.html).iter():
        tag = element.tag.removeprefix(hostile.XHTML) if isinstance(element.tag, str) else ""
        if tag == "script" and not element.get("src"):
            problems.append(f"an inline <script>: {''.join(element.itertext())[:60]!r}")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"<{tag} {name}={value[:40]!r}>")
            if name.lower() in hostile.URL_ATTRIBUTES and value.strip().lower().startswith(
                "javascript:"
            ):
                problems.append(f"<{tag} {name}={value[:40]!r}>")
    return problems


def test_every_page_and_fragment_has_a_strict_content_security_policy(pages):
    problems = {name: policy_problems(page) for name, page in pages.drawn.items()}
    problems = {name: found for name, found in problems.items() if found}
    assert len(pages.drawn) > 100, "the pages were not drawn"
    assert not problems, f"{len(problems)} of {len(pages.drawn)} pages:\n" + "\n".join(
        f"[{name}] {item}" for name, found in problems.items() for item in found
    )
