"""The matching engine ranks, explains and recommends patterns the way DESIGN.md §1 says."""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patterns.matching import (
    DIMENSION_VALUES,
    DIMENSIONS,
    LEVELS,
    PatternSpec,
    Profile,
    Requirements,
    format_duration,
    match,
)
from tests.patterns.builders import (
    BATCH,
    BUILTIN,
    CHOREOGRAPHY,
    STREAMING,
    pattern,
    profile,
    requirements,
)

OTHER_VALUE = {
    dimension: {values[0]: values[1], values[1]: values[0]}
    for dimension, values in DIMENSION_VALUES.items()
}
EXPECTED_WEIGHTS = {"consistency": 3, "trigger": 2, "granularity": 2, "failure": 1}


def _pattern_differing_on(dimensions, *, asked: Profile, **changes) -> PatternSpec:
    """A pattern whose profile equals `asked` except on `dimensions`."""
    values = {d: asked.value(d) for d in DIMENSIONS}
    for dimension in dimensions:
        values[dimension] = OTHER_VALUE[dimension][values[dimension]]
    return pattern("custom", profile=Profile(**values), latency_floor_seconds=0.001, **changes)


# --- feasibility ----------------------------------------------------------------------------


def test_it_marks_a_pattern_infeasible_when_its_latency_floor_exceeds_the_max_latency():
    result = match(
        requirements("scheduled", "batch", "strong", "retry", max_latency_seconds=10), BUILTIN
    )

    batch = result.fit_for("batch")
    assert batch is not None, "an infeasible pattern stays in the ranking"
    assert not batch.feasible
    assert any("1 minute" in reason and "10 seconds" in reason for reason in batch.reasons)
    assert result.ranking[-1] == batch


def test_it_keeps_a_pattern_feasible_when_its_latency_floor_equals_the_max_latency():
    result = match(
        requirements("scheduled", "batch", "strong", "retry", max_latency_seconds=60), BUILTIN
    )

    assert result.fit_for("batch").feasible
    assert result.recommended.pattern == BATCH


@pytest.mark.parametrize("recorded", ["HIPAA", "hipaa", "Hipaa"])
def test_it_marks_a_pattern_infeasible_when_it_cannot_meet_a_compliance_regime(recorded):
    restricted = pattern("restricted", excluded_compliance=frozenset({"HIPAA"}))

    result = match(requirements(compliance=(recorded,)), [restricted])

    fit = result.fit_for("restricted")
    assert not fit.feasible
    assert any(recorded in reason and "cannot meet" in reason for reason in fit.reasons)
    assert result.recommended is None


def test_it_keeps_a_pattern_feasible_under_a_regime_it_does_not_exclude():
    restricted = pattern("restricted", excluded_compliance=frozenset({"HIPAA"}))

    result = match(requirements(compliance=("GDPR",)), [restricted])

    assert result.fit_for("restricted").feasible


# --- mismatches and score ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dimension", "asked"),
    [
        ("trigger", "scheduled"),
        ("trigger", "event"),
        ("granularity", "batch"),
        ("granularity", "record"),
        ("consistency", "strong"),
        ("failure", "retry"),
        ("failure", "dead_letter"),
    ],
)
def test_it_weighs_and_explains_a_mismatch_on_each_dimension(dimension, asked):
    wanted = requirements(**{dimension: asked})
    custom = _pattern_differing_on([dimension], asked=wanted.profile, name="Acme relay")

    fit = match(wanted, [custom]).ranking[0]

    assert len(fit.mismatches) == 1
    mismatch = fit.mismatches[0]
    assert mismatch.dimension == dimension
    assert mismatch.required == asked
    assert mismatch.offered == OTHER_VALUE[dimension][asked]
    assert mismatch.weight == EXPECTED_WEIGHTS[dimension]
    assert fit.weighted_mismatches == EXPECTED_WEIGHTS[dimension]
    assert "Acme relay" in mismatch.explanation
    assert mismatch.explanation[0].isupper()
    assert mismatch.explanation.endswith(".")


def test_it_does_not_count_strong_consistency_offered_where_eventual_is_asked():
    strong_stream = pattern("strong-stream", profile=profile(consistency="strong"))

    fit = match(requirements(consistency="eventual"), [strong_stream]).ranking[0]

    assert fit.mismatches == ()
    assert fit.score == 100
    assert any("strong consistency where eventual is enough" in r for r in fit.reasons)


def test_it_says_when_a_pattern_matches_on_all_four_dimensions():
    fit = match(requirements(), [STREAMING]).ranking[0]

    assert fit.mismatches == ()
    assert "Real-time streaming matches the profile on all four dimensions." in fit.reasons


