"""The growth rules say when a pattern stops fitting as the workflow grows, and why."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.growth import (
    FAN_OUT_CONSUMERS,
    growth_family,
    growth_findings,
    organisation_mismatch,
    revisit_sentence,
    revisit_triggers,
    trigger_crossed,
)
from patterns.matching import ORGANISATIONS, match
from tests.patterns.builders import BATCH, BUILTIN, CHOREOGRAPHY, STREAMING, pattern, requirements


def nightly(**changes):
    """The issue's nightly batch: 50 million records a day, a run of 1.2 h in a 4 h window."""
    values = {
        "volume_per_day": 50_000_000.0,
        "growth_factor": 10.0,
        "throughput_per_hour": 50_000_000.0 / 1.2,
        "batch_window_hours": 4.0,
        **changes,
    }
    return requirements("scheduled", "batch", "strong", "retry", **values)


def slugs(found) -> list[str]:
    return [f.slug for f in found]


# --- examples with the numbers ------------------------------------------------------


def test_it_says_when_a_nightly_batch_stops_fitting_its_window():
    (finding,) = growth_findings(nightly(), BATCH)

    assert finding.slug == "batch_window"
    assert finding.explanation == (
        "A run needs 1.2 h of its 4 h window today; at 10x it needs 12 h: it stops fitting at "
        "about 3.3x, in about 1.6 years, within the three years."
    )
    assert "in parallel" in finding.mitigation
    assert "streaming" in finding.mitigation


def test_it_records_the_volume_at_which_the_window_overflows():
    triggers = revisit_triggers(nightly(max_latency_seconds=86400.0), BATCH)

    assert revisit_sentence(triggers) == (
        "Revisit when: volume passes 166.7 M records a day; the maximum latency drops below "
        "1 minute."
    )


def test_it_finds_nothing_when_the_run_still_fits_at_the_growth():
    assert growth_findings(nightly(growth_factor=3.0), BATCH) == ()


def test_it_says_when_a_run_does_not_fit_even_today():
    (finding,) = growth_findings(nightly(batch_window_hours=1.0), BATCH)

    assert "does not fit even now" in finding.explanation
    overflowing = revisit_triggers(nightly(batch_window_hours=1.0), BATCH)
    assert "volume" not in {t.dimension for t in overflowing}


def test_it_cautions_strong_growth_on_batch_without_a_throughput():
    (finding,) = growth_findings(nightly(throughput_per_hour=None), BATCH)

    assert "10x" in finding.explanation
    assert "streaming" in finding.explanation
    assert growth_findings(nightly(throughput_per_hour=None, growth_factor=9.0), BATCH) == ()


def test_it_warns_that_streaming_cost_grows_with_throughput():
    wanted = requirements(growth_factor=10.0)

    (finding,) = growth_findings(wanted, STREAMING)

    assert finding.slug == "streaming_cost"
    assert "10x" in finding.explanation
    assert growth_findings(requirements(), STREAMING) == ()


def test_it_flags_fan_out_on_choreography_with_many_consumers():
    (finding,) = growth_findings(requirements(consumers=FAN_OUT_CONSUMERS), CHOREOGRAPHY)

    assert finding.slug == "fan_out"
    assert "partition" in finding.mitigation.casefold()
    assert "schema registry" in finding.mitigation
    assert "event types is not asked" in finding.explanation
    assert growth_findings(requirements(consumers=FAN_OUT_CONSUMERS - 1), CHOREOGRAPHY) == ()


def test_it_gives_choreography_a_consumer_trigger_and_streaming_none():
    few = requirements(consumers=3)

    assert "consumers reach 10" in revisit_sentence(revisit_triggers(few, CHOREOGRAPHY))
    assert "consumers" not in {t.dimension for t in revisit_triggers(few, STREAMING)}


def test_it_reads_each_builtin_patterns_family_from_its_profile():
    assert [growth_family(p) for p in BUILTIN] == ["batch", "choreography", "streaming"]


# --- organisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "suited"),
    [
        (BATCH, "central_data_team"),
        (STREAMING, "platform_team"),
        (CHOREOGRAPHY, "autonomous_teams"),
    ],
)
def test_it_finds_no_organisation_mismatch_where_the_pattern_suits(spec, suited):
    assert organisation_mismatch(suited, spec) is None


def test_it_says_batch_makes_a_central_team_the_bottleneck_for_autonomous_teams():
    reason = organisation_mismatch("autonomous_teams", BATCH)

    assert reason is not None
    assert "bottleneck" in reason
    assert "autonomous product teams" in reason


