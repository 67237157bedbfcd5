"""Phase 5 judges the prototype against its targets and projects it to the expected growth."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshops.rules.prototype import (
    Check,
    Measurements,
    ValidationTargets,
    growth_projection,
    validation_checks,
    validation_verdict,
)

ALL_TARGETS = ValidationTargets(
    p95_latency_seconds=2,
    throughput_per_second=1000,
    error_rate_percent=0.5,
    batch_window_hours=4,
)


def _check(passed: bool | None) -> Check:
    return Check(name="Throughput", target_text="", measured_text="", passed=passed)


# --- checks against the targets -------------------------------------------------------------


def test_it_checks_each_target_that_is_set_in_a_fixed_order():
    checks = validation_checks(ALL_TARGETS, Measurements())

    assert [check.name for check in checks] == ["p95 latency", "Throughput", "Error rate"]


def test_it_has_no_check_for_the_batch_window_which_the_growth_projection_judges():
    checks = validation_checks(ValidationTargets(batch_window_hours=4), Measurements())

    assert checks == ()


def test_it_skips_targets_that_are_not_set():
    checks = validation_checks(
        ValidationTargets(throughput_per_second=500), Measurements(p95_latency_seconds=0.2)
    )

    assert [check.name for check in checks] == ["Throughput"]


def test_it_shows_targets_and_measurements_in_plain_words():
    checks = validation_checks(
        ALL_TARGETS,
        Measurements(
            p95_latency_seconds=0.25, throughput_per_second=1250.5, error_rate_percent=0.01
        ),
    )

    assert [(check.target_text, check.measured_text) for check in checks] == [
        ("at most 2 seconds", "250 milliseconds"),
        ("at least 1,000 records/s", "1,250.5 records/s"),
        ("at most 0.5%", "0.01%"),
    ]


def test_it_leaves_a_check_open_until_something_is_measured():
    checks = validation_checks(ALL_TARGETS, Measurements())

    assert all(check.passed is None for check in checks)
    assert all(check.measured_text == "not measured yet" for check in checks)


@pytest.mark.parametrize(
    ("targets", "measured", "passed"),
    [
        (ValidationTargets(p95_latency_seconds=2), Measurements(p95_latency_seconds=1.5), True),
        (ValidationTargets(p95_latency_seconds=2), Measurements(p95_latency_seconds=2), True),
        (ValidationTargets(p95_latency_seconds=2), Measurements(p95_latency_seconds=2.01), False),
        (
            ValidationTargets(throughput_per_second=1000),
            Measurements(throughput_per_second=1500),
            True,
        ),
        (
            ValidationTargets(throughput_per_second=1000),
            Measurements(throughput_per_second=1000),
            True,
        ),
        (
            ValidationTargets(throughput_per_second=1000),
            Measurements(throughput_per_second=999),
            False,
        ),
        (ValidationTargets(error_rate_percent=0.5), Measurements(error_rate_percent=0.1), True),
        (ValidationTargets(error_rate_percent=0.5), Measurements(error_rate_percent=0.5), True),
        (ValidationTargets(error_rate_percent=0.5), Measurements(error_rate_percent=0.6), False),
    ],
)
def test_it_passes_a_check_that_meets_its_target_exactly(targets, measured, passed):
    (check,) = validation_checks(targets, measured)

    assert check.passed is passed


@pytest.mark.parametrize(
    ("results", "verdict"),
    [
        ([True, True, True], "pass"),
        ([True, False, None], "fail"),
        ([False], "fail"),
        ([True, None], "pending"),
        ([None, None], "pending"),
        ([], "pending"),
    ],
)
def test_it_gives_one_verdict_for_the_prototype(results, verdict):
    assert validation_verdict([_check(result) for result in results]) == verdict


def test_it_fails_a_prototype_that_misses_one_target_even_before_the_rest_are_measured():
    checks = validation_checks(
        ALL_TARGETS, Measurements(throughput_per_second=200, error_rate_percent=None)
    )

    assert validation_verdict(checks) == "fail"


# --- growth projection ----------------------------------------------------------------------


def test_it_shows_when_the_nightly_batch_no_longer_fits_its_window_at_the_growth():
    projection = growth_projection(
        volume_per_day=2_340_000,
        growth_factor=10,
        measured_throughput_per_second=1000,
        batch_window_hours=4,
    )

    assert projection is not None
    assert projection.hours_now == pytest.approx(0.65)
    assert projection.hours_at_growth == pytest.approx(6.5)
    assert projection.fits_window is False
    assert projection.sentence == (
        "At 10x the daily volume needs 6.5 hours at the measured 1,000 records/s: it no longer "
        "fits the 4-hour window."
    )


def test_it_shows_the_time_to_spare_when_the_batch_still_fits():
    projection = growth_projection(
        volume_per_day=2_160_000,
        growth_factor=10,
        measured_throughput_per_second=5000,
        batch_window_hours=4,
    )

    assert projection is not None
    assert projection.fits_window is True
    assert projection.sentence == (
        "At 10x the daily volume needs 1.2 hours at the measured 5,000 records/s: it fits the "
        "4-hour window with 2.8 hours to spare."
    )


def test_it_speaks_of_headroom_when_there_is_no_window():
    projection = growth_projection(
        volume_per_day=2_340_000,
        growth_factor=10,
        measured_throughput_per_second=1000,
        batch_window_hours=None,
    )

    assert projection is not None
    assert projection.fits_window is None
    assert projection.required_throughput_at_growth == pytest.approx(270.83, abs=0.01)
    assert projection.headroom_factor == pytest.approx(3.69, abs=0.01)
    assert projection.sentence == (
        "At 10x the workflow needs 270.8 records/s on average; the prototype handled "
        "1,000 records/s, 3.7 times that."
    )


def test_it_warns_when_the_prototype_would_fall_behind_the_growth():
    projection = growth_projection(
        volume_per_day=2_340_000,
        growth_factor=100,
        measured_throughput_per_second=1000,
        batch_window_hours=None,
    )

    assert projection is not None
    assert projection.headroom_factor < 1
    assert projection.sentence == (
        "At 100x the workflow needs 2,708.3 records/s on average; the prototype handled only "
        "1,000 records/s, so it would fall behind unless it gets faster."
    )


def test_it_says_when_the_batch_does_not_fit_even_today():
    projection = growth_projection(
        volume_per_day=2_340_000,
        growth_factor=10,
        measured_throughput_per_second=100,
        batch_window_hours=4,
    )

    assert projection is not None
    assert projection.sentence == (
        "At 10x the daily volume needs 65.0 hours at the measured 100 records/s: it does not "
        "fit the 4-hour window even at today's volume."
    )


def test_it_projects_today_s_volume_when_no_growth_is_expected():
    projection = growth_projection(
        volume_per_day=2_340_000,
        growth_factor=None,
        measured_throughput_per_second=1000,
        batch_window_hours=4,
    )

    assert projection is not None
    assert projection.growth_factor == 1
    assert projection.hours_at_growth == projection.hours_now
    assert projection.sentence == (
        "Today the daily volume needs 0.7 hours at the measured 1,000 records/s: it fits the "
        "4-hour window with 3.3 hours to spare."
    )


def test_it_never_rounds_a_batch_that_overruns_down_to_the_window():
    projection = growth_projection(
        volume_per_day=1_000_000,
        growth_factor=None,
        measured_throughput_per_second=69.0,
        batch_window_hours=4,
    )

    assert projection is not None
    assert projection.hours_at_growth == pytest.approx(4.026, abs=0.001)
    assert "needs 4.1 hours" in projection.sentence
    assert "it does not fit the 4-hour window." in projection.sentence


def test_it_shows_a_short_batch_in_minutes():
    projection = growth_projection(
        volume_per_day=300_000,
        growth_factor=None,
        measured_throughput_per_second=1000,
        batch_window_hours=4,
    )

    assert projection is not None
    assert projection.sentence == (
        "Today the daily volume needs 5 minutes at the measured 1,000 records/s: it fits the "
        "4-hour window with 3.9 hours to spare."
    )


@pytest.mark.parametrize(
    ("volume_per_day", "measured"),
    [(2_340_000, None), (2_340_000, 0), (2_340_000, -5), (0, 1000)],
)
def test_it_projects_nothing_without_a_measured_throughput_or_a_volume(volume_per_day, measured):
    projection = growth_projection(
        volume_per_day=volume_per_day,
        growth_factor=10,
        measured_throughput_per_second=measured,
        batch_window_hours=4,
    )

    assert projection is None


@pytest.mark.parametrize("growth_factor", [0, -2])
def test_it_refuses_a_growth_factor_that_is_not_positive(growth_factor):
    with pytest.raises(ValueError, match="growth factor"):
        growth_projection(
            volume_per_day=1000,
            growth_factor=growth_factor,
            measured_throughput_per_second=10,
            batch_window_hours=None,
        )


@settings(max_examples=200)
@given(
    volume_per_day=st.floats(min_value=1, max_value=1e10),
    growth_factor=st.none() | st.floats(min_value=0.1, max_value=1000),
    measured=st.floats(min_value=0.01, max_value=1e7),
    window=st.none() | st.floats(min_value=0.1, max_value=24),
)
def test_it_keeps_the_projection_self_consistent(volume_per_day, growth_factor, measured, window):
    projection = growth_projection(
        volume_per_day=volume_per_day,
        growth_factor=growth_factor,
        measured_throughput_per_second=measured,
        batch_window_hours=window,
    )

    assert projection is not None
    factor = 1 if growth_factor is None else growth_factor
    assert projection.hours_at_growth == pytest.approx(projection.hours_now * factor)
    assert projection.required_throughput_at_growth * projection.headroom_factor == pytest.approx(
        measured
    )
    if window is None:
        assert projection.fits_window is None
    else:
        assert projection.fits_window == (projection.hours_at_growth <= window)
        assert ("it fits the" in projection.sentence) == projection.fits_window
    assert projection.sentence[0].isupper()
    assert projection.sentence.endswith(".")
