"""Hostile text in every free-text field, typed through the pages' own forms (and brought in by
an import): every page and fragment that shows it, the Markdown, the CSV and the PDF keep it
text. DESIGN.md §4: user text is escaped in pages and PDFs; the PDF fetches nothing else.

The forms are filled like a browser would (tests/hostile.py): each form's fields as the page
drew them, every text, search, url and textarea field given the payload (cut to its
maxlength, so that it saves), and the page parsed by an HTML5 parser afterwards."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from markdown_it import MarkdownIt
from pydantic import ValidationError
from pypdf import PdfReader

from tests.e2e.scenario import fill_phases, workshop_filled
from tests.factories import UserFactory
from tests.hostile import (
    CSV_FORMULAS,
    LONG,
    MARKER,
    PAYLOAD,
    XHTML,
    findings,
    form_on,
    forms_on,
    parse,
    shows_payload,
)
from tests.workers import HELD_TASKS
from tests.workshops.builders import decide
from tests.workshops.room import join_as
from workshops.documents import pdf as pdf_module
from workshops.documents.export_schema import DecisionExportDocument
from workshops.documents.json import decision_to_json
from workshops.management.commands.loaddemo import RIDES
from workshops.models import (
    ApiToken,
    Consent,
    Decision,
    DimensionVote,
    FigureNote,
    Invitation,
    Participant,
    Risk,
    RiskProposal,
    StatusChange,
    Team,
    Workflow,
    Workshop,
)
from workshops.services import room as room_services
from workshops.services.decisions import decision_import
from workshops.services.invitations import invitation_create
from workshops.services.workflows import workflow_split, workflow_update
from workshops.services.workshops import phase_go

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
VOTES = {"trigger": "event", "granularity": "record", "consistency": "eventual", "failure": "retry"}


def url(name: str, **kwargs) -> str:
    return reverse(f"workshops:{name}", kwargs=kwargs)


@dataclass(frozen=True)
class Hostile:
    """A team whose every free text was typed by an attacker, and the browsers that typed it."""

    member: Client
    participant: Client
    team: Team
    workshop: Workshop
    decision: Decision  # the workshop's, accepted
    imported: Decision  # the same record imported with the payload in every string
    while_open: dict[str, str]  # pages drawn before the decision was accepted, by name


def _refused(body: str) -> bool:
    """Whether a form's answer shows an error beside a field (a page redrawn with its errors,
    or an autosave's out-of-band feedback)."""
    return "is-invalid" in body or "invalid-feedback" in body or "Someone else changed" in body


def _submit(client: Client, form, *, htmx: bool = False, expect_saved: bool = True):
    response = client.post(form.action, form.data, headers=HTMX if htmx else {})
    assert response.status_code in (200, 204, 302), (form.url_name, response.status_code)
    if expect_saved:
        body = response.content.decode()
        assert not _refused(body), f"{form.url_name} refused the payload:\n" + "\n".join(
            line for line in body.splitlines() if "invalid-feedback" in line
        )
    return response


def _fill(client: Client, page: str, url_name: str, *, htmx: bool = False, **overrides):
    form = form_on(client.get(page).content.decode(), page, url_name, **overrides)
    assert form.free_text, f"the form posting to {url_name} has no free-text field"
    return _submit(client, form, htmx=htmx)


def _saves_on(client: Client, page: str) -> list:
    saves = ("phase-save", "tradeoff-save")
    html = client.get(page).content.decode()
    return [form for form in forms_on(html, page) if form.url_name in saves]


def _fill_console(client: Client, workshop: Workshop) -> None:
    """Every form of the console's five phases, on the whole workflow and on each part."""
    parts = [None, *workshop.workflows.exclude(parent=None).order_by("pk")]
    for phase in range(1, 6):
        workshop = phase_go(workshop=workshop, phase=phase)
        for part in parts:
            page = url("console", workshop_id=workshop.pk) + (f"?part={part.pk}" if part else "")
            # Each save moves the workflow's version, which a browser takes from the answer
            # (an out-of-band swap); here the page is drawn again before the next form.
            count = len(_saves_on(client, page))
            for index in range(count):
                form = _saves_on(client, page)[index]
                if form.free_text:
                    _submit(client, form, htmx=True)


