"""The growth rules: when a pattern stops fitting as the workflow grows, and why (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from patterns.matching import Organisation, PatternSpec, Requirements, format_duration

Family = Literal["batch", "streaming", "choreography"]
TriggerDimension = Literal["volume", "latency", "consumers"]

# Growth over the three years at which batch earns a caution even without a throughput: the
# framework's "exponential growth often forces a shift to streaming".
STRONG_GROWTH = 10.0
# Consumers on one event stream from which the bus's fan-out needs partitioned topics.
FAN_OUT_CONSUMERS = 10
YEARS = 3

ORGANISATION_LABELS: dict[str, str] = {
    "central_data_team": "one central data team",
    "platform_team": "a platform team serving product teams",
    "autonomous_teams": "autonomous product teams",
}
# The structure each family of patterns suits (seed: "Organizational Growth").
_SUITED: dict[Family, Organisation] = {
    "batch": "central_data_team",
    "streaming": "platform_team",
    "choreography": "autonomous_teams",
}
_ORGANISATION_MISMATCH: dict[Family, str] = {
    "batch": (
        "{name} centralises the pipelines in one data team, and the organisation has {org}: "
        "that team can become the bottleneck for every change; agree who owns which pipeline."
    ),
    "streaming": (
        "{name} is best run by a platform team that operates the brokers for the product "
        "teams, and the organisation has {org}: name who will run the platform."
    ),
    "choreography": (
        "{name} suits autonomous product teams that each own their services, and the "
        "organisation has {org}: one team would own every subscriber and its contracts."
    ),
}


@dataclass(frozen=True)
class GrowthFinding:
    slug: str
    title: str
    explanation: str
    mitigation: str


@dataclass(frozen=True)
class RevisitTrigger:
    dimension: TriggerDimension
    threshold: float
    sentence: str  # "volume passes 166.7 M records a day"


def growth_family(pattern: PatternSpec) -> Family:
    """How a pattern grows, read from its profile: a run that moves whole batches or runs on a
    schedule has a window (batch); an event pattern that parks failures in dead-letter queues
    fans out to subscribers (choreography); any other event pattern scales with throughput."""
    if pattern.profile.granularity == "batch" or pattern.profile.trigger == "scheduled":
        return "batch"
    if pattern.profile.failure == "dead_letter":
        return "choreography"
    return "streaming"


def organisation_mismatch(organisation: Organisation, pattern: PatternSpec) -> str | None:
    """A reason for the ranking when the pattern does not suit the organisation, else None."""
    family = growth_family(pattern)
    if _SUITED[family] == organisation:
        return None
    if family == "choreography" and organisation == "platform_team":
        return None  # product teams own the services; the platform team runs the bus
    return _ORGANISATION_MISMATCH[family].format(
        name=pattern.name, org=ORGANISATION_LABELS[organisation]
    )


@dataclass(frozen=True)
class WindowProjection:
    hours_now: float
    hours_at_growth: float
    window_hours: float
    overflow_factor: float  # the growth at which a run no longer fits its window
    overflow_volume: float  # records a day


def window_projection(requirements: Requirements) -> WindowProjection | None:
    """How long a run takes today and at the expected growth; None without the figures."""
    throughput = requirements.throughput_per_hour
    window = requirements.batch_window_hours
    if not throughput or not window or throughput <= 0 or window <= 0:
        return None
    if requirements.volume_per_day <= 0:
        return None
    factor = _factor(requirements)
    hours_now = requirements.volume_per_day / throughput
    # A run too short to measure against its window (or figures past a float's range) says
    # nothing about when it outgrows the window.
    if not (0 < hours_now < math.inf) or not math.isfinite(window / hours_now):
        return None
    return WindowProjection(
        hours_now=hours_now,
        hours_at_growth=hours_now * factor,
        window_hours=window,
        overflow_factor=window / hours_now,
        overflow_volume=throughput * window,
    )


def growth_findings(requirements: Requirements, pattern: PatternSpec) -> tuple[GrowthFinding, ...]:
    """What the expected growth does to `pattern`, each finding with its mitigation."""
    family = growth_family(pattern)
    factor = _factor(requirements)
    found: list[GrowthFinding] = []
    if family == "batch":
        window = _window_finding(requirements, pattern, factor)
        if window is not None:
            found.append(window)
    elif family == "streaming" and factor > 1:
        found.append(
            GrowthFinding(
                slug="streaming_cost",
                title="Cost grows with throughput",
                explanation=(
                    f"{pattern.name} absorbs {_times(factor)} growth by adding partitions and "
                    "consumer instances, so its infrastructure cost grows in proportion to the "
                    "throughput."
                ),
                mitigation=(
                    "Plan capacity ahead: budget the cost along the growth (the three-year TCO "
                    "does), and watch partition lag and the state stores' rebalancing."
                ),
            )
        )
    if family == "choreography" and (requirements.consumers or 0) >= FAN_OUT_CONSUMERS:
        found.append(
            GrowthFinding(
                slug="fan_out",
                title="Bus fan-out",
                explanation=(
                    f"{requirements.consumers} consumers subscribe to the same events, so the "
                    "event bus and its fan-out become the bottleneck as the volume grows "
                    "(judged by consumers: the number of event types is not asked)."
                ),
                mitigation=(
                    "Partition the topics or split the traffic over several buses, and put a "
                    "schema registry in place before the event types multiply."
                ),
            )
        )
    return tuple(found)


def _window_finding(
    requirements: Requirements, pattern: PatternSpec, factor: float
) -> GrowthFinding | None:
    mitigation = (
        "Partition the data and run the partitions in parallel, shrink what each run must "
        "cover (a shorter window, incremental extracts), or move to streaming."
    )
    projection = window_projection(requirements)
    if projection is None:
        if factor < STRONG_GROWTH:
            return None
        return GrowthFinding(
            slug="batch_window",
            title="Batch window at growth",
            explanation=(
                f"The volume is expected to grow {_times(factor)} and {pattern.name} has to fit "
                "every run in its window: strong growth often forces a move to streaming "
                "(give the run's throughput and window to see when)."
            ),
            mitigation=mitigation,
        )
    window = _hours(projection.window_hours)
    today = f"a run needs {_hours(projection.hours_now)} of its {window} window today"
    if projection.hours_now > projection.window_hours:
        explanation = f"{today.capitalize()}: it does not fit even now."
    elif projection.hours_at_growth > projection.window_hours:
        when = _when(projection.overflow_factor, factor)
        explanation = (
            f"{today.capitalize()}; at {_times(factor)} it needs "
            f"{_hours(projection.hours_at_growth)}: it stops fitting at about "
            f"{_times(projection.overflow_factor)}, {when}."
        )
    else:
        return None
    return GrowthFinding(
        slug="batch_window",
        title="Batch window at growth",
        explanation=explanation,
        mitigation=mitigation,
    )


def revisit_triggers(
    requirements: Requirements, pattern: PatternSpec
) -> tuple[RevisitTrigger, ...]:
    """The conditions under which `pattern` stops fitting, for the dimensions it depends on;
    a condition already met is a finding or an infeasibility, not a trigger."""
    family = growth_family(pattern)
    triggers: list[RevisitTrigger] = []
    if family == "batch":
        projection = window_projection(requirements)
        if projection is not None and projection.hours_now <= projection.window_hours:
            triggers.append(
                RevisitTrigger(
                    dimension="volume",
                    threshold=projection.overflow_volume,
                    sentence=f"volume passes {_records(projection.overflow_volume)} a day",
                )
            )
    floor = pattern.latency_floor_seconds
    if requirements.max_latency_seconds >= floor:
        triggers.append(
            RevisitTrigger(
                dimension="latency",
                threshold=floor,
                sentence=f"the maximum latency drops below {format_duration(floor)}",
            )
        )
    if family == "choreography" and (requirements.consumers or 0) < FAN_OUT_CONSUMERS:
        triggers.append(
            RevisitTrigger(
                dimension="consumers",
                threshold=FAN_OUT_CONSUMERS,
                sentence=f"consumers reach {FAN_OUT_CONSUMERS}",
            )
        )
    return tuple(triggers)


def trigger_crossed(dimension: TriggerDimension, threshold: float, value: float) -> bool:
    """Whether a figure noted later crosses a recorded trigger: the volume passes it, the
    latency now needed drops below the pattern's floor, the consumers reach it."""
    if not math.isfinite(value):
        return False
    if dimension == "volume":
        return value > threshold
    if dimension == "latency":
        return value < threshold
    return value >= threshold


