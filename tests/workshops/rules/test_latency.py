"""The delay questions of phase 1 turn into a latency tolerance and flag disagreements."""

from __future__ import annotations

import math
from enum import StrEnum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshops.rules.latency import (
    DELAY_ANSWERS,
    PROBE_LABELS,
    PROBES,
    LatencyTolerance,
    compare_with_stated,
    latency_tolerance_from_answers,
)

SEVERITY = {"fine": 0, "degraded": 1, "unacceptable": 2}
answers = st.none() | st.sampled_from(DELAY_ANSWERS)


def _tolerance(after_10s=None, after_10m=None, after_1h=None) -> LatencyTolerance:
    tolerance = latency_tolerance_from_answers(
        after_10s=after_10s, after_10m=after_10m, after_1h=after_1h
    )
    assert tolerance is not None
    return tolerance


def _just_under(seconds: float) -> float:
    return math.nextafter(seconds, 0.0)


def test_it_asks_about_ten_seconds_ten_minutes_and_an_hour():
    assert PROBES == (10, 600, 3600)
    assert PROBE_LABELS == ("10 seconds", "10 minutes", "1 hour")
    assert DELAY_ANSWERS == ("fine", "degraded", "unacceptable")


def test_it_has_no_tolerance_before_anyone_answers():
    assert latency_tolerance_from_answers(after_10s=None, after_10m=None, after_1h=None) is None


@pytest.mark.parametrize(
    ("given_answers", "at_least", "at_most"),
    [
        (("fine", "fine", "unacceptable"), 600, _just_under(3600)),
        (("fine", "degraded", "unacceptable"), 10, 600),
        (("fine", "unacceptable", "unacceptable"), 10, _just_under(600)),
        (("unacceptable", "unacceptable", "unacceptable"), None, _just_under(10)),
        (("degraded", "degraded", "unacceptable"), None, 10),
        (("fine", "fine", "fine"), 3600, None),
        (("fine", "fine", "degraded"), 600, 3600),
        ((None, "fine", None), 600, None),
        ((None, None, "unacceptable"), None, _just_under(3600)),
    ],
)
def test_it_derives_the_range_the_group_can_live_with(given_answers, at_least, at_most):
    tolerance = _tolerance(*given_answers)

    assert tolerance.at_least_seconds == at_least
    assert tolerance.at_most_seconds == at_most
    assert tolerance.consistent
    assert tolerance.answers == given_answers


def test_it_puts_the_limit_just_under_a_delay_called_unacceptable():
    tolerance = _tolerance("fine", "unacceptable", None)

    assert tolerance.at_most_seconds is not None
    assert 599.999 < tolerance.at_most_seconds < 600


@pytest.mark.parametrize(
    ("given_answers", "sentence"),
    [
        (
            ("fine", "fine", "unacceptable"),
            "The group can wait up to 10 minutes; an hour is unacceptable.",
        ),
        (
            ("unacceptable", "unacceptable", "unacceptable"),
            "Even a 10-second delay is unacceptable: the data must arrive within seconds.",
        ),
        (("fine", "fine", "fine"), "An hour's delay is fine: a scheduled job will do."),
        ((None, None, "fine"), "An hour's delay is fine: a scheduled job will do."),
        (
            ("fine", "degraded", "unacceptable"),
            "The group can wait up to 10 seconds; a 10-minute delay hurts, but they can live "
            "with it; an hour is unacceptable.",
        ),
        (
            ("degraded", "unacceptable", "unacceptable"),
            "Even a 10-second delay hurts, but the group can live with it; 10 minutes is "
            "unacceptable.",
        ),
        (
            (None, "unacceptable", None),
            "A 10-minute delay is unacceptable: the data must arrive in under 10 minutes.",
        ),
        (
            ("fine", None, None),
            "A 10-second delay is fine; nobody has said yet how a 10-minute delay would land.",
        ),
        (
            (None, "degraded", None),
            "A 10-minute delay hurts, but the group can live with it.",
        ),
    ],
)
def test_it_explains_the_tolerance_in_a_sentence(given_answers, sentence):
    assert _tolerance(*given_answers).sentence == sentence


@pytest.mark.parametrize(
    ("given_answers", "sentence"),
    [
        (
            ("unacceptable", "fine", "fine"),
            "The answers contradict each other: a 10-second delay was called unacceptable, yet "
            "an hour's delay was called fine. Settle this before relying on a latency figure.",
        ),
        (
            ("fine", "unacceptable", "degraded"),
            "The answers contradict each other: a 10-minute delay was called unacceptable, yet "
            "an hour's delay was called degraded. Settle this before relying on a latency figure.",
        ),
    ],
)
def test_it_shows_where_the_group_contradicts_itself(given_answers, sentence):
    tolerance = _tolerance(*given_answers)

    assert not tolerance.consistent
    assert tolerance.sentence == sentence


class StoredAnswer(StrEnum):
    """Answers as a model's choices hand them over: a str subclass, not a plain string."""

    FINE = "fine"
    UNACCEPTABLE = "unacceptable"


def test_it_accepts_answers_stored_as_choices_and_words_them_plainly():
    tolerance = _tolerance(StoredAnswer.UNACCEPTABLE, None, StoredAnswer.FINE)

    assert tolerance.answers == ("unacceptable", None, "fine")
    assert all(type(answer) is str for answer in tolerance.answers if answer is not None)
    assert "a 10-second delay was called unacceptable" in tolerance.sentence


def test_it_refuses_an_answer_it_does_not_know():
    with pytest.raises(ValueError, match="fine, degraded or unacceptable"):
        latency_tolerance_from_answers(after_10s="meh", after_10m=None, after_1h=None)  # type: ignore[arg-type]