def _hostile_export(decision: Decision) -> dict:
    """The decision's export with the payload before every string the schema takes as free
    text (the snapshot's too: its pattern names, explanations and pitfalls come from the
    catalogue on this site, from the file on an import). Each string is spoilt, then the
    schema's own complaints say which to cut to its length and which must stay as they were
    (slugs, choices, dates)."""
    original = decision_to_json(decision)
    data = _spoil(original)
    for _ in range(50):
        try:
            DecisionExportDocument.model_validate(data)
        except ValidationError as invalid:
            for error in invalid.errors():
                loc = error["loc"]
                if error["type"] == "string_too_long":
                    _put(data, loc, _at(data, loc)[: error["ctx"]["max_length"]])
                else:
                    _put(data, loc, _at(original, loc))
        else:
            return data
    raise AssertionError("the export does not settle")


def _spoil(value):
    if isinstance(value, dict):
        return {key: _spoil(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_spoil(item) for item in value]
    return PAYLOAD + " " + value if isinstance(value, str) else value


def _at(data, loc):
    for key in loc:
        data = data[key]
    return data


def _put(data, loc, value) -> None:
    _at(data, loc[:-1])[loc[-1]] = value


def hostile_build() -> Hostile:
    member = Client()
    user = UserFactory(username="hana")
    member.force_login(user)
    _fill(member, url("team-list"), "team-list")
    team = Team.objects.get(memberships__user=user)
    _fill(member, url("team-detail", team_id=team.pk), "team-invitation-create")
    _fill(member, url("api-tokens"), "api-tokens")

    create = member.get(url("workshop-create")).content.decode()
    _submit(member, form_on(create, url("workshop-create"), "workshop-create"))
    workshop = Workshop.objects.get(team=team)
    whole = workshop.workflows.get(parent=None)
    fields = {**RIDES.requirements, **RIDES.profile}
    workflow_update(workflow=whole, version=whole.version, fields=fields)
    workshop = fill_phases(workshop)
    console = url("console", workshop_id=workshop.pk)
    _fill(member, console, "participant-add", username="", role="engineering")
    workshop = phase_go(workshop=workshop, phase=3)  # where the console offers the split
    _fill(member, console, "workflow-split")
    _fill_console(member, workshop)

    participant = Client()
    invite = url("join-invite", invite=workshop.invite_code)
    _fill(participant, invite, "join-invite", role="operations", involvement="decision_maker")
    page = url("participant", workshop_id=workshop.pk)
    workshop = phase_go(workshop=workshop, phase=2)
    html = participant.get(page).content.decode()
    for form in forms_on(html, page):
        if form.url_name == "participant-vote":
            prefix = f"vote{form.data['workflow'][0]}"
            form.data |= {f"{prefix}-{dimension}": [value] for dimension, value in VOTES.items()}
            _submit(participant, form, htmx=True)
    for workflow in workshop.workflows.all():
        room_services.votes_reveal(workflow=workflow)
    workshop = phase_go(workshop=workshop, phase=4)
    html = participant.get(page).content.decode()
    for form in forms_on(html, page):
        if form.url_name == "participant-risk":
            _submit(participant, form, htmx=True)

    decide = url("decide", workshop_id=workshop.pk)
    parts = workshop.workflows.exclude(parent=None)
    chosen = {f"chosen_{part.pk}": "streaming" for part in parts}
    _fill(member, decide, "decide", action="proposed", **chosen)
    decision = Decision.objects.get(workshop=workshop)
    # Seen only while the decision is open: the decide page over the proposal.
    while_open = {"decide over the proposal": member.get(decide).content.decode()}
    _fill(participant, page, "participant-consent", htmx=True, **{"consent-answer": "object"})
    record = url("decision-detail", decision_id=decision.pk)
    _fill(member, record, "decision-status", to_status="accepted")
    today = timezone.localdate().isoformat()
    figures = {"noted_on": today, "volume_value": "5", "volume_unit": "day"}
    _fill(member, record, "decision-figures", **figures)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.ACCEPTED

    # What was typed landed where it belongs: the proof that the pages below had it to show.
    saved = [
        team.name,
        workshop.title,
        Workshop.objects.get(pk=workshop.pk).description,
        *Workflow.objects.filter(workshop=workshop).values_list("name", flat=True),
        *Workflow.objects.filter(workshop=workshop).values_list("description", flat=True),
        *Workflow.objects.filter(workshop=workshop).values_list("source_system", flat=True),
        *Risk.objects.filter(workflow__workshop=workshop).values_list("title", flat=True),
        *Risk.objects.filter(workflow__workshop=workshop).values_list("mitigation", flat=True),
        *RiskProposal.objects.filter(workflow__workshop=workshop).values_list("title", flat=True),
        *DimensionVote.objects.filter(workflow__workshop=workshop).values_list("reason", flat=True),
        *Participant.objects.filter(workshop=workshop).values_list("name", flat=True),
        *ApiToken.objects.filter(user=user).values_list("name", flat=True),
        *FigureNote.objects.filter(decision=decision).values_list("text", flat=True),
        StatusChange.objects.get(decision=decision, to_status=Decision.Status.ACCEPTED).note,
        *Invitation.objects.filter(team=team).values_list("note", flat=True),
        *Consent.objects.filter(decision=decision).values_list("reason", flat=True),
        decision.rationale,
        decision.consequences,
    ]
    for rows in (Invitation, Consent, FigureNote, RiskProposal, DimensionVote, Risk, ApiToken):
        assert rows.objects.exists(), f"no {rows.__name__} was saved"
    unsaved = [text[:40] for text in saved if not text.startswith(MARKER)]
    assert not unsaved, unsaved
    imported = decision_import(data=_hostile_export(decision), team=team, user=user)
    return Hostile(member, participant, team, workshop, decision, imported, while_open)


@contextmanager
def hostile_kept(django_db_blocker) -> Iterator[Hostile]:
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield hostile_build()
        finally:
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with hostile_kept(django_db_blocker) as world:
        yield world


def _pages(world: Hostile) -> Iterator[tuple[str, Client, str, dict, bool]]:
    """(name, browser, url, query, htmx) of every page and fragment that shows the text; the
    phase's pages once per phase (the workshop moved there first)."""
    member, participant, here = world.member, world.participant, {"workshop_id": world.workshop.pk}
    part = world.workshop.workflows.exclude(parent=None).order_by("pk").first()
    for decision in (world.decision, world.imported):
        yield f"record {decision.pk}", member, url("decision-detail", decision_id=decision.pk), {}
    yield "history", member, url("decision-list"), {}
    yield "dashboard", member, "/", {}
    yield "team page", member, url("team-detail", team_id=world.team.pk), {}
    yield "teams", member, url("team-list"), {}
    yield "API tokens", member, url("api-tokens"), {}
    yield "room view", member, url("room", **here), {}
    for phase in range(1, 6):
        phase_go(workshop=world.workshop, phase=phase)
        yield f"console {phase}", member, url("console", **here), {}
        yield f"console {phase}, a part", member, url("console", **here), {"part": part.pk}
        yield f"participant {phase}", participant, url("participant", **here), {}


def _fragments(world: Hostile) -> Iterator[tuple[str, Client, str, dict]]:
    member, participant, here = world.member, world.participant, {"workshop_id": world.workshop.pk}
    yield "history: results", member, url("decision-list"), {"q": "evil"}
    yield "room view: poll", member, url("room-state", **here), {}
    yield "console: side panel", member, url("console-panel", **here), {}
    for phase in range(1, 6):
        phase_go(workshop=world.workshop, phase=phase)
        yield f"live panel {phase}", member, url("live-panel", **here), {"phase": phase}
        yield f"participant poll {phase}", participant, url("participant-state", **here), {}


# The live panel shows the room's answers: in phases 1, 3 and 5 choices and counts only.
NO_TEXT = frozenset({"live panel 1", "live panel 3", "live panel 5"})


def _inspect(drawn: dict[str, str]) -> None:
    problems = {name: findings(html) for name, html in drawn.items()}
    problems = {name: found for name, found in problems.items() if found}
    assert not problems, "user data became markup:\n" + "\n".join(
        f"[{name}] {item}" for name, found in problems.items() for item in found
    )
    silent = [
        name for name, html in drawn.items() if name not in NO_TEXT and not shows_payload(html)
    ]
    assert not silent, f"the payload is not on {silent}: the check there would prove nothing"


def test_every_page_shows_the_payload_as_text(world):
    drawn = dict(world.while_open)
    for name, client, address, query in _pages(world):
        response = client.get(address, query)
        assert response.status_code == 200, (name, response.status_code)
        drawn[name] = response.content.decode()
    _inspect(drawn)


def test_every_fragment_shows_the_payload_as_text(world):
    drawn = {}
    for name, client, address, query in _fragments(world):
        response = client.get(address, query, headers=HTMX)
        assert response.status_code == 200, (name, response.status_code)
        drawn[name] = response.content.decode()
    _inspect(drawn)


def test_the_answers_to_the_forms_show_the_payload_as_text(world):
    """A refused save draws the form again with what was typed (nothing is lost): that
    answer keeps it text too. The payload with a NUL is refused by every text field."""
    member = world.member
    drawn = {}
    team_page = url("team-detail", team_id=world.team.pk)
    record = url("decision-detail", decision_id=world.decision.pk)
    figures = {"noted_on": timezone.localdate().isoformat(), "volume_value": "5"}
    pages = {
        "teams": (url("team-list"), "team-list", {}),
        "new workshop": (url("workshop-create"), "workshop-create", {}),
        "API tokens": (url("api-tokens"), "api-tokens", {}),
        "team page": (team_page, "team-invitation-create", {}),
        "record: status": (record, "decision-status", {"to_status": "deprecated"}),
        "record: figures": (record, "decision-figures", figures),
    }
    for name, (page, url_name, overrides) in pages.items():
        html = member.get(page).content.decode()
        form = form_on(html, page, url_name, text=PAYLOAD + "\x00", **overrides)
        response = member.post(form.action, form.data)
        assert response.status_code == 200, (name, response.status_code)
        drawn[name] = body = response.content.decode()
        assert _refused(body), f"{name} saved a NUL"
    _inspect(drawn)


def _markdown(world: Hostile, decision: Decision) -> str:
    response = world.member.get(url("decision-markdown", decision_id=decision.pk))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("which", ["decision", "imported"])
def test_the_markdown_has_no_markup_heading_or_front_matter_from_the_payload(world, which):
    decision = getattr(world, which)
    text = _markdown(world, decision)
    assert MARKER in text
    front, body = text.removeprefix("---\n").split("\n---\n", 1)
    assert "title: x" not in front.splitlines(), "the payload added a front-matter key"
    rendered = MarkdownIt("commonmark").render(body)  # raw HTML passes, as in ADR tools
    assert findings(rendered) == []
    tree = parse(rendered)
    titles = list(tree.iter(f"{XHTML}h1"))
    assert len(titles) == 1, "the payload made a heading of level 1"
    headings = [
        "".join(h.itertext()) for level in range(1, 7) for h in tree.iter(f"{XHTML}h{level}")
    ]
    assert not [h for h in headings if h.strip().startswith(("Heading", "title: x"))]
    for tag in ("script", "img", "style", "hr"):
        assert not list(tree.iter(f"{XHTML}{tag}")), tag


def test_the_csv_neutralises_every_formula(world):
    # A decision per formula, its title starting with it, as an import brings it.
    for number, formula in enumerate(CSV_FORMULAS):
        data = _hostile_export(world.decision)
        data["title"] = f"{formula} {number}"
        decision_import(data=data, team=world.team, user=world.decision.created_by)
    response = world.member.get(url("decision-csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert any(MARKER in cell for cell in cells)
    starts = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not starts, f"cells a spreadsheet would run: {starts}"
    titles = {row[1] for row in rows[1:]}
    for number, formula in enumerate(CSV_FORMULAS):
        assert f"'{formula} {number}" in titles


class _Spy(pdf_module.StaticOnlyFetcher):
    asked: list[str] = []

    def fetch(self, url, headers=None):
        _Spy.asked.append(url)
        return super().fetch(url, headers)


@pytest.mark.parametrize("which", ["decision", "imported"])
def test_the_pdf_fetches_nothing_the_payload_names_and_shows_it_as_text(world, which):
    decision = getattr(world, which)
    _Spy.asked = []
    with mock.patch.object(pdf_module, "StaticOnlyFetcher", _Spy):
        content = pdf_module.decision_pdf(decision)
    assert _Spy.asked, "the stylesheet and fonts come through the fetcher"
    outside = [asked for asked in _Spy.asked if not asked.startswith(pdf_module.STATIC_PREFIX)]
    assert not [asked for asked in outside if "evil" in asked or asked == "x"], outside
    assert not outside, outside
    text = "".join(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
    )
    text = text.replace("\u200b", "")
    for line in (
        "<script>alert(1)</script>",
        '"><imgsrc=xonerror=alert(1)>',
        "url(https://evil.example/x)",
    ):
        assert line.replace(" ", "") in text, line


def test_the_import_command_takes_the_hostile_export_as_text(world, tmp_path):
    path = tmp_path / "hostile.json"
    data = _hostile_export(world.decision)
    data["title"] = "Imported by command"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("import_decision", str(path), "--user", "hana", stdout=io.StringIO())
    decision = Decision.objects.get(title="Imported by command")
    response = world.member.get(url("decision-detail", decision_id=decision.pk))
    _inspect({"record imported by the command": response.content.decode()})


def _live_forms(world: Hostile) -> Iterator[tuple[str, Client, object]]:
    """(where, browser, form) for every form a person can type into on a live workshop of
    the team: the console's five phases (whole and a part), the participant's, decide, the
    team's, the tokens', the record's and the join page's."""
    member = world.member
    user = world.decision.created_by
    workshop = workshop_filled(team=world.team, by=user)
    part, _ = workflow_split(workflow=workshop.workflows.get(), names=("Load", "Serve"))
    here = {"workshop_id": workshop.pk}
    browser = Client()
    invite = url("join-invite", invite=workshop.invite_code)
    yield "join", browser, form_on(browser.get(invite).content.decode(), invite, "join-invite")
    join_as(browser, workshop, involvement="decision_maker")
    console = url("console", **here)
    participant = url("participant", **here)
    for phase in range(1, 6):
        workshop = phase_go(workshop=workshop, phase=phase)
        for page in (console, f"{console}?part={part.pk}"):
            for form in forms_on(member.get(page).content.decode(), page):
                yield f"console {phase}", member, form
        for form in forms_on(browser.get(participant).content.decode(), participant):
            yield f"participant {phase}", browser, form
    proposed = decide(workshop, user, status=Decision.Status.PROPOSED, pattern="streaming")
    for form in forms_on(browser.get(participant).content.decode(), participant):
        yield "participant: consent", browser, form
    pages = (
        url("decide", **here),
        url("decision-detail", decision_id=proposed.pk),
        url("decision-detail", decision_id=world.decision.pk),
        url("team-detail", team_id=world.team.pk),
        url("team-list"),
        url("workshop-create"),
        url("api-tokens"),
        url("decision-list"),
    )
    for page in pages:
        for form in forms_on(member.get(page).content.decode(), page):
            yield page, member, form


# What a refusal of too long or NUL-holding text says beside its field.
REFUSED_TEXT = ("at most", "Null characters are not allowed", "too long")


@pytest.mark.parametrize(
    "text", [pytest.param(LONG, id="100000-characters"), pytest.param(PAYLOAD + "\x00", id="NUL")]
)
def test_every_form_saves_or_refuses_beside_the_field(world, text):
    """Never a 500 (the test client raises what the view raised): the form saves or says,
    beside the field, what is wrong. A NUL is refused everywhere it is typed."""
    tried = set()
    for where, client, form in _live_forms(world):
        free = [name for name in form.free_text if not name.endswith("username")]
        if not free:
            continue
        data = {name: ([text] if name in free else values) for name, values in form.data.items()}
        send = client.post if form.method == "post" else client.get
        response = send(form.action, data, headers=HTMX if form.htmx else {})
        assert response.status_code < 500, (where, form.url_name, response.status_code)
        tried.add(form.url_name)
        body = response.content.decode() if not response.streaming else ""
        refused = _refused(body)
        if refused:
            assert any(words in body for words in REFUSED_TEXT), (where, form.url_name, body)
        if text.endswith("\x00") and form.method == "post":
            assert refused, f"{where}: {form.url_name} took a NUL ({response.status_code})"
    assert {"phase-save", "tradeoff-save", "participant-vote", "decide"} <= tried, tried


@pytest.mark.parametrize("which", ["decision", "imported"])
def test_every_download_names_its_file_safely(world, which, settings):
    """The file names come from the titles: no quote, path, control character or formula
    reaches a Content-Disposition header or a name inside the team's zip."""
    settings.TASKS = HELD_TASKS
    decision = getattr(world, which)
    here = {"decision_id": decision.pk}
    team_zip = url("team-decisions-zip", team_id=world.team.pk)
    names = []
    for address in (
        url("decision-json", **here),
        url("decision-markdown", **here),
        url("decision-csv"),
        team_zip,
    ):
        response = world.member.get(address)
        assert response.status_code == 200, (address, response.status_code)
        names.append(response.get("Content-Disposition", ""))
        if address == team_zip:
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names.extend(archive.namelist())
    for name in names:
        assert not any(ord(c) < 32 for c in name), name
        assert "<" not in name and ".." not in name and "\u202e" not in name, name
        assert not name.split("/")[-1].startswith(("=", "+", "-", "@")), name


def test_pages_that_show_a_team_or_workshop_to_newcomers_keep_the_payload_text(world):
    """The invitation's page names its team to whoever holds the link; the invite's join page
    names the workshop to someone not yet in it."""
    _, token = invitation_create(team=world.team, by=world.decision.created_by)
    newcomer, signed_in = Client(), Client()
    signed_in.force_login(UserFactory())
    live = workshop_filled(team=world.team, by=world.decision.created_by)
    Workshop.objects.filter(pk=live.pk).update(title=world.workshop.title)
    invite = url("join-invite", invite=live.invite_code)
    drawn = {
        "invitation: sign up": newcomer.get(url("invitation-accept", token=token)),
        "invitation: join signed in": signed_in.get(url("invitation-accept", token=token)),
        "join by invite": Client().get(invite),
        "join by invite: errors": Client().post(invite, {"name": "", "role": "nobody"}),
    }
    for name, response in drawn.items():
        assert response.status_code == 200, (name, response.status_code)
    _inspect({name: response.content.decode() for name, response in drawn.items()})


@pytest.mark.parametrize(
    "page",
    [
        pytest.param("workshops:decision-list", id="history"),
        pytest.param("patterns:match", id="quick-match"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_a_search_reflects_the_payload_in_every_parameter_as_text(world, page, htmx):
    """Every parameter of the page's GET form (its choices too: a refused choice is named in
    its error) given the payload: the answer shows it, as text."""
    address = reverse(page)
    html = world.member.get(address).content.decode()
    form = next(f for f in forms_on(html, address) if f.method == "get")
    query = dict.fromkeys(form.data, PAYLOAD)
    response = world.member.get(address, query, headers=HTMX if htmx else {})
    assert response.status_code == 200
    _inspect({page: response.content.decode()})
