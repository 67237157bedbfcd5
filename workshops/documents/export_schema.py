"""The decision export's shape as typed models: what the import checks, and the JSON Schema
published in docs/decision-export.schema.json, generated from them (`make schema`).

Every value the record page, its Markdown, PDF and CSV and a revisit read is typed and
bounded here: strings as long as the columns they land in, numbers in the ranges the forms
allow, the dimension values, statuses, roles and answers the catalogue and the models know,
and pattern slugs as the catalogue's URLs take them. Keys that older exports lack are
optional; a key no export ever had is refused.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.db.models import Model
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from patterns.models import Consistency, Failure, Granularity, Level, Trigger
from workshops.models import (
    MAX_CONSUMERS,
    MAX_FIGURE,
    Consent,
    Coupling,
    Decision,
    DelayAnswer,
    Dimension,
    DimensionVote,
    FigureNote,
    LatencyUnit,
    Organisation,
    Participant,
    Risk,
    RiskProposal,
    StatusChange,
    Team,
    VolumeUnit,
    Workflow,
    Workshop,
)
from workshops.snapshot import SCHEMA as SNAPSHOT_SCHEMA

FORMAT = "parsecgo.decision-export/1"

# A free text without a column limit (descriptions, notes, rationales): long enough for any
# record people write, short enough that no field alone fills an import.
LONG_TEXT = 100_000
# Text the engine or the product wrote (reasons, explanations, labels, sentences).
GENERATED_TEXT = 2_000
# How many of a kind a record may hold: far above any real workshop.
MANY = 1_000
USERNAME = 150


def _length(model: type[Model], field: str) -> int:
    length = model._meta.get_field(field).max_length
    assert length is not None, f"{model.__name__}.{field} has no max_length"
    return length


def _values(choices: type) -> tuple[str, ...]:
    return tuple(choices.values)


def _labels(choices: type) -> tuple[str, ...]:
    return tuple(str(label) for label in choices.labels)


def _one_of(values: tuple[str, ...]) -> Any:
    return Literal[values]  # type: ignore[valid-type]


def _text(max_length: int, *, min_length: int = 0) -> Any:
    return Annotated[str, Field(max_length=max_length, min_length=min_length)]


def _name(max_length: int) -> Any:
    # A name that is there: blank is refused, the way the forms refuse it.
    return Annotated[str, Field(max_length=max_length, pattern=r"\S")]


def _figure(*, above_zero: bool = False, scale: int = 1) -> Any:
    bound = {"gt": 0} if above_zero else {"ge": 0}
    return Annotated[float, Field(le=MAX_FIGURE * scale, allow_inf_nan=False, **bound)] | None


def _count(maximum: int = 10**9) -> Any:
    return Annotated[int, Field(ge=0, le=maximum)]


def _money(integer_digits: int, decimals: int) -> Any:
    # Amounts are written as decimal strings ("400.00"), so that no float rounds them.
    return Annotated[
        str,
        Field(
            pattern=rf"^[0-9]{{1,{integer_digits}}}(\.[0-9]{{1,{decimals}}})?$",
            max_length=integer_digits + decimals + 1,
        ),
    ]


def _list(item: Any, max_length: int = MANY) -> Any:
    return Annotated[list[item], Field(max_length=max_length)]


def _instant(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text) if len(text) <= INSTANT_LENGTH else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError("is not a date and time like 2026-05-31T09:30:00+00:00")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("has no UTC offset, so its instant is unknown")
    return text


def _day(text: str) -> str:
    try:
        day = date.fromisoformat(text) if len(text) == DAY_LENGTH else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError("is not a date like 2027-05-31")
    return text


# The length is checked by the validators, so that a wrong date is told as a wrong date.
INSTANT_LENGTH, DAY_LENGTH = 40, 10
Instant = Annotated[
    str,
    AfterValidator(_instant),
    WithJsonSchema({"type": "string", "format": "date-time", "maxLength": INSTANT_LENGTH}),
]
Day = Annotated[
    str,
    AfterValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "maxLength": DAY_LENGTH}),
]

# As the catalogue's URLs take them (patterns/<slug>/), and as long as the columns keep them.
PATTERN_SLUG_LENGTH = _length(Decision, "chosen_pattern")
Slug = Annotated[str, Field(max_length=PATTERN_SLUG_LENGTH, pattern=r"^[-a-zA-Z0-9_]+$")]
SlugOrBlank = Annotated[str, Field(max_length=PATTERN_SLUG_LENGTH, pattern=r"^[-a-zA-Z0-9_]*$")]
PatternName = _text(_length(Decision, "chosen_pattern_name"))
Status = _one_of(_values(Decision.Status))
RoleLabel = _one_of(_labels(Participant.Role))
PersonName = _name(_length(Participant, "name"))
Answer = _one_of(("", *_values(DelayAnswer)))
LongText = _text(LONG_TEXT)
Generated = _text(GENERATED_TEXT)


class Strict(BaseModel):
    """No coercion ("5" is not 5, 1 is not true) and no key the export does not define."""

    model_config = ConfigDict(strict=True, extra="forbid")


# --- the record's workflows ---


class Latency(Strict):
    value: _figure(above_zero=True)
    unit: _one_of(_values(LatencyUnit))


class Volume(Strict):
    value: _figure()
    unit: _one_of(_values(VolumeUnit))


class DelayAnswers(Strict):
    s10: Answer = Field(alias="10s")
    m10: Answer = Field(alias="10m")
    h1: Answer = Field(alias="1h")


class Profile(Strict):
    trigger: _one_of(("", *_values(Trigger)))
    granularity: _one_of(("", *_values(Granularity)))
    consistency: _one_of(("", *_values(Consistency)))
    failure: _one_of(("", *_values(Failure)))


class Notes(Strict):
    trigger: LongText
    granularity: LongText
    consistency: LongText
    failure: LongText


class Mismatch(Strict):
    dimension: _one_of(_values(Dimension))
    explanation: Generated


class Fit(Strict):
    pattern: Slug
    name: PatternName
    feasible: bool
    score: Annotated[int, Field(ge=0, le=100)]
    reasons: _list(Generated, 50)
    mismatches: _list(Mismatch, 4)


class RecordedRisk(Strict):
    rank: Annotated[int, Field(ge=1, le=3)]
    title: _name(_length(Risk, "title"))
    likelihood: Annotated[int, Field(ge=1, le=5)]
    impact: Annotated[int, Field(ge=1, le=5)]
    score: Annotated[int, Field(ge=1, le=25)]
    mitigation: LongText
    raised_by: _one_of(_values(Risk.RaisedBy))
    pitfall: SlugOrBlank


class Estimate(Strict):
    monthly_infrastructure: _money(10, 2)
    training: _money(10, 2)
    incident_hours_per_month: _money(7, 1)
    hourly_rate: _money(6, 2)


class Tco(Strict):
    infrastructure: _money(15, 2)
    training: _money(15, 2)
    incidents: _money(15, 2)
    total: _money(15, 2)


class Pitfall(Strict):
    slug: Slug
    title: Generated
    reason: Generated
    mitigation: Generated


class Candidate(Strict):
    pattern: Slug
    name: PatternName
    risks: _list(RecordedRisk, 3)
    # Exports from before cost inputs were kept have none; revisits derive them from the TCO.
    estimate: Estimate | None = None
    tco: Tco
    pitfalls: _list(Pitfall, 50)


class GrowthFinding(Strict):
    slug: _one_of(("batch_window", "streaming_cost", "fan_out"))
    title: Generated
    explanation: Generated
    mitigation: Generated


class RevisitTrigger(Strict):
    dimension: _one_of(("volume", "latency", "consumers"))
    threshold: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    sentence: Generated


class Chosen(Strict):
    pattern: SlugOrBlank
    name: PatternName


class Targets(Strict):
    p95_seconds: _figure()
    throughput: _figure()
    error_rate: _figure()
    batch_window_hours: _figure()


class Measured(Strict):
    p95_seconds: _figure()
    throughput: _figure()
    error_rate: _figure()


class Check(Strict):
    name: Generated
    target: Generated
    measured: Generated
    passed: bool | None


class Validation(Strict):
    data_subset: LongText
    targets: Targets
    measured: Measured
    checks: _list(Check, 10)
    verdict: Literal["pass", "fail", "pending"]
    projection: Generated


# --- what the room said ---


class DelayVoice(Strict):
    name: PersonName
    role: RoleLabel
    s10: Answer = Field(alias="10s")
    m10: Answer = Field(alias="10m")
    h1: Answer = Field(alias="1h")


class AnswerCounts(Strict):
    fine: _count()
    degraded: _count()
    unacceptable: _count()


class DelayQuestion(Strict):
    key: Literal["10s", "10m", "1h"]
    label: Generated
    counts: AnswerCounts
    answers: _count()
    group_answer: Answer


class RoleDelays(Strict):
    role: RoleLabel
    counts: _list(AnswerCounts, 3)


class Delays(Strict):
    respondents: _count()
    answers: _list(DelayVoice)
    questions: _list(DelayQuestion, 3)
    roles: _list(RoleDelays, 10)
    group_answers: DelayAnswers
    tolerance: Generated
    disagreements: _list(Generated, 50)


DimensionValue = _text(_length(DimensionVote, "value"))


class ValueCount(Strict):
    value: DimensionValue
    label: Generated
    votes: _count()


class VoteReason(Strict):
    name: PersonName
    role: RoleLabel
    value: DimensionValue
    value_label: Generated
    reason: _text(_length(DimensionVote, "reason"))


class DimensionVotes(Strict):
    dimension: _one_of(_values(Dimension))
    label: Generated
    votes: _count()
    # Told only once the votes were revealed.
    counts: _list(ValueCount, 10) | None = None
    majority: DimensionValue | None = None
    majority_label: Generated | None = None
    split: bool | None = None
    reasons: _list(VoteReason) | None = None


class Votes(Strict):
    revealed: bool
    voters: _count()
    voted: _count()
    cast: _count()
    dimensions: _list(DimensionVotes, 4)


class ProposedRisk(Strict):
    title: _name(_length(RiskProposal, "title"))
    mitigation: _text(_length(RiskProposal, "mitigation"))
    proposer: PersonName
    role: RoleLabel
    dots: _count()


class ProposedRisks(Strict):
    pattern: Slug
    name: PatternName
    risks: _list(ProposedRisk)


class Room(Strict):
    delays: Delays
    votes: Votes
    proposed_risks: _list(ProposedRisks, 50)


class RecordedWorkflow(Strict):
    name: _name(_length(Workflow, "name"))
    is_part: bool
    description: LongText
    source_system: _text(_length(Workflow, "source_system"))
    target_system: _text(_length(Workflow, "target_system"))
    data_elements: LongText
    update_frequency: _text(_length(Workflow, "update_frequency"))
    latency: Latency
    max_latency_seconds: _figure(above_zero=True, scale=86_400)
    volume: Volume
    volume_per_day: _figure(scale=24)
    growth_factor: _figure(above_zero=True)
    compliance: _list(_text(200), 50)
    observability: _one_of(("", *_values(Level)))
    skill: _one_of(("", *_values(Level)))
    coupling: _one_of(("", *_values(Coupling)))
    consumers: Annotated[int, Field(ge=0, le=2**31 - 1)] | None
    # Exports from before the growth rules lack these and the growth findings below.
    throughput_estimate: _figure(above_zero=True) = None
    batch_window_hours: _figure(above_zero=True) = None
    organisation: _one_of(("", *_values(Organisation))) | None = None
    idempotency_key: bool
    schema_policy: bool
    security_controls: bool
    delay_answers: DelayAnswers
    tolerance: Generated
    tolerance_warning: Generated
    profile: Profile
    notes: Notes
    recommended: Slug | None
    suggest_split: bool
    ranking: _list(Fit, 200)
    candidates: _list(Candidate, 50)
    cheapest: Slug | None
    tco_along_growth: bool | None = None
    growth: _list(GrowthFinding, 10) | None = None
    revisit: _list(RevisitTrigger, 10) | None = None
    revisit_when: Generated | None = None
    chosen: Chosen
    # Exports from before each part had its own reason share the decision's.
    rationale: LongText | None = None
    validation: Validation
    # Exports from before the room took part have none.
    room: Room | None = None


# --- the record, and the export around it ---


class RecordedWorkshop(Strict):
    title: _name(_length(Workshop, "title"))
    description: LongText
    scheduled_at: Instant
    facilitator: _name(USERNAME)


class Person(Strict):
    name: PersonName
    role: RoleLabel


class People(Strict):
    decision_makers: _list(Person)
    consulted: _list(Person)
    informed: _list(Person)


class RecordedConsent(Strict):
    name: PersonName
    role: RoleLabel
    answer: _one_of(_values(Consent.Answer))
    reason: _text(_length(Consent, "reason"))
    recorded_at: Instant


class Snapshot(Strict):
    """The frozen record: everything the record page shows."""

    schema_: Literal[SNAPSHOT_SCHEMA] = Field(alias="schema")
    title: _name(_length(Workshop, "title"))
    team: _name(_length(Team, "name"))
    workshop: RecordedWorkshop
    people: People
    workflows: _list(RecordedWorkflow, 50)
    rationale: LongText
    consequences: LongText
    review_date: Day | None
    # Exports from before consent was asked have none.
    consent: _list(RecordedConsent) | None = None


class ChangeEntry(Strict):
    from_: Status | None = Field(alias="from")
    to: Status
    by: _name(USERNAME)
    at: Instant
    note: _text(_length(StatusChange, "note"))


class NotedFigures(Strict):
    """Figures a team member noted on the record after the decision (beside the snapshot)."""

    workflow: _count(MANY)  # the snapshot's workflows: 0 the whole, then its parts
    noted_on: Day
    by: _name(_length(FigureNote, "author"))
    volume: Volume | None
    latency: Latency | None
    consumers: _count(MAX_CONSUMERS) | None
    note: _text(_length(FigureNote, "text"))
    at: Instant


class DecisionExportDocument(Strict):
    """A decision as /decisions/<id>.json writes it and `manage.py import_decision` reads it."""

    model_config = ConfigDict(strict=True, extra="forbid", title="Parsecgo decision export")

    format: Literal[FORMAT]
    title: _name(_length(Decision, "title"))
    status: Status
    team: _name(_length(Team, "name"))
    chosen_pattern: SlugOrBlank
    chosen_pattern_name: PatternName
    rationale: LongText
    consequences: LongText
    review_date: Day | None
    decided_at: Instant | None
    created_at: Instant
    status_changes: _list(ChangeEntry)
    supersedes: _text(_length(Decision, "title")) | None
    snapshot: Snapshot
    # Only in exports of decisions with figures noted since (older exports have none).
    figure_notes: _list(NotedFigures) | None = None


def export_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that docs/decision-export.schema.json publishes."""
    schema = DecisionExportDocument.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def export_json_schema_text() -> str:
    return json.dumps(export_json_schema(), indent=2, ensure_ascii=False) + "\n"
