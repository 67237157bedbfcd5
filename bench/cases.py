"""The registered benchmark cases: engine calls and pages, each with its data and target."""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.http import HttpResponse, QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.forms import FormData, form_as_posted, swapped_in_value
from bench.timing import Request, RequestFailed, get
from patterns.api import EXAMPLE_WORKFLOW
from patterns.evaluation import evaluate
from patterns.forms import QuickMatchForm
from patterns.matching import DIMENSION_VALUES, LEVELS, Profile, Requirements, match
from patterns.models import Pattern
from patterns.selectors import catalogue_specs
from tests.factories import PatternFactory, UserFactory
from workshops.models import Decision, DecisionChoice, RecordPdf, Team, Workshop
from workshops.services.decisions import decision_revisit, team_decisions_changed
from workshops.services.teams import team_create
from workshops.services.tokens import api_token_create
from workshops.services.workflows import workflow_split
from workshops.services.workshops import phase_go, workshop_start

CUSTOM_PATTERN_COUNT = 20
# Engine targets are per call with the whole catalogue, in microseconds.
ENGINE_TARGET_US = 1000.0


@dataclass(frozen=True)
class EngineWorkload:
    call: Callable[[], object]  # one call of the code under test, bound to its data
    detail: str  # appended to the case's name, e.g. "23 patterns"


@dataclass(frozen=True)
class EngineCase:
    name: str
    prepare: Callable[[], EngineWorkload]
    target_us: float | None = None


def _no_preparation(client: Client) -> str | None:
    return None


@dataclass(frozen=True)
class PageCase:
    """A page timed against the trivial view; `prepare` may log `client` in or create rows,
    and returns the path to time when it is only known then (a page with an id in it)."""

    name: str
    path: str = ""
    prepare: Callable[[Client], str | None] = _no_preparation
    target_ratio: float | None = None  # at most this many times the trivial view's median
    target_ms: float | None = None
    # How each timed request is sent: a GET unless the case posts (the autosave).
    request: Request = get
    # Also time the signed-in floor in the same rounds, and report the ratio to it.
    signed_in_floor: bool = False


# --- Data ---------------------------------------------------------------------------------

_created_pattern_ids: list[int] = []


def custom_patterns_ensure() -> None:
    """Add 20 custom patterns beside the three built-in ones, once, with varied constraints."""
    if _created_pattern_ids:
        return
    profiles = itertools.cycle(itertools.product(*DIMENSION_VALUES.values()))
    floors = itertools.cycle((0.01, 0.5, 2.0, 30.0, 300.0, 3600.0, 86400.0))
    exclusions = itertools.cycle(("", "", "HIPAA", "", "PCI DSS, SOX"))
    for number in range(1, CUSTOM_PATTERN_COUNT + 1):
        trigger, granularity, consistency, failure = next(profiles)
        floor = next(floors)
        pattern = PatternFactory(
            # A prefix of our own, so that a run against a given database cannot collide with
            # or remove the catalogue an administrator built there.
            slug=f"bench-custom-{number}",
            name=f"Bench custom pattern {number}",
            trigger=trigger,
            granularity=granularity,
            consistency=consistency,
            failure=failure,
            latency_floor_seconds=floor,
            latency_label=f"{floor:g} seconds or more",
            complexity_rank=1 + number % 6,
            skill_level=LEVELS[number % 3],
            observability_required=LEVELS[(number + 1) % 3],
            maintenance_level=LEVELS[(number + 2) % 3],
            excluded_compliance=next(exclusions),
            default_monthly_cost=Decimal(150 * number),
            growth_mechanics="Scales by adding workers; the broker partitions bound parallelism.",
            fits="Order updates\nInventory sync",
        )
        _created_pattern_ids.append(pattern.pk)


def bench_rows_remove() -> None:
    """Delete the rows this run added, and only those (for a database the caller gave us)."""
    live_workshops_remove()  # before the demo: they revisit its decision
    demo_rows_remove()
    decision_history_rows_remove()
    Pattern.objects.filter(pk__in=_created_pattern_ids).delete()
    _created_pattern_ids.clear()


