"""Phase 5: a prototype's measurements against its targets, and its throughput at the growth."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from patterns.matching import format_duration

Verdict = Literal["pass", "fail", "pending"]
SECONDS_PER_DAY = 86400
NOT_MEASURED = "not measured yet"


@dataclass(frozen=True)
class ValidationTargets:
    p95_latency_seconds: float | None = None
    throughput_per_second: float | None = None
    error_rate_percent: float | None = None
    # Judged by growth_projection, which knows the daily volume, not by a check of its own.
    batch_window_hours: float | None = None


@dataclass(frozen=True)
class Measurements:
    p95_latency_seconds: float | None = None
    throughput_per_second: float | None = None
    error_rate_percent: float | None = None


@dataclass(frozen=True)
class Check:
    name: str
    target_text: str
    measured_text: str
    passed: bool | None  # None until the prototype has measured it


@dataclass(frozen=True)
class GrowthProjection:
    growth_factor: float
    hours_now: float
    hours_at_growth: float
    required_throughput_at_growth: float  # records per second, averaged over a day
    headroom_factor: float  # measured throughput / required throughput at growth
    batch_window_hours: float | None
    fits_window: bool | None  # None without a batch window
    sentence: str


def validation_checks(targets: ValidationTargets, measured: Measurements) -> tuple[Check, ...]:
    """One check per target that is set, in the order latency, throughput, error rate."""
    checks = []
    if targets.p95_latency_seconds is not None:
        checks.append(
            Check(
                name="p95 latency",
                target_text=f"at most {format_duration(targets.p95_latency_seconds)}",
                measured_text=_measured(measured.p95_latency_seconds, format_duration),
                passed=_passed(measured.p95_latency_seconds, targets.p95_latency_seconds, "<="),
            )
        )
    if targets.throughput_per_second is not None:
        checks.append(
            Check(
                name="Throughput",
                target_text=f"at least {_rate(targets.throughput_per_second)}",
                measured_text=_measured(measured.throughput_per_second, _rate),
                passed=_passed(measured.throughput_per_second, targets.throughput_per_second, ">="),
            )
        )
    if targets.error_rate_percent is not None:
        checks.append(
            Check(
                name="Error rate",
                target_text=f"at most {_percent(targets.error_rate_percent)}",
                measured_text=_measured(measured.error_rate_percent, _percent),
                passed=_passed(measured.error_rate_percent, targets.error_rate_percent, "<="),
            )
        )
    return tuple(checks)


def validation_verdict(checks: Iterable[Check]) -> Verdict:
    """Fail when any check failed, pass when all passed, pending otherwise (and with none)."""
    results = [check.passed for check in checks]
    if False in results:
        return "fail"
    if not results or None in results:
        return "pending"
    return "pass"


def growth_projection(
    *,
    volume_per_day: float,
    growth_factor: float | None,
    measured_throughput_per_second: float | None,
    batch_window_hours: float | None,
) -> GrowthProjection | None:
    """How the measured throughput copes with the expected growth of the daily volume.

    None until a throughput above zero has been measured, and when there is no volume to move.
    """
    if measured_throughput_per_second is None or not measured_throughput_per_second > 0:
        return None
    if not volume_per_day > 0:
        return None
    factor = 1.0 if growth_factor is None else float(growth_factor)
    if not math.isfinite(factor) or factor <= 0:
        raise ValueError(f"The growth factor must be a positive number, not {growth_factor!r}.")
    measured = measured_throughput_per_second
    hours_now = volume_per_day / measured / 3600
    hours_at_growth = hours_now * factor
    required = volume_per_day * factor / SECONDS_PER_DAY
    headroom = measured / required
    fits = None if batch_window_hours is None else hours_at_growth <= batch_window_hours
    return GrowthProjection(
        growth_factor=factor,
        hours_now=hours_now,
        hours_at_growth=hours_at_growth,
        required_throughput_at_growth=required,
        headroom_factor=headroom,
        batch_window_hours=batch_window_hours,
        fits_window=fits,
        sentence=_growth_sentence(
            factor=factor,
            measured=measured,
            hours_now=hours_now,
            hours_at_growth=hours_at_growth,
            required=required,
            headroom=headroom,
            window=batch_window_hours,
        ),
    )


def _growth_sentence(
    *,
    factor: float,
    measured: float,
    hours_now: float,
    hours_at_growth: float,
    required: float,
    headroom: float,
    window: float | None,
) -> str:
    grown = factor != 1
    at = f"At {_number(factor)}x" if grown else "Today"
    if window is None:
        if headroom >= 1:
            times = (
                "about the same" if _number(headroom) == "1" else f"{_number(headroom)} times that"
            )
            verdict = f"the prototype handled {_rate(measured)}, {times}."
        else:
            verdict = (
                f"the prototype handled only {_rate(measured)}, so it would fall behind "
                "unless it gets faster."
            )
        return f"{at} the workflow needs {_rate(required)} on average; {verdict}"

    # The time needed is rounded up, never down: it must not read as fitting when it does
    # not, and the time to spare is worked out from the rounded figure so that both add up.
    if hours_at_growth < 0.1:  # a few minutes read better than "0.1 hours"
        needed = hours_at_growth
        needed_text = format_duration(hours_at_growth * 3600)
    else:
        needed = _hours_rounded_up(hours_at_growth)
        needed_text = f"{needed:,.1f} hours"
    window_text = f"the {_trimmed(window, decimals=2)}-hour window"
    lead = f"{at} the daily volume needs {needed_text} at the measured {_rate(measured)}"
    if hours_at_growth <= window:
        spare = window - needed
        if spare >= 0.1:
            spare_text = f"{spare:,.1f} hours"
        elif hours_at_growth < window:
            spare_text = "less than 6 minutes"
        else:
            spare_text = "no time"
        return f"{lead}: it fits {window_text} with {spare_text} to spare."
    if grown and hours_now <= window:
        outcome = f"it no longer fits {window_text}"
    elif grown:
        outcome = f"it does not fit {window_text} even at today's volume"
    else:
        outcome = f"it does not fit {window_text}"
    return f"{lead}: {outcome}."


def _passed(measured: float | None, target: float, comparison: Literal["<=", ">="]) -> bool | None:
    if measured is None:
        return None
    return measured <= target if comparison == "<=" else measured >= target


def _measured(value: float | None, formatter: Callable[[float], str]) -> str:
    return NOT_MEASURED if value is None else formatter(value)


def _hours_rounded_up(hours: float) -> float:
    # round() first, so that floating-point noise (6.500000001) does not push 6.5 to 6.6.
    return math.ceil(round(hours * 10, 6)) / 10


def _rate(per_second: float) -> str:
    if 0 < per_second < 0.01:
        return "less than 0.01 records/s"
    if per_second < 1:
        return f"{per_second:.2g} records/s"
    return f"{_number(per_second)} records/s"


def _number(value: float) -> str:
    """Thousands separated, at most one decimal: 2,340,000, 270.8, 10."""
    return f"{value:,.1f}".removesuffix(".0")


def _percent(value: float) -> str:
    return f"{_trimmed(value, decimals=3)}%"


def _trimmed(value: float, *, decimals: int) -> str:
    """At most `decimals` decimals, without trailing zeros: 4, 6.52, 0.005."""
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
