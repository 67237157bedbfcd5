"""The one rule for the default choice, and the pattern a decision is listed under."""

from __future__ import annotations

import pytest

from patterns.selectors import catalogue_specs
from tests.workshops.builders import decide, profile
from workshops.assessment import Assessment, assess_workflow, headline_pattern
from workshops.models import Workflow
from workshops.services.workflows import workflow_split, workflow_update

# Two profiles the engine ranks differently, so that no test passes by naming one pattern.
NIGHTLY_FILE = {"candidates": []}
LOCATION_FEED = {
    "trigger": "event",
    "granularity": "record",
    "consistency": "eventual",
    "failure": "retry",
    "latency_value": 1,
    "latency_unit": "seconds",
    "candidates": [],
}


def assessed(workshop) -> Assessment:
    return assess_workflow(workshop.workflows.get(parent=None), catalogue_specs())


@pytest.mark.django_db
class TestDefaultChoice:
    @pytest.mark.parametrize(
        ("fields", "recommended"),
        [(NIGHTLY_FILE, "batch"), (LOCATION_FEED, "streaming")],
        ids=["nightly-file", "location-feed"],
    )
    def test_it_is_the_recommendation_until_candidates_are_picked(
        self, workshop, fields, recommended
    ):
        assessment = assessed(profile(workshop, **fields))
        assert assessment.recommended == recommended
        assert assessment.default_choice == recommended

    def test_it_is_the_first_candidate_picked_even_over_the_recommendation(self, workshop):
        assessment = assessed(profile(workshop, candidates=["streaming", "batch"]))
        assert assessment.recommended == "batch"
        assert assessment.default_choice == "streaming"

    def test_it_is_the_first_candidate_while_the_engine_cannot_rank_yet(self, workshop):
        workflow = workshop.workflows.get()
        workflow_update(
            workflow=workflow, version=workflow.version, fields={"candidates": ["choreography"]}
        )
        assessment = assessed(workshop)
        assert assessment.missing
        assert assessment.recommended is None
        assert assessment.default_choice == "choreography"

    def test_there_is_none_before_the_engine_can_rank_or_anything_is_picked(self, workshop):
        assessment = assessed(workshop)
        assert assessment.missing
        assert assessment.default_choice is None


WHOLE, STAGING, STREAM = (Workflow(pk=pk) for pk in (1, 2, 3))


class TestHeadlinePattern:
    def test_it_is_the_whole_workflows_pattern(self):
        chosen = {STREAM.pk: "streaming", STAGING.pk: "choreography", WHOLE.pk: "batch"}
        assert headline_pattern([WHOLE, STAGING, STREAM], chosen) == "batch"

    @pytest.mark.parametrize(
        "chosen",
        [
            {STREAM.pk: "streaming", STAGING.pk: "choreography"},
            {WHOLE.pk: "", STREAM.pk: "streaming", STAGING.pk: "choreography"},
        ],
        ids=["whole-missing", "whole-empty"],
    )
    def test_a_hybrid_whose_whole_has_none_takes_its_first_parts(self, chosen):
        assert headline_pattern([WHOLE, STAGING, STREAM], chosen) == "choreography"

    def test_a_part_without_a_pattern_is_passed_over(self):
        chosen = {WHOLE.pk: "", STAGING.pk: "", STREAM.pk: "streaming"}
        assert headline_pattern([WHOLE, STAGING, STREAM], chosen) == "streaming"

    def test_it_is_empty_when_nothing_was_chosen(self):
        assert headline_pattern([WHOLE, STAGING, STREAM], {}) == ""
        assert headline_pattern([WHOLE], {WHOLE.pk: ""}) == ""

    @pytest.mark.django_db
    def test_a_recorded_hybrid_is_listed_under_its_first_parts_pattern(self, workshop, facilitator):
        whole = profile(workshop).workflows.get()
        staging, stream = workflow_split(workflow=whole, names=("Staging load", "Cache stream"))
        decision = decide(
            workshop,
            facilitator,
            chosen={stream.pk: "streaming", whole.pk: "", staging.pk: "batch"},
        )
        assert (decision.chosen_pattern, decision.chosen_pattern_name) == (
            "batch",
            "Batch processing",
        )


def test_a_candidate_removed_from_the_catalogue_is_not_the_default(workflow):
    workflow_update(
        workflow=workflow, version=workflow.version, fields={"candidates": ["gone", "streaming"]}
    )
    workflow.refresh_from_db()
    assessment = assess_workflow(workflow, catalogue_specs())
    assert assessment.default_choice == "streaming"


def test_the_organisations_the_engine_knows_are_those_phase_one_offers():
    from patterns.growth import ORGANISATION_LABELS
    from patterns.matching import ORGANISATIONS
    from workshops.models import Organisation

    assert tuple(Organisation.values) == ORGANISATIONS == tuple(ORGANISATION_LABELS)
    assert [label.casefold() for label in Organisation.labels] == [
        label.casefold() for label in ORGANISATION_LABELS.values()
    ]
