"""The 30-minute timebox: a budget per phase and the time spent against it, with no database.

The phases themselves (numbers, titles, default minutes) come from the caller, which takes
them from workshops.phases: these rules know nothing of forms or templates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from patterns.matching import format_duration


class Phase(Protocol):
    """What the timebox needs to know of a phase (workshops.phases has the full spec)."""

    @property
    def number(self) -> int: ...

    @property
    def title(self) -> str: ...


MAX_PHASE_MINUTES = 120


@dataclass(frozen=True)
class PhaseClock:
    number: int
    title: str
    budget_seconds: float
    spent_seconds: float
    remaining_seconds: float
    overrun_seconds: float
    is_current: bool

    @property
    def is_over(self) -> bool:
        return self.overrun_seconds > 0


@dataclass(frozen=True)
class Timebox:
    phases: tuple[PhaseClock, ...]
    budget_seconds: float
    spent_seconds: float
    remaining_seconds: float
    overrun_seconds: float
    is_over: bool
    summary: str

    @property
    def current(self) -> PhaseClock | None:
        return next((clock for clock in self.phases if clock.is_current), None)


def phase_spent_after_leaving(
    spent: Mapping[str, float],
    *,
    phases: Sequence[Phase],
    phase: int,
    started_at: datetime | None,
    now: datetime,
) -> dict[str, float]:
    """A new record of seconds spent per phase, with the time since `started_at` added to `phase`.

    Keys are phase numbers as strings because the record is stored as JSON.
    """
    _check_phase(phase, phases)
    updated = {key: float(seconds) for key, seconds in spent.items()}
    if started_at is not None:
        key = str(phase)
        updated[key] = updated.get(key, 0.0) + _elapsed(started_at, now)
    return updated


def timebox_status(
    *,
    phases: Sequence[Phase],
    budget_minutes: Sequence[int],
    spent_seconds: Mapping[str, float],
    current_phase: int | None,
    phase_started_at: datetime | None,
    now: datetime,
) -> Timebox:
    """Each phase's clock and the totals, counting the running time of the current phase."""
    if errors := validate_budget(budget_minutes, phases=phases):
        raise ValueError(" ".join(errors))
    if current_phase is not None:
        _check_phase(current_phase, phases)
    # A workshop that has not started has no running phase, whatever the start time says.
    running = (
        _elapsed(phase_started_at, now)
        if current_phase is not None and phase_started_at is not None
        else 0.0
    )
    clocks = []
    for info, minutes in zip(phases, budget_minutes, strict=True):
        budget = float(minutes) * 60
        # Stored figures are never negative, but a hand-edited record must not give time back.
        spent = max(0.0, float(spent_seconds.get(str(info.number), 0.0)))
        is_current = info.number == current_phase
        if is_current:
            spent += running
        clocks.append(
            PhaseClock(
                number=info.number,
                title=info.title,
                budget_seconds=budget,
                spent_seconds=spent,
                remaining_seconds=max(0.0, budget - spent),
                overrun_seconds=max(0.0, spent - budget),
                is_current=is_current,
            )
        )
    budget_total = sum(clock.budget_seconds for clock in clocks)
    spent_total = sum(clock.spent_seconds for clock in clocks)
    return Timebox(
        phases=tuple(clocks),
        budget_seconds=budget_total,
        spent_seconds=spent_total,
        remaining_seconds=max(0.0, budget_total - spent_total),
        overrun_seconds=max(0.0, spent_total - budget_total),
        is_over=spent_total > budget_total,
        summary=_summary(budget=budget_total, spent=spent_total),
    )


def validate_budget(budget_minutes: Sequence[int], *, phases: Sequence[Phase]) -> list[str]:
    """Why a budget cannot be used, one sentence per problem; empty when it is fine."""
    if len(budget_minutes) != len(phases):
        return [
            f"The timebox needs a budget for each of the {len(phases)} phases; "
            f"{len(budget_minutes)} {'was' if len(budget_minutes) == 1 else 'were'} given."
        ]
    errors = []
    for info, minutes in zip(phases, budget_minutes, strict=True):
        name = f"phase {info.number} ({info.title})"
        if not _is_whole_number(minutes):
            errors.append(f"The budget for {name} must be a whole number of minutes.")
        elif not 0 <= minutes <= MAX_PHASE_MINUTES:
            errors.append(
                f"The budget for {name} must be between 0 and {MAX_PHASE_MINUTES} minutes, "
                f"not {minutes:g}."
            )
    if not errors and sum(budget_minutes) < 1:
        errors.append("The budgets add up to no time at all; give at least one phase a minute.")
    return errors


def _summary(*, budget: float, spent: float) -> str:
    budget_text = format_duration(budget)
    if spent < 1:
        return f"No time used yet; {budget_text} in the budget."
    spent_text = format_duration(spent)
    # "12 minutes used of 30" reads better than repeating the unit on both figures, but
    # "1.5 hours used of 1" does not: a budget of one unit keeps its unit.
    _, _, spent_unit = spent_text.partition(" ")
    budget_number, _, budget_unit = budget_text.partition(" ")
    if budget_number != "1" and spent_unit.removesuffix("s") == budget_unit.removesuffix("s"):
        budget_text = budget_number
    if spent > budget:
        return f"{spent_text} used of {budget_text}: {format_duration(spent - budget)} over."
    left = budget - spent
    left_text = format_duration(left) if left >= 1 else "no time"
    return f"{spent_text} used of {budget_text}; {left_text} left."


def _elapsed(started_at: datetime, now: datetime) -> float:
    # A clock that went backwards (another server, a corrected NTP time) adds nothing.
    return max(0.0, (now - started_at).total_seconds())


def _check_phase(phase: int, phases: Sequence[Phase]) -> None:
    if phase not in {info.number for info in phases}:
        raise ValueError(f"There is no phase {phase}; phases run from 1 to {len(phases)}.")


def _is_whole_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()