@settings(max_examples=200)
@given(after_10s=answers, after_10m=answers, after_1h=answers)
def test_it_calls_answers_consistent_exactly_when_longer_delays_are_never_judged_kinder(
    after_10s, after_10m, after_1h
):
    tolerance = latency_tolerance_from_answers(
        after_10s=after_10s, after_10m=after_10m, after_1h=after_1h
    )
    given_answers = [a for a in (after_10s, after_10m, after_1h) if a is not None]
    if not given_answers:
        assert tolerance is None
        return

    assert tolerance is not None
    severities = [SEVERITY[answer] for answer in given_answers]
    assert tolerance.consistent == (severities == sorted(severities))
    if tolerance.consistent and None not in (tolerance.at_least_seconds, tolerance.at_most_seconds):
        assert tolerance.at_least_seconds < tolerance.at_most_seconds
    assert tolerance.sentence[0].isupper()
    assert tolerance.sentence.endswith(".")


# --- comparing with the stated maximum ------------------------------------------------------


def test_it_warns_when_the_stated_maximum_is_longer_than_the_group_tolerates():
    warning = compare_with_stated(
        stated_seconds=3600, tolerance=_tolerance("fine", "unacceptable", "unacceptable")
    )

    assert warning == (
        "The stated maximum of 1 hour is longer than the group tolerates: they called a "
        "10-minute delay unacceptable. Agree on one figure before matching."
    )


def test_it_warns_when_the_stated_maximum_is_longer_than_a_delay_the_group_barely_bears():
    warning = compare_with_stated(
        stated_seconds=1800, tolerance=_tolerance("fine", "degraded", None)
    )

    assert warning == (
        "The stated maximum of 30 minutes is longer than the group tolerates: they can only "
        "just live with a 10-minute delay. Agree on one figure before matching."
    )


def test_it_names_the_unacceptable_delay_before_a_merely_degraded_one():
    warning = compare_with_stated(
        stated_seconds=7200, tolerance=_tolerance("fine", "degraded", "unacceptable")
    )

    assert warning is not None
    assert "they called an hour's delay unacceptable" in warning


def test_it_warns_when_the_stated_maximum_is_far_stricter_than_needed():
    warning = compare_with_stated(stated_seconds=1, tolerance=_tolerance("fine", "fine", None))

    assert warning == (
        "The stated maximum of 1 second is far stricter than the group needs: they said a "
        "10-minute delay is fine. A stricter figure than needed pushes the match towards a "
        "more complex pattern."
    )


@pytest.mark.parametrize(
    ("stated_seconds", "given_answers"),
    [
        (300, ("fine", "fine", "unacceptable")),
        (3599, ("fine", "fine", "unacceptable")),
        (600, ("fine", "degraded", "unacceptable")),
        (60, ("fine", "fine", "unacceptable")),
        (86400, ("fine", "fine", "fine")),
        (0.5, ("unacceptable", None, None)),
        (9.9, ("unacceptable", None, None)),
    ],
)
def test_it_stays_quiet_when_the_stated_maximum_agrees_with_the_answers(
    stated_seconds, given_answers
):
    assert (
        compare_with_stated(stated_seconds=stated_seconds, tolerance=_tolerance(*given_answers))
        is None
    )


@pytest.mark.parametrize(
    ("stated_seconds", "given_answers", "warns"),
    [
        (10, ("unacceptable", None, None), True),
        (9.99, ("unacceptable", None, None), False),
        (600, ("fine", "degraded", None), False),
        (601, ("fine", "degraded", None), True),
    ],
)
def test_it_draws_the_line_exactly_at_the_delays_asked_about(stated_seconds, given_answers, warns):
    warning = compare_with_stated(
        stated_seconds=stated_seconds, tolerance=_tolerance(*given_answers)
    )

    assert (warning is not None) is warns


@pytest.mark.parametrize(("stated_seconds", "warns"), [(60, False), (59, True)])
def test_it_calls_a_figure_far_stricter_only_below_a_tenth_of_what_is_fine(stated_seconds, warns):
    warning = compare_with_stated(
        stated_seconds=stated_seconds, tolerance=_tolerance("fine", "fine", "unacceptable")
    )

    assert (warning is not None) is warns


def test_it_warns_when_the_answers_contradict_each_other():
    warning = compare_with_stated(
        stated_seconds=5, tolerance=_tolerance("unacceptable", "fine", "fine")
    )

    assert warning is not None
    assert warning.startswith(
        "The delay answers contradict each other, so they cannot confirm the stated maximum "
        "of 5 seconds; settle the disagreement first."
    )


@pytest.mark.parametrize("stated_seconds", [0, -1, math.nan])
def test_it_refuses_a_stated_maximum_that_is_not_a_positive_number(stated_seconds):
    with pytest.raises(ValueError, match="positive number of seconds"):
        compare_with_stated(stated_seconds=stated_seconds, tolerance=_tolerance("fine"))


@settings(max_examples=200)
@given(
    after_10s=answers,
    after_10m=answers,
    after_1h=answers,
    stated_seconds=st.floats(min_value=0.001, max_value=86400 * 7),
)
def test_it_always_warns_in_complete_sentences(after_10s, after_10m, after_1h, stated_seconds):
    tolerance = latency_tolerance_from_answers(
        after_10s=after_10s, after_10m=after_10m, after_1h=after_1h
    )
    if tolerance is None:
        return

    warning = compare_with_stated(stated_seconds=stated_seconds, tolerance=tolerance)

    if warning is not None:
        assert warning[0].isupper()
        assert warning.endswith(".")
    if not tolerance.consistent:
        assert warning is not None
