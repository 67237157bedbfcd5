"""The matching engine: ranks catalogue patterns against a workflow's profile, with no database."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Trigger = Literal["scheduled", "event"]
Granularity = Literal["batch", "record"]
Consistency = Literal["strong", "eventual"]
Failure = Literal["retry", "dead_letter"]
Level = Literal["low", "medium", "high"]
Coupling = Literal["loose", "tight"]
Organisation = Literal["central_data_team", "platform_team", "autonomous_teams"]

DIMENSIONS: tuple[str, ...] = ("trigger", "granularity", "consistency", "failure")
DIMENSION_VALUES: dict[str, tuple[str, ...]] = {
    "trigger": ("scheduled", "event"),
    "granularity": ("batch", "record"),
    "consistency": ("strong", "eventual"),
    "failure": ("retry", "dead_letter"),
}
LEVELS: tuple[str, ...] = ("low", "medium", "high")
COUPLINGS: tuple[str, ...] = ("loose", "tight")
ORGANISATIONS: tuple[str, ...] = ("central_data_team", "platform_team", "autonomous_teams")

# How much a mismatch on each dimension costs. Consistency weighs most because compensating
# for it (reconciliation, read-after-write stores) touches correctness; failure handling is
# the cheapest to bolt on.
WEIGHTS: dict[str, int] = {"trigger": 2, "granularity": 2, "consistency": 3, "failure": 1}
TOTAL_WEIGHT = sum(WEIGHTS.values())
# A mismatch at least this heavy means the pattern does not really fit: suggest a hybrid.
SIGNIFICANT_WEIGHT = 2


@dataclass(frozen=True)
class Profile:
    trigger: Trigger
    granularity: Granularity
    consistency: Consistency
    failure: Failure

    def value(self, dimension: str) -> str:
        return getattr(self, dimension)


@dataclass(frozen=True)
class Requirements:
    """A workflow's profile on the four dimensions and the constraints recorded beside it."""

    profile: Profile
    max_latency_seconds: float
    volume_per_day: float
    growth_factor: float | None = None
    compliance: tuple[str, ...] = ()
    observability: Level | None = None
    skill: Level | None = None
    coupling: Coupling | None = None
    idempotency_key: bool = False
    schema_policy: bool = False
    security_controls: bool = False
    consumers: int | None = None
    # What the growth rules need (patterns/growth.py); none of them changes feasibility.
    batch_window_hours: float | None = None
    throughput_per_hour: float | None = None
    organisation: Organisation | None = None


@dataclass(frozen=True)
class PatternSpec:
    """What the engine needs to know of one catalogue pattern."""

    slug: str
    name: str
    profile: Profile
    latency_floor_seconds: float
    complexity_rank: int
    skill_level: Level = "low"
    observability_required: Level = "low"
    excluded_compliance: frozenset[str] = field(default_factory=frozenset)
    # How the pattern itself handles a failed unit, in the catalogue's words ("checkpoint and
    # replay"): a failure mismatch names it rather than a generic retry or dead-letter queue.
    failure_note: str = ""


@dataclass(frozen=True)
class Mismatch:
    dimension: str
    required: str
    offered: str
    weight: int
    explanation: str


@dataclass(frozen=True)
class PatternFit:
    pattern: PatternSpec
    feasible: bool
    score: int
    weighted_mismatches: int
    reasons: tuple[str, ...]
    mismatches: tuple[Mismatch, ...]

    @property
    def has_significant_mismatch(self) -> bool:
        return any(m.weight >= SIGNIFICANT_WEIGHT for m in self.mismatches)


@dataclass(frozen=True)
class MatchResult:
    ranking: tuple[PatternFit, ...]
    recommended: PatternFit | None
    suggest_split: bool

    def fit_for(self, slug: str) -> PatternFit | None:
        return next((fit for fit in self.ranking if fit.pattern.slug == slug), None)


def match(requirements: Requirements, patterns: Iterable[PatternSpec]) -> MatchResult:
    """Rank every pattern; recommend the simplest feasible one with the fewest mismatches."""
    fits = [_fit(requirements, pattern) for pattern in patterns]
    fits.sort(
        key=lambda f: (
            not f.feasible,
            f.weighted_mismatches,
            f.pattern.complexity_rank,
            f.pattern.slug,
        )
    )
    recommended = fits[0] if fits and fits[0].feasible else None
    return MatchResult(
        ranking=tuple(fits),
        recommended=recommended,
        suggest_split=recommended is not None and recommended.has_significant_mismatch,
    )


