"""Hand-built engine inputs, mirroring the built-in catalogue, for tests that need no database."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from patterns.matching import PatternSpec, Profile, Requirements

# The values of migration 0002_builtin_patterns, as the engine sees them.
BATCH = PatternSpec(
    slug="batch",
    name="Batch processing",
    profile=Profile(
        trigger="scheduled", granularity="batch", consistency="strong", failure="retry"
    ),
    latency_floor_seconds=60.0,
    complexity_rank=1,
    skill_level="low",
    observability_required="low",
)
CHOREOGRAPHY = PatternSpec(
    slug="choreography",
    name="Event-driven choreography",
    profile=Profile(
        trigger="event", granularity="record", consistency="eventual", failure="dead_letter"
    ),
    latency_floor_seconds=1.0,
    complexity_rank=2,
    skill_level="medium",
    observability_required="medium",
)
STREAMING = PatternSpec(
    slug="streaming",
    name="Real-time streaming",
    profile=Profile(trigger="event", granularity="record", consistency="eventual", failure="retry"),
    latency_floor_seconds=0.001,
    complexity_rank=3,
    skill_level="high",
    observability_required="medium",
)
BUILTIN = (BATCH, CHOREOGRAPHY, STREAMING)
BUILTIN_SLUGS = tuple(p.slug for p in BUILTIN)
# The keys of the engine's JSON answer, as `manage.py match` and /api/match publish it.
ANSWER_KEYS = {
    "recommended",
    "suggest_split",
    "ranking",
    "pitfalls",
    "growth",
    "revisit",
    "revisit_when",
}


def profile(
    trigger: str = "event",
    granularity: str = "record",
    consistency: str = "eventual",
    failure: str = "retry",
) -> Profile:
    return Profile(
        trigger=trigger, granularity=granularity, consistency=consistency, failure=failure
    )


def requirements(
    trigger: str = "event",
    granularity: str = "record",
    consistency: str = "eventual",
    failure: str = "retry",
    *,
    max_latency_seconds: float = 3600.0,
    volume_per_day: float = 10_000.0,
    **constraints: Any,
) -> Requirements:
    """A workflow's requirements; unnamed constraints keep the engine's defaults."""
    return Requirements(
        profile=profile(trigger, granularity, consistency, failure),
        max_latency_seconds=max_latency_seconds,
        volume_per_day=volume_per_day,
        **constraints,
    )


def pattern(slug: str, *, based_on: PatternSpec = STREAMING, **changes: Any) -> PatternSpec:
    """A custom catalogue pattern: a copy of `based_on` under a new slug, with `changes`."""
    return replace(based_on, slug=slug, name=changes.pop("name", f"Pattern {slug}"), **changes)