def test_an_organisation_mismatch_is_a_reason_not_an_infeasibility():
    wanted = requirements("scheduled", "batch", "strong", "retry", max_latency_seconds=86400.0)

    plain = match(wanted, BUILTIN)
    told = match(replace(wanted, organisation="autonomous_teams"), BUILTIN)

    batch = told.fit_for("batch")
    assert any("bottleneck" in reason for reason in batch.reasons)
    assert [(f.pattern.slug, f.feasible, f.score) for f in told.ranking] == [
        (f.pattern.slug, f.feasible, f.score) for f in plain.ranking
    ]


# --- properties -----------------------------------------------------------------------------

families = st.sampled_from(
    [
        BATCH,
        CHOREOGRAPHY,
        STREAMING,
        pattern(
            "micro", based_on=STREAMING, profile=replace(STREAMING.profile, trigger="scheduled")
        ),
    ]
)
growths = st.floats(min_value=0.1, max_value=1000.0)
optional_positive = st.none() | st.floats(min_value=1.0, max_value=1e9)


@st.composite
def workflows(draw):
    return requirements(
        draw(st.sampled_from(["scheduled", "event"])),
        draw(st.sampled_from(["batch", "record"])),
        max_latency_seconds=draw(st.floats(min_value=0.001, max_value=1e6)),
        volume_per_day=draw(st.floats(min_value=0.0, max_value=1e10)),
        growth_factor=draw(st.none() | growths),
        throughput_per_hour=draw(optional_positive),
        batch_window_hours=draw(st.none() | st.floats(min_value=0.1, max_value=24.0)),
        consumers=draw(st.none() | st.integers(min_value=0, max_value=100)),
        organisation=draw(st.none() | st.sampled_from(ORGANISATIONS)),
    )


@given(workflows(), families, growths, growths)
def test_more_growth_never_removes_a_finding(wanted, spec, low, high):
    low, high = sorted((low, high))

    fewer = slugs(growth_findings(replace(wanted, growth_factor=low), spec))
    more = slugs(growth_findings(replace(wanted, growth_factor=high), spec))

    assert set(fewer) <= set(more)


@given(workflows(), growths, growths)
def test_more_growth_never_makes_a_pattern_fit_better(wanted, low, high):
    low, high = sorted((low, high))

    before = match(replace(wanted, growth_factor=low), BUILTIN)
    after = match(replace(wanted, growth_factor=high), BUILTIN)

    for fit in after.ranking:
        earlier = before.fit_for(fit.pattern.slug)
        assert fit.score <= earlier.score
        assert fit.feasible <= earlier.feasible


@given(workflows(), families)
def test_every_finding_explains_itself_and_says_what_to_do(wanted, spec):
    for finding in growth_findings(wanted, spec):
        assert finding.explanation.endswith(".")
        assert finding.mitigation.endswith(".")
        assert finding.title


@given(workflows(), families)
def test_no_trigger_for_a_dimension_the_pattern_does_not_depend_on(wanted, spec):
    dimensions = {t.dimension for t in revisit_triggers(wanted, spec)}
    family = growth_family(spec)

    if family != "batch":
        assert "volume" not in dimensions
    if family != "choreography":
        assert "consumers" not in dimensions


@given(workflows(), families)
def test_a_trigger_is_a_condition_not_yet_met(wanted, spec):
    for trigger in revisit_triggers(wanted, spec):
        if trigger.dimension == "volume":
            assert wanted.volume_per_day <= trigger.threshold
        if trigger.dimension == "latency":
            assert wanted.max_latency_seconds >= trigger.threshold
        if trigger.dimension == "consumers":
            assert (wanted.consumers or 0) < trigger.threshold


TODAY = {
    "volume": lambda wanted: wanted.volume_per_day,
    "latency": lambda wanted: wanted.max_latency_seconds,
    "consumers": lambda wanted: float(wanted.consumers or 0),
}


@given(workflows(), families)
def test_noting_todays_figures_crosses_no_trigger_recorded_from_them(wanted, spec):
    # A team that notes the very figures the decision was made with is not told to review it.
    for trigger in revisit_triggers(wanted, spec):
        today = TODAY[trigger.dimension](wanted)
        assert not trigger_crossed(trigger.dimension, trigger.threshold, today)


@pytest.mark.parametrize(
    ("dimension", "threshold", "value", "crossed"),
    [
        ("volume", 100.0, 100.0, False),
        ("volume", 100.0, 100.5, True),
        ("latency", 60.0, 60.0, False),
        ("latency", 60.0, 59.0, True),
        ("consumers", 10, 9, False),
        ("consumers", 10, 10, True),
        ("volume", 100.0, float("inf"), False),
        ("latency", 60.0, float("nan"), False),
    ],
)
def test_a_noted_figure_crosses_a_trigger_the_way_its_sentence_says(
    dimension, threshold, value, crossed
):
    assert trigger_crossed(dimension, threshold, value) is crossed
