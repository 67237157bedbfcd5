"""Each pitfall is flagged in its situation, and only there, with a mitigation to show."""

from __future__ import annotations

import pytest

from patterns.evaluation import evaluate
from patterns.matching import match
from patterns.pitfalls import PITFALL_SLUGS, pitfalls_for
from tests.patterns.builders import (
    BATCH,
    BUILTIN,
    CHOREOGRAPHY,
    STREAMING,
    requirements,
)


def quiet(**changes):
    """A nightly batch workflow that, as it stands, runs into no pitfall at all."""
    return requirements("scheduled", "batch", "strong", "retry", **changes)


def slugs_for(wanted, *, chosen=None, recommended=None) -> list[str]:
    return [p.slug for p in pitfalls_for(wanted, chosen=chosen, recommended=recommended)]


def test_it_flags_nothing_for_a_plain_nightly_batch():
    assert slugs_for(quiet(), chosen=BATCH, recommended=BATCH) == []


# --- over-engineering -------------------------------------------------------------------------


@pytest.mark.parametrize(("chosen", "recommended"), [(STREAMING, BATCH), (CHOREOGRAPHY, BATCH)])
def test_it_flags_over_engineering_when_the_choice_is_more_complex_than_needed(chosen, recommended):
    found = pitfalls_for(quiet(), chosen=chosen, recommended=recommended)

    over = next(p for p in found if p.slug == "over_engineering")
    assert chosen.name in over.reason
    assert recommended.name in over.mitigation


@pytest.mark.parametrize(
    ("chosen", "recommended"),
    [
        pytest.param(BATCH, BATCH, id="the-recommended-one-chosen"),
        pytest.param(BATCH, STREAMING, id="a-simpler-one-chosen"),
        pytest.param(None, BATCH, id="nothing-chosen"),
        pytest.param(STREAMING, None, id="nothing-recommended"),
    ],
)
def test_it_does_not_flag_over_engineering_otherwise(chosen, recommended):
    assert "over_engineering" not in slugs_for(quiet(), chosen=chosen, recommended=recommended)


# --- idempotency ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("granularity", "failure", "subject"),
    [
        pytest.param("record", "retry", BATCH, id="record-retry-profile"),
        pytest.param("batch", "retry", STREAMING, id="record-pattern"),
        pytest.param("record", "dead_letter", BATCH, id="retrying-pattern"),
        pytest.param("batch", "dead_letter", STREAMING, id="record-retry-pattern"),
    ],
)
def test_it_flags_idempotency_when_records_meet_retries(granularity, failure, subject):
    wanted = requirements("event", granularity, "eventual", failure)

    assert "idempotency" in slugs_for(wanted, chosen=subject, recommended=subject)


def test_it_flags_idempotency_for_the_recommendation_when_nothing_is_chosen():
    wanted = quiet()

    assert "idempotency" in slugs_for(wanted, recommended=STREAMING)
    assert "idempotency" not in slugs_for(wanted, recommended=BATCH)


def test_it_does_not_flag_idempotency_once_a_deduplication_key_is_stated():
    wanted = requirements("event", "record", "eventual", "retry", idempotency_key=True)

    assert "idempotency" not in slugs_for(wanted, chosen=STREAMING, recommended=STREAMING)


def test_it_does_not_flag_idempotency_for_whole_batches_retried():
    assert "idempotency" not in slugs_for(quiet(), chosen=BATCH, recommended=BATCH)


def test_it_does_not_flag_idempotency_for_records_set_aside_instead_of_retried():
    wanted = requirements("event", "record", "eventual", "dead_letter")

    assert "idempotency" not in slugs_for(wanted, chosen=CHOREOGRAPHY, recommended=CHOREOGRAPHY)


# --- schema evolution -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("constraints", "why"),
    [
        ({"consumers": 2}, "several consumers"),
        ({"consumers": 7}, "several consumers"),
        ({"growth_factor": 1.5}, "volume grows"),
        ({"consumers": 1, "growth_factor": 10.0}, "volume grows"),
    ],
)
def test_it_flags_schema_evolution_for_several_consumers_or_growth(constraints, why):
    found = pitfalls_for(quiet(**constraints), chosen=BATCH, recommended=BATCH)

    schema = next(p for p in found if p.slug == "schema_evolution")
    assert why in schema.reason


@pytest.mark.parametrize(
    "constraints",
    [
        pytest.param({"consumers": 3, "schema_policy": True}, id="policy-with-consumers"),
        pytest.param({"growth_factor": 4.0, "schema_policy": True}, id="policy-with-growth"),
        pytest.param({"consumers": 1}, id="one-consumer"),
        pytest.param({"consumers": 1, "growth_factor": 1.0}, id="one-consumer-flat-volume"),
        pytest.param({"growth_factor": 0.5}, id="shrinking-volume"),
        pytest.param({}, id="nothing-stated"),
    ],
)
def test_it_does_not_flag_schema_evolution_otherwise(constraints):
    assert "schema_evolution" not in slugs_for(
        quiet(**constraints), chosen=BATCH, recommended=BATCH
    )