def figure_text(dimension: TriggerDimension, value: float) -> str:
    """A noted figure as the triggers word it: '40 M records a day', '30 s', '12 consumers'."""
    if dimension == "volume":
        return f"{_records(value)} a day"
    if dimension == "latency":
        return format_duration(value)
    return f"{value:,.0f} consumer" + ("" if value == 1 else "s")


def revisit_sentence(triggers: tuple[RevisitTrigger, ...]) -> str:
    """'Revisit when: volume passes 166.7 M records a day; …', or '' without a trigger."""
    if not triggers:
        return ""
    return "Revisit when: " + "; ".join(t.sentence for t in triggers) + "."


def _factor(requirements: Requirements) -> float:
    factor = requirements.growth_factor
    if factor is None or not math.isfinite(factor) or factor <= 0:
        return 1.0
    return float(factor)


def _when(overflow: float, factor: float) -> str:
    """When, along compound growth to `factor` over three years, the run reaches `overflow`."""
    if factor <= 1 or overflow > factor:
        return "beyond the expected growth"
    years = YEARS * math.log(overflow) / math.log(factor) if overflow > 1 else 0.0
    return f"in about {years:.1f} years, within the three years"


def _times(factor: float) -> str:
    return f"{factor:,.1f}".removesuffix(".0") + "x"


def _hours(hours: float) -> str:
    if hours < 0.1:
        return format_duration(hours * 3600)
    return f"{hours:,.1f}".removesuffix(".0") + " h"


def _records(count: float) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:,.1f}".removesuffix(".0") + " M records"
    if count >= 1_000:
        return f"{count / 1_000:,.1f}".removesuffix(".0") + " k records"
    return f"{count:,.0f} records"