def _fit(requirements: Requirements, pattern: PatternSpec) -> PatternFit:
    reasons: list[str] = []
    feasible = True
    if pattern.latency_floor_seconds > requirements.max_latency_seconds:
        feasible = False
        reasons.append(
            f"{pattern.name} cannot deliver faster than "
            f"{format_duration(pattern.latency_floor_seconds)}, but the workflow tolerates at most "
            f"{format_duration(requirements.max_latency_seconds)}."
        )
    excluded = {name.casefold() for name in pattern.excluded_compliance}
    for regime in requirements.compliance:
        if regime.casefold() in excluded:
            feasible = False
            reasons.append(f"{pattern.name} cannot meet {regime}, which this workflow must meet.")

    mismatches = tuple(
        mismatch
        for dimension in DIMENSIONS
        if (mismatch := _mismatch(dimension, requirements.profile, pattern)) is not None
    )
    weighted = sum(m.weight for m in mismatches)
    if not mismatches:
        reasons.append(f"{pattern.name} matches the profile on all four dimensions.")
    if requirements.profile.consistency == "eventual" and pattern.profile.consistency == "strong":
        reasons.append(
            f"{pattern.name} gives strong consistency where eventual is enough; "
            "that costs complexity, not fit."
        )
    if requirements.skill and _rank(requirements.skill) < _rank(pattern.skill_level):
        reasons.append(
            f"{pattern.name} needs {pattern.skill_level} skill with distributed systems and the "
            f"team's is {requirements.skill}: budget training in the cost of ownership."
        )
    if requirements.coupling == "tight" and pattern.profile.trigger == "event":
        reasons.append(
            f"{pattern.name} works best between loosely coupled systems; with tight coupling, "
            "agree on event contracts before relying on it."
        )
    if requirements.organisation is not None:
        # Imported here: growth.py builds on this module's types.
        from patterns.growth import organisation_mismatch

        mismatch = organisation_mismatch(requirements.organisation, pattern)
        if mismatch is not None:
            reasons.append(mismatch)
    return PatternFit(
        pattern=pattern,
        feasible=feasible,
        # Halves round up (62.5 -> 63), as people expect; round() would go to the even 62.
        score=int(100 * (TOTAL_WEIGHT - weighted) / TOTAL_WEIGHT + 0.5),
        weighted_mismatches=weighted,
        reasons=tuple(reasons),
        mismatches=mismatches,
    )


def _mismatch(dimension: str, profile: Profile, pattern: PatternSpec) -> Mismatch | None:
    required = profile.value(dimension)
    offered = pattern.profile.value(dimension)
    if required == offered:
        return None
    if dimension == "consistency" and offered == "strong":
        return None  # more than asked: no mismatch, its price is in complexity and cost
    template = _EXPLANATIONS[(dimension, required)]
    return Mismatch(
        dimension=dimension,
        required=required,
        offered=offered,
        weight=WEIGHTS[dimension],
        explanation=template.format(
            name=pattern.name,
            handling=pattern.failure_note or _DEFAULT_HANDLING[pattern.profile.failure],
        ),
    )


# One sentence per (dimension, what the workflow needs) where the pattern offers the other
# value: what goes wrong, then the compensation that makes the pattern usable anyway.
_EXPLANATIONS: dict[tuple[str, str], str] = {
    ("trigger", "scheduled"): (
        "The workflow runs on a schedule, but {name} reacts to events as they happen; "
        "have a scheduler publish a start event, or accept that it runs on every change."
    ),
    ("trigger", "event"): (
        "The workflow must start when the data changes, but {name} runs on a schedule; "
        "shorten the interval or detect changes (change data capture) to come close."
    ),
    ("granularity", "batch"): (
        "The workflow moves whole files or tables, but {name} moves one record at a time; "
        "collect records into a staging table or a windowed job before loading them."
    ),
    ("granularity", "record"): (
        "The workflow moves individual records, but {name} moves whole files or tables; "
        "use small incremental extracts (micro-batches) to get close to record level."
    ),
    ("consistency", "strong"): (
        "Readers must never see stale or partial data, but {name} is only eventually "
        "consistent; add a read-after-write store or a reconciliation job that checks "
        "completeness before readers use the data."
    ),
    ("failure", "retry"): (
        "Failed units must be retried until they succeed, but {name} sets them aside "
        "({handling}); add automatic redelivery with a retry limit and an alert."
    ),
    ("failure", "dead_letter"): (
        "Failed units must be set aside without holding up the rest, but {name} retries "
        "them ({handling}); add a quarantine table or dead-letter topic for rejected units."
    ),
}
# A failure mismatch names the pattern's own handling; a pattern without a note gets these.
_DEFAULT_HANDLING: dict[str, str] = {
    "retry": "it tries a failed unit again",
    "dead_letter": "it parks a failed unit in a dead-letter queue",
}


def _rank(level: str) -> int:
    return LEVELS.index(level)


def level_below(actual: str, required: str) -> bool:
    return _rank(actual) < _rank(required)


def format_duration(seconds: float) -> str:
    """A duration in the largest unit that reads as at least 1: '1 millisecond', '4 hours'."""
    if not math.isfinite(seconds):
        return "forever"
    units = (
        ("day", 86400.0),
        ("hour", 3600.0),
        ("minute", 60.0),
        ("second", 1.0),
        ("millisecond", 0.001),
    )
    for name, size in units:
        amount = seconds / size
        # Round before choosing the unit, so that 59.99 s reads "1 minute", not "60 seconds".
        text = f"{amount:.0f}" if amount >= 9.95 else f"{amount:.1f}".removesuffix(".0")
        if float(text) >= 1 or (name == "millisecond" and amount >= 0.05):
            return f"{text} {name}{'' if text == '1' else 's'}"
    return "less than 0.1 milliseconds"
