"""POST /api/match: the engine over HTTP, with the same JSON in and out as `manage.py match`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from patterns import selectors
from patterns.evaluation import evaluate
from patterns.matching import COUPLINGS, DIMENSION_VALUES, LEVELS, ORGANISATIONS
from patterns.wire import (
    MAX_COMPLIANCE_ITEMS,
    MAX_COMPLIANCE_LENGTH,
    InvalidInput,
    loads,
    parse_request,
    result_to_json,
)

router = Router(tags=["matching"])

# The same value lists the engine checks against (typing's Literal takes a tuple).
Trigger = Literal[DIMENSION_VALUES["trigger"]]  # type: ignore[valid-type]
Granularity = Literal[DIMENSION_VALUES["granularity"]]  # type: ignore[valid-type]
Consistency = Literal[DIMENSION_VALUES["consistency"]]  # type: ignore[valid-type]
Failure = Literal[DIMENSION_VALUES["failure"]]  # type: ignore[valid-type]
LevelValue = Literal[LEVELS]  # type: ignore[valid-type]
CouplingValue = Literal[COUPLINGS]  # type: ignore[valid-type]
OrganisationValue = Literal[ORGANISATIONS]  # type: ignore[valid-type]
Regime = Annotated[str, Field(min_length=1, max_length=MAX_COMPLIANCE_LENGTH, pattern=r"\S")]


# "Order placed" from the framework's e-commerce example: the example the schema publishes.
EXAMPLE_WORKFLOW: dict[str, Any] = {
    "trigger": "event",
    "granularity": "record",
    "consistency": "eventual",
    "failure": "dead_letter",
    "max_latency_seconds": 60,
    "volume_per_day": 200000,
}


class MatchInput(Schema):
    """One workflow: its profile on the four dimensions and what else the engine weighs."""

    model_config = ConfigDict(
        extra="forbid", title="MatchInput", json_schema_extra={"examples": [EXAMPLE_WORKFLOW]}
    )

    trigger: Trigger
    granularity: Granularity
    consistency: Consistency
    failure: Failure
    max_latency_seconds: float = Field(gt=0, allow_inf_nan=False)
    volume_per_day: float = Field(ge=0, allow_inf_nan=False)
    growth_factor: float | None = Field(None, gt=0, allow_inf_nan=False)
    compliance: list[Regime] | None = Field(
        None, max_length=MAX_COMPLIANCE_ITEMS, description="Regimes, e.g. GDPR, PCI DSS."
    )
    observability: LevelValue | None = None
    skill: LevelValue | None = None
    coupling: CouplingValue | None = None
    idempotency_key: bool | None = None
    schema_policy: bool | None = None
    security_controls: bool | None = None
    consumers: int | None = Field(None, ge=0)
    batch_window_hours: float | None = Field(
        None, gt=0, allow_inf_nan=False, description="The hours a batch run may take."
    )
    throughput_per_hour: float | None = Field(
        None, gt=0, allow_inf_nan=False, description="Records an hour one run moves."
    )
    organisation: OrganisationValue | None = Field(
        None, description="How the organisation is structured: who would run the pattern."
    )
    chosen: str | None = Field(
        None, description="The slug of a catalogue pattern the team leans to: checked for pitfalls."
    )


class Mismatch(Schema):
    dimension: str
    explanation: str


class Fit(Schema):
    pattern: str
    feasible: bool
    score: int = Field(description="0 to 100: how well the pattern fits the profile.")
    reasons: list[str]
    mismatches: list[Mismatch]


class PitfallOut(Schema):
    slug: str
    title: str
    mitigation: str


class GrowthOut(Schema):
    slug: str
    title: str
    explanation: str
    mitigation: str


class RevisitOut(Schema):
    dimension: Literal["volume", "latency", "consumers"]
    threshold: float = Field(
        description="Where it stops fitting: records a day, seconds of latency or consumers."
    )
    sentence: str


class MatchOutput(Schema):
    recommended: str | None = Field(description="The best feasible pattern's slug, if any.")
    suggest_split: bool
    ranking: list[Fit]
    pitfalls: list[PitfallOut]
    growth: list[GrowthOut] = Field(
        description="What the expected growth does to the chosen (or recommended) pattern."
    )
    revisit: list[RevisitOut] = Field(
        description="The conditions under which the chosen (or recommended) pattern stops fitting."
    )
    revisit_when: str = Field(description='"Revisit when: …", or empty without a condition.')


class FieldErrors(Schema):
    """What was wrong with the input: every bad field with its messages ("__all__": the
    request as a whole)."""

    errors: dict[str, list[str]]


def match_request_body(*, known_patterns: Sequence[str] = ()) -> dict[str, Any]:
    """The published request body: MatchInput, with `chosen` limited to the catalogue's slugs
    when they are known (the catalogue lives in the database and can grow)."""
    # The body is read by patterns.wire, which `manage.py match` shares and whose messages
    # name each field; the schema publishes the same rules for clients and their tools.
    schema = MatchInput.model_json_schema()
    if known_patterns:
        schema["properties"]["chosen"]["anyOf"][0]["enum"] = sorted(known_patterns)
    return {"required": True, "content": {"application/json": {"schema": schema}}}


@router.post(
    "/match",
    response={200: MatchOutput, 400: FieldErrors},
    url_name="match",
    summary="Rank the catalogue's patterns for one workflow",
    openapi_extra={"requestBody": match_request_body()},
)
def match(request: HttpRequest):
    """The ranking, the recommendation and the pitfalls, as `manage.py match` prints them.
    A body that is not a workflow answers 400 with every bad field named."""
    specs = selectors.catalogue_specs()
    try:
        match_request = parse_request(loads(request.body), known_patterns=[s.slug for s in specs])
    except InvalidInput as invalid:
        return Status(400, {"errors": invalid.errors})
    evaluation = evaluate(match_request.requirements, specs, chosen=match_request.chosen)
    return Status(200, result_to_json(evaluation))
