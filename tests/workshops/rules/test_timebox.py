"""The timebox shows each phase's clock and the workshop's total the way a facilitator reads it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshops.phases import DEFAULT_BUDGET_MINUTES, PHASES
from workshops.rules.timebox import (
    Timebox,
    phase_spent_after_leaving,
    timebox_status,
    validate_budget,
)

NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


def _status(
    *,
    budget_minutes=DEFAULT_BUDGET_MINUTES,
    spent_seconds=None,
    current_phase=None,
    phase_started_at=None,
) -> Timebox:
    return timebox_status(
        phases=PHASES,
        budget_minutes=budget_minutes,
        spent_seconds=spent_seconds or {},
        current_phase=current_phase,
        phase_started_at=phase_started_at,
        now=NOW,
    )


# --- leaving a phase ------------------------------------------------------------------------


def test_it_adds_the_time_spent_to_the_phase_being_left():
    spent = phase_spent_after_leaving(
        {"1": 300.0}, phases=PHASES, phase=1, started_at=NOW - timedelta(minutes=2), now=NOW
    )

    assert spent == {"1": 420.0}


def test_it_starts_a_phase_record_the_first_time_a_phase_is_left():
    spent = phase_spent_after_leaving(
        {"1": 300.0}, phases=PHASES, phase=2, started_at=NOW - timedelta(seconds=90), now=NOW
    )

    assert spent == {"1": 300.0, "2": 90.0}


def test_it_returns_a_new_record_and_leaves_the_stored_one_alone():
    stored = {"1": 300.0}

    spent = phase_spent_after_leaving(
        stored, phases=PHASES, phase=1, started_at=NOW - timedelta(minutes=1), now=NOW
    )

    assert stored == {"1": 300.0}
    assert spent is not stored


def test_it_adds_nothing_when_the_phase_never_started():
    stored = {"3": 12.5}

    spent = phase_spent_after_leaving(stored, phases=PHASES, phase=3, started_at=None, now=NOW)

    assert spent == {"3": 12.5}
    assert spent is not stored


def test_it_adds_nothing_when_the_clock_went_backwards():
    spent = phase_spent_after_leaving(
        {"2": 60.0}, phases=PHASES, phase=2, started_at=NOW + timedelta(seconds=5), now=NOW
    )

    assert spent == {"2": 60.0}


@pytest.mark.parametrize("phase", [0, 6, -1])
def test_it_refuses_a_phase_that_does_not_exist(phase):
    with pytest.raises(ValueError, match="no phase"):
        phase_spent_after_leaving({}, phases=PHASES, phase=phase, started_at=NOW, now=NOW)


@settings(max_examples=200)
@given(
    stored=st.dictionaries(
        st.sampled_from(["1", "2", "3", "4", "5"]),
        st.floats(min_value=0, max_value=10_000, allow_nan=False),
    ),
    phase=st.integers(min_value=1, max_value=5),
    offset=st.integers(min_value=-3600, max_value=3600),
)
def test_it_only_ever_adds_time_to_the_phase_being_left(stored, phase, offset):
    spent = phase_spent_after_leaving(
        stored, phases=PHASES, phase=phase, started_at=NOW - timedelta(seconds=offset), now=NOW
    )

    for key, seconds in stored.items():
        if key != str(phase):
            assert spent[key] == seconds
    assert spent[str(phase)] == stored.get(str(phase), 0.0) + max(0, offset)


# --- the running clock ----------------------------------------------------------------------


def test_it_spends_nothing_before_the_workshop_starts():
    timebox = _status(phase_started_at=NOW - timedelta(minutes=10))

    assert timebox.spent_seconds == 0
    assert timebox.remaining_seconds == 30 * 60
    assert not any(clock.is_current for clock in timebox.phases)
    assert timebox.current is None
    assert timebox.summary == "No time used yet; 30 minutes in the budget."


def test_it_counts_the_running_time_of_the_current_phase():
    timebox = _status(
        spent_seconds={"1": 480.0},
        current_phase=2,
        phase_started_at=NOW - timedelta(minutes=3),
    )

    phase_2 = timebox.phases[1]
    assert phase_2.is_current
    assert timebox.current == phase_2
    assert phase_2.spent_seconds == 180
    assert phase_2.remaining_seconds == 120
    assert timebox.spent_seconds == 660
    assert timebox.remaining_seconds == 1140


def test_it_marks_only_the_current_phase():
    timebox = _status(current_phase=4, phase_started_at=NOW)

    assert [clock.is_current for clock in timebox.phases] == [False, False, False, True, False]


def test_it_shows_a_phase_overrun_without_a_negative_remaining_time():
    timebox = _status(spent_seconds={"1": 600.0})

    phase_1 = timebox.phases[0]
    assert phase_1.budget_seconds == 480
    assert phase_1.remaining_seconds == 0
    assert phase_1.overrun_seconds == 120
    assert phase_1.is_over
    assert not timebox.is_over, "the workshop as a whole is still within its 30 minutes"


def test_it_does_not_count_a_running_clock_that_went_backwards():
    timebox = _status(
        spent_seconds={"3": 60.0}, current_phase=3, phase_started_at=NOW + timedelta(minutes=1)
    )

    assert timebox.phases[2].spent_seconds == 60


def test_it_ignores_negative_time_in_a_hand_edited_record():
    timebox = _status(spent_seconds={"1": -500.0, "2": 60.0})

    assert timebox.phases[0].spent_seconds == 0
    assert timebox.spent_seconds == 60


def test_it_shows_the_titles_of_the_phases_on_their_clocks():
    timebox = _status()

    assert [clock.title for clock in timebox.phases] == [phase.title for phase in PHASES]


@pytest.mark.parametrize(
    ("spent_seconds", "summary", "is_over"),
    [
        ({"1": 480.0, "2": 240.0}, "12 minutes used of 30; 18 minutes left.", False),
        ({"1": 900.0, "2": 1020.0}, "32 minutes used of 30: 2 minutes over.", True),
        ({"1": 1800.0}, "30 minutes used of 30; no time left.", False),
        ({"1": 45.0}, "45 seconds used of 30 minutes; 29 minutes left.", False),
        ({"1": 60.0}, "1 minute used of 30; 29 minutes left.", False),
    ],
)
def test_it_summarises_the_time_used_in_a_sentence(spent_seconds, summary, is_over):
    timebox = _status(spent_seconds=spent_seconds)

    assert timebox.summary == summary
    assert timebox.is_over is is_over


def test_it_keeps_the_unit_of_a_one_hour_budget_in_the_summary():
    timebox = _status(budget_minutes=(12, 12, 12, 12, 12), spent_seconds={"1": 5400.0})

    assert timebox.summary == "1.5 hours used of 1 hour: 30 minutes over."
    assert timebox.overrun_seconds == 1800


def test_it_includes_the_running_phase_in_the_summary():
    timebox = _status(
        spent_seconds={"1": 480.0}, current_phase=2, phase_started_at=NOW - timedelta(minutes=4)
    )

    assert timebox.summary == "12 minutes used of 30; 18 minutes left."


def test_it_refuses_to_run_on_an_invalid_budget():
    with pytest.raises(ValueError, match="each of the 5 phases"):
        _status(budget_minutes=(10, 10, 10))


@settings(max_examples=200)
@given(
    budget=st.lists(st.integers(min_value=0, max_value=120), min_size=5, max_size=5).filter(
        lambda minutes: sum(minutes) >= 1
    ),
    spent=st.lists(
        st.floats(min_value=0, max_value=20_000, allow_nan=False), min_size=5, max_size=5
    ),
    current_phase=st.none() | st.integers(min_value=1, max_value=5),
    running=st.integers(min_value=0, max_value=7200),
)
def test_it_balances_every_clock_and_the_totals(budget, spent, current_phase, running):
    timebox = _status(
        budget_minutes=budget,
        spent_seconds={str(number): seconds for number, seconds in enumerate(spent, start=1)},
        current_phase=current_phase,
        phase_started_at=NOW - timedelta(seconds=running),
    )

    for clock in timebox.phases:
        assert clock.remaining_seconds >= 0
        assert clock.overrun_seconds >= 0
        assert clock.remaining_seconds == 0 or clock.overrun_seconds == 0
        assert clock.remaining_seconds - clock.overrun_seconds == pytest.approx(
            clock.budget_seconds - clock.spent_seconds
        )
    assert timebox.budget_seconds == sum(budget) * 60
    assert timebox.spent_seconds == pytest.approx(sum(spent) + (running if current_phase else 0))
    assert timebox.remaining_seconds - timebox.overrun_seconds == pytest.approx(
        timebox.budget_seconds - timebox.spent_seconds
    )
    assert timebox.is_over == (timebox.overrun_seconds > 0)
    assert timebox.summary.endswith(".")


# --- validating a budget --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ((8, 5, 5, 8), "The timebox needs a budget for each of the 5 phases; 4 were given."),
        ((8, 5, 5, 8, 4, 1), "The timebox needs a budget for each of the 5 phases; 6 were given."),
        ((30,), "The timebox needs a budget for each of the 5 phases; 1 was given."),
        (
            (8, 5.5, 5, 8, 4),
            "The budget for phase 2 (Map to the four dimensions) must be a whole number of "
            "minutes.",
        ),
        (
            (8, 5, -1, 8, 4),
            "The budget for phase 3 (Match pattern to profile) must be between 0 and 120 "
            "minutes, not -1.",
        ),
        (
            (8, 5, 5, 121, 4),
            "The budget for phase 4 (Analyse trade-offs) must be between 0 and 120 minutes, "
            "not 121.",
        ),
        (
            (8, 5, 5, 8, True),
            "The budget for phase 5 (Validate with a prototype) must be a whole number of minutes.",
        ),
        (
            (0, 0, 0, 0, 0),
            "The budgets add up to no time at all; give at least one phase a minute.",
        ),
    ],
)
def test_it_explains_what_is_wrong_with_a_budget(budget, message):
    assert validate_budget(budget, phases=PHASES) == [message]


def test_it_lists_every_problem_with_a_budget_at_once():
    assert len(validate_budget((-5, 5, 5, 500, 2.5), phases=PHASES)) == 3


@pytest.mark.parametrize(
    "budget",
    [(8, 5, 5, 8, 4), (0, 0, 0, 0, 1), (120, 120, 120, 120, 120), (10.0, 5, 5, 5, 5)],
)
def test_it_accepts_a_budget_of_whole_minutes_within_limits(budget):
    assert validate_budget(budget, phases=PHASES) == []