SCORE_FOR_WEIGHT = {0: 100, 1: 88, 2: 75, 3: 63, 4: 50, 5: 38, 6: 25, 7: 13, 8: 0}


@pytest.mark.parametrize(
    "dimensions",
    [
        list(combo)
        for size in range(len(DIMENSIONS) + 1)
        for combo in combinations(DIMENSIONS, size)
    ],
    ids=lambda dims: "+".join(dims) or "none",
)
def test_it_scores_a_pattern_by_its_weighted_mismatches(dimensions):
    # Strong is asked so that a consistency difference counts as a mismatch.
    wanted = requirements(consistency="strong")
    custom = _pattern_differing_on(dimensions, asked=wanted.profile)

    fit = match(wanted, [custom]).ranking[0]

    weighted = sum(EXPECTED_WEIGHTS[d] for d in dimensions)
    assert fit.weighted_mismatches == weighted
    # 100 minus the weighted share, halves rounded up (62.5 reads 63).
    assert fit.score == SCORE_FOR_WEIGHT[weighted]


@pytest.mark.parametrize(
    ("dimensions", "score"),
    [([], 100), (["trigger"], 75), (["trigger", "granularity"], 50), (list(DIMENSIONS), 0)],
)
def test_it_shows_scores_from_100_for_a_perfect_fit_to_0_for_a_total_miss(dimensions, score):
    wanted = requirements(consistency="strong")
    custom = _pattern_differing_on(dimensions, asked=wanted.profile)

    assert match(wanted, [custom]).ranking[0].score == score


# --- ranking and recommendation ---------------------------------------------------------------


def test_it_ranks_feasible_patterns_before_infeasible_ones_however_well_those_fit():
    perfect_but_slow = pattern("perfect-but-slow", latency_floor_seconds=3600)
    poor_but_fast = pattern(
        "poor-but-fast", profile=profile("scheduled", "batch", "eventual", "dead_letter")
    )

    result = match(requirements(max_latency_seconds=1), [perfect_but_slow, poor_but_fast])

    assert [f.pattern.slug for f in result.ranking] == ["poor-but-fast", "perfect-but-slow"]
    assert result.recommended.pattern.slug == "poor-but-fast"


def test_it_ranks_fewer_weighted_mismatches_before_lower_complexity():
    # A failure mismatch (1) weighs less than a consistency mismatch (3).
    simple_but_stale = pattern(
        "simple-but-stale", profile=profile(consistency="eventual"), complexity_rank=1
    )
    complex_but_strong = pattern(
        "complex-but-strong",
        profile=profile(consistency="strong", failure="dead_letter"),
        complexity_rank=9,
    )

    result = match(requirements(consistency="strong"), [simple_but_stale, complex_but_strong])

    assert [f.pattern.slug for f in result.ranking] == ["complex-but-strong", "simple-but-stale"]


def test_it_recommends_the_simpler_of_two_equally_fitting_patterns():
    # The simpler one comes second alphabetically and second in the input: rank decides.
    zeta = pattern("zeta", complexity_rank=1, profile=profile(failure="dead_letter"))
    alpha = pattern("alpha", complexity_rank=2, profile=profile(failure="dead_letter"))

    result = match(requirements(failure="retry"), [alpha, zeta])

    assert result.ranking[0].weighted_mismatches == result.ranking[1].weighted_mismatches
    assert result.recommended.pattern.slug == "zeta"
    assert [f.pattern.slug for f in result.ranking] == ["zeta", "alpha"]


def test_it_breaks_a_tie_of_fit_and_complexity_by_slug():
    first = pattern("aardvark", complexity_rank=4)
    second = pattern("zebra", complexity_rank=4)

    result = match(requirements(), [second, first])

    assert [f.pattern.slug for f in result.ranking] == ["aardvark", "zebra"]


def test_it_recommends_nothing_when_no_pattern_is_feasible():
    result = match(requirements(max_latency_seconds=0.0001), BUILTIN)

    assert result.recommended is None
    assert result.suggest_split is False
    assert len(result.ranking) == 3
    assert not any(fit.feasible for fit in result.ranking)


def test_it_recommends_nothing_from_an_empty_catalogue():
    result = match(requirements(), [])

    assert result.ranking == ()
    assert result.recommended is None
    assert result.suggest_split is False


def test_it_finds_a_fit_by_slug_and_nothing_for_an_unknown_slug():
    result = match(requirements(), BUILTIN)

    assert result.fit_for("choreography").pattern == CHOREOGRAPHY
    assert result.fit_for("kafka") is None


