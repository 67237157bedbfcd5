"""Phase 1's delay questions: how long the group can wait for its data, and where it disagrees."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from patterns.matching import format_duration

DelayAnswer = Literal["fine", "degraded", "unacceptable"]
DELAY_ANSWERS: tuple[DelayAnswer, ...] = ("fine", "degraded", "unacceptable")
# The delays every participant is asked about, in seconds, and how the question names them.
PROBES: tuple[int, ...] = (10, 600, 3600)
PROBE_LABELS: tuple[str, ...] = ("10 seconds", "10 minutes", "1 hour")

_SEVERITY: dict[str, int] = {answer: rank for rank, answer in enumerate(DELAY_ANSWERS)}
# How a probe reads inside a sentence: as an amount of time and as a delay.
_AMOUNT: dict[int, str] = {10: "10 seconds", 600: "10 minutes", 3600: "an hour"}
_DELAY: dict[int, str] = {
    10: "a 10-second delay",
    600: "a 10-minute delay",
    3600: "an hour's delay",
}


@dataclass(frozen=True)
class LatencyTolerance:
    """What the answers say about the longest acceptable delay.

    `at_least_seconds` is the longest delay called fine. `at_most_seconds` is the first delay
    called degraded (bearable, barely) or just under the first one called unacceptable; it is
    None when no delay asked about was too long.
    """

    at_least_seconds: float | None
    at_most_seconds: float | None
    consistent: bool
    sentence: str
    answers: tuple[DelayAnswer | None, ...]  # one per probe, in the order of PROBES


def latency_tolerance_from_answers(
    *,
    after_10s: DelayAnswer | None,
    after_10m: DelayAnswer | None,
    after_1h: DelayAnswer | None,
) -> LatencyTolerance | None:
    """The tolerance the answers imply, or None when nobody has answered yet."""
    answers = tuple(_canonical(answer) for answer in (after_10s, after_10m, after_1h))
    given = [
        (probe, answer) for probe, answer in zip(PROBES, answers, strict=True) if answer is not None
    ]
    if not given:
        return None

    fine = [probe for probe, answer in given if answer == "fine"]
    first_limit = next(((probe, answer) for probe, answer in given if answer != "fine"), None)
    if first_limit is None:
        at_most = None
    elif first_limit[1] == "degraded":
        at_most = float(first_limit[0])
    else:
        # Just under the delay called unacceptable: that delay itself is already too long.
        at_most = math.nextafter(float(first_limit[0]), 0.0)

    contradiction = _starkest_contradiction(given)
    return LatencyTolerance(
        at_least_seconds=float(max(fine)) if fine else None,
        at_most_seconds=at_most,
        consistent=contradiction is None,
        sentence=(
            _consistent_sentence(given)
            if contradiction is None
            else _contradiction_sentence(*contradiction)
        ),
        answers=answers,
    )


def compare_with_stated(*, stated_seconds: float, tolerance: LatencyTolerance) -> str | None:
    """A warning when the stated maximum latency and the answers disagree; None when they agree."""
    if math.isnan(stated_seconds) or stated_seconds <= 0:
        raise ValueError("The stated maximum latency must be a positive number of seconds.")
    stated = format_duration(stated_seconds)
    warnings = []
    if not tolerance.consistent:
        warnings.append(
            f"The delay answers contradict each other, so they cannot confirm the stated maximum "
            f"of {stated}; settle the disagreement first."
        )
    if tolerance.at_most_seconds is not None and stated_seconds > tolerance.at_most_seconds:
        broken = _limit_broken_by(stated_seconds, tolerance.answers)
        if broken is None:  # a tolerance built by hand, without its answers
            reason = f"their answers put the limit at {format_duration(tolerance.at_most_seconds)}"
        elif broken[1] == "unacceptable":
            reason = f"they called {_delay(broken[0])} unacceptable"
        else:
            reason = f"they can only just live with {_delay(broken[0])}"
        warnings.append(
            f"The stated maximum of {stated} is longer than the group tolerates: {reason}. "
            "Agree on one figure before matching."
        )
    elif (
        tolerance.at_least_seconds is not None and stated_seconds < tolerance.at_least_seconds / 10
    ):
        warnings.append(
            f"The stated maximum of {stated} is far stricter than the group needs: they said "
            f"{_delay(tolerance.at_least_seconds)} is fine. A stricter figure than needed "
            "pushes the match towards a more complex pattern."
        )
    return " ".join(warnings) or None


def _starkest_contradiction(
    given: list[tuple[int, DelayAnswer]],
) -> tuple[int, DelayAnswer, int, DelayAnswer] | None:
    """The starkest pair where a longer delay was judged more kindly than a shorter one.

    Starkest means the widest gap between the answers, then the widest gap between the delays:
    "10 seconds unacceptable, an hour fine" shows the disagreement best.
    """
    pairs = [
        (short, short_answer, long, long_answer)
        for index, (short, short_answer) in enumerate(given)
        for long, long_answer in given[index + 1 :]
        if _SEVERITY[short_answer] > _SEVERITY[long_answer]
    ]
    return max(
        pairs,
        key=lambda pair: (_SEVERITY[pair[1]] - _SEVERITY[pair[3]], pair[2] - pair[0]),
        default=None,
    )


def _consistent_sentence(given: list[tuple[int, DelayAnswer]]) -> str:
    fine = max((probe for probe, answer in given if answer == "fine"), default=None)
    degraded = next((probe for probe, answer in given if answer == "degraded"), None)
    unacceptable = next((probe for probe, answer in given if answer == "unacceptable"), None)

    if degraded is None and unacceptable is None:
        assert fine is not None  # at least one answer was given, and all of them were fine
        if fine == PROBES[-1]:
            return "An hour's delay is fine: a scheduled job will do."
        longer = PROBES[PROBES.index(fine) + 1]
        return (
            f"{_capitalise(_DELAY[fine])} is fine; nobody has said yet how "
            f"{_DELAY[longer]} would land."
        )
    if fine is None and degraded is None:
        assert unacceptable is not None
        if unacceptable == PROBES[0]:
            return "Even a 10-second delay is unacceptable: the data must arrive within seconds."
        return (
            f"{_capitalise(_DELAY[unacceptable])} is unacceptable: the data must arrive in "
            f"under {_AMOUNT[unacceptable]}."
        )

    clauses = []
    if fine is not None:
        clauses.append(f"The group can wait up to {_AMOUNT[fine]}")
        if degraded is not None:
            clauses.append(f"{_DELAY[degraded]} hurts, but they can live with it")
    elif degraded is not None:
        even = "Even " if degraded == PROBES[0] else ""
        delay = _DELAY[degraded] if even else _capitalise(_DELAY[degraded])
        clauses.append(f"{even}{delay} hurts, but the group can live with it")
    if unacceptable is not None:
        clauses.append(f"{_AMOUNT[unacceptable]} is unacceptable")
    return "; ".join(clauses) + "."


def _contradiction_sentence(
    short: int, short_answer: DelayAnswer, long: int, long_answer: DelayAnswer
) -> str:
    return (
        f"The answers contradict each other: {_DELAY[short]} was called {short_answer}, yet "
        f"{_DELAY[long]} was called {long_answer}. Settle this before relying on a latency figure."
    )


def _limit_broken_by(
    stated_seconds: float, answers: tuple[DelayAnswer | None, ...]
) -> tuple[int, DelayAnswer] | None:
    """The answer a stated maximum goes against, the unacceptable ones first."""
    # Not strict: a tolerance built by hand may come without its answers.
    pairs = list(zip(PROBES, answers, strict=False))
    for probe, answer in pairs:
        if answer == "unacceptable" and stated_seconds >= probe:
            return probe, answer
    for probe, answer in pairs:
        if answer == "degraded" and stated_seconds > probe:
            return probe, answer
    return None


def _delay(seconds: float) -> str:
    for probe, phrase in _DELAY.items():
        if seconds == probe:
            return phrase
    return f"a delay of {format_duration(seconds)}"


def _canonical(answer: str | None) -> DelayAnswer | None:
    """The answer as one of our plain strings, whatever str subclass (a model choice) it came as."""
    if answer is None:
        return None
    if answer not in _SEVERITY:
        raise ValueError(f"A delay answer must be fine, degraded or unacceptable, not {answer!r}.")
    return DELAY_ANSWERS[_SEVERITY[answer]]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