# --- observability ----------------------------------------------------------------------------


@pytest.mark.parametrize("subject", [STREAMING, CHOREOGRAPHY])
def test_it_flags_observability_for_distributed_patterns_with_low_maturity(subject):
    found = pitfalls_for(quiet(observability="low"), chosen=subject, recommended=BATCH)

    observability = next(p for p in found if p.slug == "observability")
    assert subject.name in observability.reason
    assert "low" in observability.reason


@pytest.mark.parametrize(
    ("maturity", "subject"),
    [
        pytest.param("low", BATCH, id="batch"),
        pytest.param(None, STREAMING, id="maturity-unstated"),
        pytest.param("medium", STREAMING, id="maturity-enough"),
        pytest.param("high", CHOREOGRAPHY, id="maturity-more-than-enough"),
    ],
)
def test_it_does_not_flag_observability_otherwise(maturity, subject):
    assert "observability" not in slugs_for(
        quiet(observability=maturity), chosen=subject, recommended=subject
    )


def test_it_does_not_flag_observability_without_a_pattern_to_judge():
    assert "observability" not in slugs_for(quiet(observability="low"))


# --- compliance -------------------------------------------------------------------------------


def test_it_flags_compliance_when_a_regime_has_no_stated_controls():
    found = pitfalls_for(quiet(compliance=("GDPR", "PCI DSS")), chosen=BATCH, recommended=BATCH)

    compliance = next(p for p in found if p.slug == "compliance")
    assert "GDPR" in compliance.reason
    assert "PCI DSS" in compliance.reason


@pytest.mark.parametrize(
    "constraints",
    [
        pytest.param({"compliance": ("HIPAA",), "security_controls": True}, id="controls"),
        pytest.param({}, id="no-regime"),
        pytest.param({"security_controls": False}, id="no-regime-no-controls"),
    ],
)
def test_it_does_not_flag_compliance_otherwise(constraints):
    assert "compliance" not in slugs_for(quiet(**constraints), chosen=BATCH, recommended=BATCH)


# --- all together -----------------------------------------------------------------------------


def everything_wrong():
    return requirements(
        "event",
        "record",
        "eventual",
        "retry",
        consumers=3,
        observability="low",
        compliance=("SOX",),
    )


def test_it_lists_pitfalls_in_a_fixed_order():
    found = pitfalls_for(everything_wrong(), chosen=STREAMING, recommended=BATCH)

    assert tuple(p.slug for p in found) == PITFALL_SLUGS


def test_it_gives_every_pitfall_a_title_a_reason_and_a_mitigation():
    found = pitfalls_for(everything_wrong(), chosen=STREAMING, recommended=BATCH)

    assert len({p.title for p in found}) == len(PITFALL_SLUGS)
    for pitfall in found:
        assert pitfall.title.strip()
        assert pitfall.reason.endswith(".")
        assert pitfall.mitigation.endswith(".")


# --- evaluation -------------------------------------------------------------------------------


def test_it_evaluates_the_chosen_pattern_against_the_recommendation():
    nightly = quiet(max_latency_seconds=86400)

    evaluation = evaluate(nightly, BUILTIN, chosen="streaming")

    assert evaluation.result == match(nightly, BUILTIN)
    assert evaluation.result.recommended.pattern == BATCH
    assert evaluation.chosen == STREAMING
    assert [p.slug for p in evaluation.pitfalls] == ["over_engineering", "idempotency"]


def test_it_evaluates_the_recommendation_when_nothing_is_chosen():
    location_updates = requirements(max_latency_seconds=1, observability="low")

    evaluation = evaluate(location_updates, BUILTIN)

    assert evaluation.chosen is None
    assert evaluation.result.recommended.pattern == STREAMING
    assert [p.slug for p in evaluation.pitfalls] == ["idempotency", "observability"]


def test_it_evaluates_an_unknown_choice_as_no_choice():
    nightly = quiet(max_latency_seconds=86400)

    evaluation = evaluate(nightly, BUILTIN, chosen="kafka")

    assert evaluation.chosen is None
    assert evaluation.pitfalls == ()


def test_it_evaluates_profile_pitfalls_even_when_nothing_is_feasible():
    impossible = requirements(max_latency_seconds=0.0001, compliance=("HIPAA",))

    evaluation = evaluate(impossible, BUILTIN, chosen="batch")

    assert evaluation.result.recommended is None
    assert evaluation.chosen == BATCH
    assert [p.slug for p in evaluation.pitfalls] == ["idempotency", "compliance"]