@pytest.mark.parametrize(
    ("dimension", "suggest_split"),
    [(None, False), ("failure", False), ("trigger", True), ("granularity", True)],
)
def test_it_suggests_a_split_exactly_when_the_recommendation_misses_significantly(
    dimension, suggest_split
):
    wanted = requirements()
    custom = _pattern_differing_on([dimension] if dimension else [], asked=wanted.profile)

    assert match(wanted, [custom]).suggest_split is suggest_split


def test_it_suggests_a_split_when_the_recommendation_is_not_strong_enough():
    wanted = requirements(consistency="strong")
    custom = _pattern_differing_on(["consistency"], asked=wanted.profile)

    assert match(wanted, [custom]).suggest_split is True


def test_it_judges_the_split_on_the_recommendation_not_on_the_runners_up():
    # Only the recommended streaming fits; the others miss heavily, which needs no split.
    result = match(requirements(max_latency_seconds=3600), BUILTIN)

    assert result.recommended.pattern == STREAMING
    assert result.fit_for("batch").has_significant_mismatch
    assert result.suggest_split is False


# --- the seed's examples ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "recommended"),
    [
        pytest.param(
            requirements("scheduled", "batch", "strong", "retry", max_latency_seconds=86400),
            "batch",
            id="nightly-retail-inventory-sync",
        ),
        pytest.param(
            requirements("event", "record", "eventual", "retry", max_latency_seconds=1),
            "streaming",
            id="ride-sharing-location-updates",
        ),
        pytest.param(
            requirements("event", "record", "eventual", "dead_letter", max_latency_seconds=60),
            "choreography",
            id="e-commerce-order-placed",
        ),
    ],
)
def test_it_recommends_what_the_framework_recommends_for_the_seed_examples(wanted, recommended):
    result = match(wanted, BUILTIN)

    assert result.recommended.pattern.slug == recommended
    assert result.recommended.mismatches == ()
    assert result.suggest_split is False


def test_it_rules_out_batch_for_ride_sharing_location_updates():
    result = match(requirements(max_latency_seconds=1), BUILTIN)

    assert not result.fit_for("batch").feasible
    assert result.fit_for("choreography").feasible  # its one-second floor is just enough
    assert [f.pattern.slug for f in result.ranking] == ["streaming", "choreography", "batch"]


# --- constraint reasons -----------------------------------------------------------------------


def test_it_warns_when_the_team_lacks_the_skill_a_pattern_needs():
    result = match(requirements(skill="low"), BUILTIN)

    streaming_reasons = " ".join(result.fit_for("streaming").reasons)
    assert "needs high skill" in streaming_reasons
    assert "team's is low" in streaming_reasons
    assert not any("skill" in reason for reason in result.fit_for("batch").reasons)


@pytest.mark.parametrize("skill", [None, "high"])
def test_it_does_not_warn_about_skill_when_the_team_has_it_or_did_not_say(skill):
    result = match(requirements(skill=skill), BUILTIN)

    assert not any("skill" in r for fit in result.ranking for r in fit.reasons)


def test_it_warns_that_event_patterns_need_contracts_between_tightly_coupled_systems():
    result = match(requirements(coupling="tight"), BUILTIN)

    assert any("loosely coupled" in r for r in result.fit_for("streaming").reasons)
    assert any("loosely coupled" in r for r in result.fit_for("choreography").reasons)
    assert not any("loosely coupled" in r for r in result.fit_for("batch").reasons)


@pytest.mark.parametrize("coupling", [None, "loose"])
def test_it_does_not_warn_about_coupling_between_loosely_coupled_systems(coupling):
    result = match(requirements(coupling=coupling), BUILTIN)

    assert not any("coupled" in r for fit in result.ranking for r in fit.reasons)


def test_it_does_not_let_skill_or_coupling_change_the_recommendation():
    plain = match(requirements(max_latency_seconds=1), BUILTIN)
    constrained = match(requirements(max_latency_seconds=1, skill="low", coupling="tight"), BUILTIN)

    assert constrained.recommended.pattern == plain.recommended.pattern
    assert constrained.recommended.score == plain.recommended.score


# --- durations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.001, "1 millisecond"),
        (0.0015, "1.5 milliseconds"),
        (0.25, "250 milliseconds"),
        (1, "1 second"),
        (1.5, "1.5 seconds"),
        (10, "10 seconds"),
        (60, "1 minute"),
        (90, "1.5 minutes"),
        (4 * 3600, "4 hours"),
        (86400, "1 day"),
        (1.5 * 86400, "1.5 days"),
        (30 * 86400, "30 days"),
        (math.inf, "forever"),
    ],
)
def test_it_formats_a_duration_in_the_largest_readable_unit(seconds, text):
    assert format_duration(seconds) == text