# Workflows people actually bring to a workshop, from a nightly export to a payments feed.
REQUIREMENTS: tuple[Requirements, ...] = (
    Requirements(
        profile=Profile("scheduled", "batch", "strong", "retry"),
        max_latency_seconds=86400,
        volume_per_day=100_000,
    ),
    Requirements(
        profile=Profile("event", "record", "eventual", "dead_letter"),
        max_latency_seconds=5,
        volume_per_day=2_000_000,
        growth_factor=3,
        compliance=("GDPR",),
        observability="medium",
        skill="low",
        coupling="loose",
        consumers=4,
        organisation="central_data_team",
    ),
    Requirements(
        profile=Profile("event", "record", "strong", "retry"),
        max_latency_seconds=0.05,
        volume_per_day=50_000_000,
        growth_factor=10,
        compliance=("HIPAA", "PCI DSS"),
        observability="high",
        skill="high",
        coupling="tight",
        idempotency_key=True,
        security_controls=True,
        organisation="platform_team",
    ),
    Requirements(
        profile=Profile("scheduled", "record", "eventual", "retry"),
        max_latency_seconds=3600,
        volume_per_day=500_000,
        observability="low",
        schema_policy=True,
        consumers=12,
        # A nightly run that outgrows its window: every growth rule has work to do.
        growth_factor=10,
        throughput_per_hour=400_000,
        batch_window_hours=4,
        organisation="autonomous_teams",
    ),
)


def _engine_match() -> EngineWorkload:
    custom_patterns_ensure()
    specs = catalogue_specs()
    requirements = itertools.cycle(REQUIREMENTS)
    return EngineWorkload(
        call=lambda: match(next(requirements), specs), detail=f"{len(specs)} patterns"
    )


def _engine_evaluate() -> EngineWorkload:
    custom_patterns_ensure()
    specs = catalogue_specs()
    # Each workflow with and without a pattern the team leans to, so the pitfall rules see both.
    chosen = (None, "streaming", "batch", specs[-1].slug, "choreography")
    arguments = itertools.cycle(itertools.product(REQUIREMENTS, chosen))

    def call() -> object:
        requirements, slug = next(arguments)
        return evaluate(requirements, specs, chosen=slug)

    return EngineWorkload(call=call, detail=f"{len(specs)} patterns")


ENGINE_CASES: list[EngineCase] = [
    EngineCase("engine: match()", _engine_match, target_us=ENGINE_TARGET_US),
    EngineCase("engine: evaluate()", _engine_evaluate, target_us=ENGINE_TARGET_US),
]


# --- Pages --------------------------------------------------------------------------------

# Every field of the quick match form filled in, as after a few minutes of a workshop.
MATCH_QUERY = urlencode(
    {
        "trigger": "event",
        "granularity": "record",
        "consistency": "eventual",
        "failure": "dead_letter",
        "max_latency": "5",
        "latency_unit": "seconds",
        "volume": "2000000",
        "volume_unit": "day",
        "growth_factor": "3",
        "compliance": ["GDPR", "SOX"],
        "compliance_other": "ISO 27001",
        "observability": "medium",
        "skill": "medium",
        "coupling": "loose",
        "consumers": "4",
        "idempotency_key": "on",
        "schema_policy": "on",
        "chosen": "streaming",
    },
    doseq=True,
)


def _catalogue(client: Client) -> None:
    custom_patterns_ensure()


def _match_page(client: Client) -> None:
    custom_patterns_ensure()
    # A query the form rejects would time the error path: refuse to measure that.
    form = QuickMatchForm(QueryDict(MATCH_QUERY), patterns=catalogue_specs())
    if not form.is_valid():
        raise AssertionError(f"the bench's match query is invalid: {form.errors.as_json()}")


def _match_fragment(client: Client) -> None:
    # What htmx asks on every change of the form: the ranking fragment alone.
    _match_page(client)
    client.defaults["HTTP_HX_REQUEST"] = "true"


PAGE_CASES: list[PageCase] = [
    PageCase("/patterns/", "/patterns/", _catalogue, target_ratio=3.0),
    PageCase("/patterns/match/?<full form>", f"/patterns/match/?{MATCH_QUERY}", _match_page),
    PageCase("/patterns/match/ htmx re-rank", f"/patterns/match/?{MATCH_QUERY}", _match_fragment),
    PageCase("/guide/", "/guide/"),
]


# --- Decision history -----------------------------------------------------------------------