# --- properties -------------------------------------------------------------------------------

PROPERTY = settings(max_examples=200, deadline=None, database=None)

# Mantissa times a power of ten reaches microseconds to years evenly; the built-in floors
# are drawn as they are so that a latency can sit exactly on one.
durations = st.one_of(
    st.sampled_from([0.001, 1.0, 60.0]),
    st.builds(
        lambda mantissa, exponent: mantissa * 10.0**exponent,
        st.floats(min_value=1.0, max_value=9.99),
        st.integers(min_value=-6, max_value=8),
    ),
)
levels = st.sampled_from(LEVELS)
regimes = st.sampled_from(["GDPR", "gdpr", "HIPAA", "PCI DSS", "SOX", "Internal audit"])
profiles = st.builds(
    Profile,
    **{dimension: st.sampled_from(values) for dimension, values in DIMENSION_VALUES.items()},
)
requirements_strategy = st.builds(
    Requirements,
    profile=profiles,
    max_latency_seconds=durations,
    volume_per_day=st.floats(min_value=0, max_value=1e12),
    growth_factor=st.none() | st.floats(min_value=0.01, max_value=100),
    compliance=st.lists(regimes, max_size=3, unique_by=str.casefold).map(tuple),
    observability=st.none() | levels,
    skill=st.none() | levels,
    coupling=st.none() | st.sampled_from(["loose", "tight"]),
    idempotency_key=st.booleans(),
    schema_policy=st.booleans(),
    security_controls=st.booleans(),
    consumers=st.none() | st.integers(min_value=0, max_value=50),
)
slugs = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12)


@st.composite
def pattern_specs(draw, slug=slugs):
    chosen_slug = draw(slug)
    return PatternSpec(
        slug=chosen_slug,
        name=f"Pattern {chosen_slug}",
        profile=draw(profiles),
        latency_floor_seconds=draw(durations),
        complexity_rank=draw(st.integers(min_value=1, max_value=10)),
        skill_level=draw(levels),
        observability_required=draw(levels),
        excluded_compliance=draw(st.frozensets(regimes, max_size=2)),
    )


catalogues = st.lists(pattern_specs(), max_size=6, unique_by=lambda p: p.slug)


@PROPERTY
@given(requirements_strategy, catalogues)
def test_it_gives_the_same_answer_to_the_same_question(wanted, catalogue):
    assert match(wanted, catalogue) == match(wanted, catalogue)


@PROPERTY
@given(requirements_strategy, catalogues)
def test_it_recommends_a_feasible_pattern_whenever_there_is_one(wanted, catalogue):
    result = match(wanted, catalogue)

    feasible = [fit for fit in result.ranking if fit.feasible]
    if feasible:
        assert result.recommended is not None
        assert result.recommended.feasible
        assert result.recommended.weighted_mismatches == min(
            fit.weighted_mismatches for fit in feasible
        )
    else:
        assert result.recommended is None
        assert result.suggest_split is False


@PROPERTY
@given(requirements_strategy, catalogues, pattern_specs(slug=st.just("too-slow-to-matter")))
def test_it_never_changes_its_recommendation_for_an_infeasible_newcomer(
    wanted, catalogue, newcomer
):
    newcomer = pattern(
        "too-slow-to-matter",
        based_on=newcomer,
        latency_floor_seconds=wanted.max_latency_seconds * 2,
    )
    before = match(wanted, catalogue)
    after = match(wanted, [*catalogue, newcomer])

    assert after.recommended == before.recommended
    assert after.suggest_split == before.suggest_split
    assert not after.fit_for("too-slow-to-matter").feasible


@PROPERTY
@given(requirements_strategy, catalogues)
def test_it_explains_every_mismatch_in_a_sentence_naming_the_pattern(wanted, catalogue):
    for fit in match(wanted, catalogue).ranking:
        for mismatch in fit.mismatches:
            assert mismatch.explanation.strip()
            assert mismatch.explanation.endswith(".")
            assert fit.pattern.name in mismatch.explanation
        for reason in fit.reasons:
            assert reason.endswith(".")


@PROPERTY
@given(requirements_strategy, catalogues, st.data())
def test_it_ranks_the_same_whatever_order_the_catalogue_is_in(wanted, catalogue, data):
    shuffled = data.draw(st.permutations(catalogue))

    assert match(wanted, shuffled) == match(wanted, catalogue)


@PROPERTY
@given(requirements_strategy, catalogues)
def test_it_ranks_every_pattern_exactly_once(wanted, catalogue):
    ranking = match(wanted, catalogue).ranking

    assert Counter(fit.pattern for fit in ranking) == Counter(catalogue)