HISTORY_DECISIONS = 10_000
HISTORY_TEAM_COUNT = 4
HISTORY_WORKFLOWS = (
    ("Nightly inventory sync", "Store POS", "Warehouse ERP", "Stock levels per shelf."),
    ("Order events to billing", "Web shop", "Billing", "Orders as they are placed."),
    ("Customer master data", "CRM", "Data warehouse", "Addresses and consents."),
    ("Card settlement files", "Acquirer SFTP", "Ledger", "Daily settlement batches."),
    ("Price updates to stores", "Pricing engine", "Store POS", "Price changes by region."),
    ("Shipment tracking feed", "Carrier API", "Customer portal", "Parcel scans."),
)
# Ids of what this run added, so that a run against a given database removes only those.
_history_rows: dict[str, list[int]] = {"users": [], "teams": []}


def decision_history_ensure():
    """A member of four teams that recorded 10,000 decisions between them, once per run.

    The decisions are bulk-inserted: what the page reads is their list columns, not how they
    were recorded. Pattern choices follow a long tail over the 23-pattern catalogue.
    """
    if _history_rows["users"]:
        return get_user_model().objects.get(pk=_history_rows["users"][0])
    custom_patterns_ensure()
    run = secrets.token_hex(3)  # names are unique: never collide with an earlier run's rows
    member = UserFactory(username=f"bench-historian-{run}")
    teams = [
        team_create(name=f"Bench history {run} team {n}", creator=member)
        for n in range(1, HISTORY_TEAM_COUNT + 1)
    ]
    _history_rows["users"].append(member.pk)
    _history_rows["teams"].extend(team.pk for team in teams)
    specs = catalogue_specs()
    rng = random.Random(20261125)
    statuses = [status for status, _label in Decision.Status.choices]
    today = timezone.localdate()
    now = timezone.now()
    decisions = []
    for number in range(HISTORY_DECISIONS):
        title, source, target, description = HISTORY_WORKFLOWS[number % len(HISTORY_WORKFLOWS)]
        (spec,) = rng.choices(specs, weights=[1 / (rank + 1) for rank in range(len(specs))])
        (status,) = rng.choices(statuses, weights=[2, 2, 10, 2, 1, 2])
        decided = status in ("accepted", "deprecated", "superseded")
        decisions.append(
            Decision(
                team=teams[number % len(teams)],
                number=number // len(teams) + 1,  # the teams are new: their first decisions
                title=f"{title} #{number}",
                status=status,
                chosen_pattern=spec.slug,
                chosen_pattern_name=spec.name,
                review_date=today + timedelta(days=rng.randint(-200, 700)) if decided else None,
                decided_at=now - timedelta(hours=number) if decided else None,
                search_text=f"{title}\n{description}\n{source}\n{target}",
                snapshot={},
                created_by=member,
            )
        )
    Decision.objects.bulk_create(decisions, batch_size=500)
    # What the services index from each record: the whole's pattern and, for every fifth
    # decision (a hybrid), two parts with patterns of their own.
    choices = []
    for number, decision in enumerate(decisions):
        picks = [("", decision.chosen_pattern, decision.chosen_pattern_name)]
        if number % 5 == 0:
            picks += [
                (f"Part {n}", spec.slug, spec.name)
                for n, spec in enumerate(rng.sample(specs, 2), start=1)
            ]
        choices += [
            DecisionChoice(
                decision=decision,
                position=position,
                part_name=part,
                pattern_slug=slug,
                pattern_name=name,
            )
            for position, (part, slug, name) in enumerate(picks)
        ]
    DecisionChoice.objects.bulk_create(choices, batch_size=500)
    for team_id in {d.team_id for d in decisions}:
        team_decisions_changed(team_id=team_id)
    return member


def decision_history_rows_remove() -> None:
    """Delete the member, teams and decisions this run added (for a given database)."""
    Decision.objects.filter(team_id__in=_history_rows["teams"]).delete()
    Team.objects.filter(pk__in=_history_rows["teams"]).delete()  # memberships go with them
    get_user_model().objects.filter(pk__in=_history_rows["users"]).delete()
    _history_rows["users"].clear()
    _history_rows["teams"].clear()


def _decision_list(client: Client) -> None:
    client.force_login(decision_history_ensure())


PAGE_CASES.append(
    PageCase(
        "/decisions/ 10,000 decisions",
        "/decisions/",
        _decision_list,
        target_ratio=5.0,
        signed_in_floor=True,
    )
)


def _decisions_api(client: Client) -> None:
    # A script's request: a personal token, no session (the token goes with the member).
    _token, secret = api_token_create(user=decision_history_ensure(), name="bench")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"


# A workflow whose team leans to streaming: the ranking and a pitfall check.
API_MATCH_BODY = json.dumps({**EXAMPLE_WORKFLOW, "chosen": "streaming"})


def _post_match(client: Client, path: str) -> HttpResponse:
    return client.post(path, data=API_MATCH_BODY, content_type="application/json")


PAGE_CASES.extend(
    [
        PageCase(
            "/api/decisions 10,000 decisions, token",
            "/api/decisions",
            _decisions_api,
        ),
        PageCase(
            "/api/decisions?q=…&status=…, token",
            "/api/decisions?q=decision&status=accepted&sort=review",
            _decisions_api,
        ),
        PageCase("POST /api/match", "/api/match", request=_post_match),
    ]
)


# --- The demo's retail decision, its record, and live workshops revisiting it --------------


# What the bench found of the demo before loading it, so that a run against a given database
# removes the demo again only where the run loaded it (None until loaded).
_demo_found: dict[str, bool] | None = None


def demo_load() -> None:
    """Load the demo (`manage.py loaddemo`), noting first what of it was already there."""
    global _demo_found
    from django.core.management import call_command

    from workshops.management.commands.loaddemo import DEMO_TEAM, DEMO_USERNAME

    if _demo_found is None:
        _demo_found = {
            "team": Team.objects.filter(name=DEMO_TEAM).exists(),
            "user": get_user_model().objects.filter(username=DEMO_USERNAME).exists(),
            "stored_pdfs": RecordPdf.objects.filter(decision__team__name=DEMO_TEAM).exists(),
        }
    call_command("loaddemo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def demo_rows_remove() -> None:
    """Delete what the run added of the demo: all of it when the run loaded it, else the
    stored PDFs it drew when there were none."""
    global _demo_found
    from workshops.management.commands.loaddemo import DEMO_TEAM, DEMO_USERNAME

    found, _demo_found = _demo_found, None
    if found is None:
        return
    if not found["team"]:
        # Decisions hold their workshops and team (PROTECT): they go first, their history
        # and stored PDF with them.
        Decision.objects.filter(team__name=DEMO_TEAM).delete()
        Workshop.objects.filter(team__name=DEMO_TEAM).delete()
        Team.objects.filter(name=DEMO_TEAM).delete()
    elif not found["stored_pdfs"]:
        RecordPdf.objects.filter(decision__team__name=DEMO_TEAM).delete()
    if not found["user"]:
        get_user_model().objects.filter(username=DEMO_USERNAME).delete()


def _demo_member(client: Client) -> Decision:
    """The demo's retail workshop and its accepted decision, seen by a member of its team."""
    demo_load()
    decision = Decision.objects.get(title="Retail nightly inventory sync", team__name="Demo team")
    client.force_login(decision.team.members.get(username="demo"))
    return decision


def _decision_page(client: Client) -> str:
    return _demo_member(client).get_absolute_url()


def _signed_in_floor(client: Client) -> None:
    _demo_member(client)


# The demo's retail workshop is decided, and a decided workshop's console is read-only and
# refuses saves: the console cases time live workshops made for the bench instead, each a
# revisit of the demo's decision (pre-filled from its record, as Revisit makes it), clock
# started. Their ids, so that a run against a given database removes them and only them.
_live_workshop_ids: list[int] = []


def _live_workshop(client: Client) -> Workshop:
    """A new live workshop revisiting the demo's retail decision, at phase 1 (the largest
    form: the requirements), seen by the demo's team member."""
    decision = _demo_member(client)
    member = decision.team.members.get(username="demo")
    workshop = decision_revisit(decision=decision, by=member)
    _live_workshop_ids.append(workshop.pk)
    workshop_start(workshop=workshop)
    return phase_go(workshop=workshop, phase=1)


def live_workshops_remove() -> None:
    """Delete the live workshops this run made (their workflows, parts, risks go with them)."""
    Workshop.objects.filter(pk__in=_live_workshop_ids).delete()
    _live_workshop_ids.clear()


def _console(client: Client) -> str:
    return _live_workshop(client).get_absolute_url()


HYBRID_PARTS = ("Stores", "Warehouse", "Web shop", "Returns", "Suppliers", "Finance")


def _console_hybrid(client: Client) -> str:
    workshop = _live_workshop(client)
    whole = workshop.workflows.get(parent=None)
    workflow_split(workflow=whole, names=HYBRID_PARTS)
    return workshop.get_absolute_url()  # on the whole workflow's tab, as the plain case


class _Autosave:
    """An autosave of phase 1 as htmx sends it after a keystroke: the requirements form as
    the console draws it, one field edited, with the version the previous answer carried.

    Each save moves the workflow's version up by one and the answer swaps the new one into
    the form (`<input ... name="p1-version" value="N" data-hx-swap-oob="true">`); a request that
    sends a stale version is refused, so each one carries the version the last answer gave.
    """

    def __init__(self) -> None:
        self.data: FormData = {}
        self.description = ""
        self.saves = 0

    def prepare(self, client: Client) -> str:
        workshop = _live_workshop(client)
        whole = workshop.workflows.get(parent=None)
        path = reverse(
            "workshops:phase-save",
            kwargs={"workshop_id": workshop.pk, "workflow_id": whole.pk, "phase": 1},
        )
        page = client.get(workshop.get_absolute_url())
        self.data = form_as_posted(page.content.decode(), action=path)
        if self.data.get("p1-version") != str(whole.version):
            raise AssertionError(f"the console's phase 1 form has no version {whole.version}")
        self.description = str(self.data.get("p1-description", ""))
        self.saves = 0
        return path

    def __call__(self, client: Client, path: str) -> HttpResponse:
        self.saves += 1
        # The description edited each time (a counter), so every save changes the row.
        self.data["p1-description"] = f"{self.description} (edit {self.saves})"
        response = client.post(path, self.data, headers={"HX-Request": "true"})
        content = response.content.decode()
        if response.status_code == 200 and "Saved at" not in content:
            raise RequestFailed(path, 200, method="POST", why="the autosave was not saved")
        if response.status_code == 200:
            version = swapped_in_value(content, name="p1-version")
            if version is None:
                raise RequestFailed(path, 200, method="POST", why="no new version in the answer")
            self.data["p1-version"] = version
        return response


_autosave = _Autosave()

PAGE_CASES.append(
    PageCase("trivial view, signed in", "/bench/trivial-signed-in/", _signed_in_floor)
)
PAGE_CASES.append(
    PageCase("console, phase 1", "", _console, target_ratio=3.0, signed_in_floor=True)
)
PAGE_CASES.append(
    PageCase(
        "console, phase 1, hybrid with 6 parts",
        "",
        _console_hybrid,
        target_ratio=3.0,
        signed_in_floor=True,
    )
)
PAGE_CASES.append(
    PageCase(
        "autosave round trip, phase 1",
        "",
        _autosave.prepare,
        request=_autosave,
        signed_in_floor=True,
    )
)
PAGE_CASES.append(
    PageCase("decision record", "", _decision_page, target_ratio=3.0, signed_in_floor=True)
)


def _stored_pdf(client: Client) -> str:
    from workshops.documents.pdf import decision_pdf

    decision = _demo_member(client)
    decision_pdf(decision)  # drawn here and stored once; the timed downloads draw nothing
    return reverse("workshops:decision-pdf", kwargs={"decision_id": decision.pk})


def _pdf_poll(client: Client) -> str:
    """What the page that follows a drawing asks every 2 s while the worker draws."""
    from django.test import override_settings

    from workshops.documents.pdf import decision_pdf_version
    from workshops.services.pdfs import record_pdf_request

    decision = _demo_member(client)
    version = decision_pdf_version(decision)
    RecordPdf.objects.filter(source_version=version).delete()
    # Queued where no worker takes it: the timed polls see "queued" every time.
    with override_settings(TASKS={"default": {"BACKEND": DUMMY_TASK_BACKEND}}):
        record_pdf_request(source_version=version, decision=decision, by=decision.created_by)
    client.defaults["HTTP_HX_REQUEST"] = "true"
    return reverse("workshops:decision-pdf", kwargs={"decision_id": decision.pk})


DUMMY_TASK_BACKEND = "django_tasks.backends.dummy.DummyBackend"
PAGE_CASES.append(
    PageCase(
        "decision PDF, drawing, htmx poll", "", _pdf_poll, target_ratio=2.0, signed_in_floor=True
    )
)
PAGE_CASES.append(
    PageCase(
        "decision PDF, stored, download", "", _stored_pdf, target_ratio=2.0, signed_in_floor=True
    )
)
