"""What a facilitator hit in front of the room: the preselected candidate, the attendees
panel, a decided workshop's console, and sentences that contradicted each other."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.workshops.builders import decide
from workshops.models import Participant, Workflow
from workshops.services.decisions import decision_transition
from workshops.services.workflows import workflow_update
from workshops.services.workshops import phase_go

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}

# A nightly load: the engine recommends batch processing for it.
NIGHTLY = {
    "latency_value": 12,
    "latency_unit": "hours",
    "volume_value": 2_340_000,
    "volume_unit": "day",
    "trigger": "scheduled",
    "granularity": "batch",
    "consistency": "strong",
    "failure": "retry",
}


def phase_go_url(workshop) -> str:
    return reverse("workshops:phase-go", kwargs={"workshop_id": workshop.pk})


class TestThePreselectedCandidate:
    def test_moving_on_with_the_stepper_keeps_the_recommendation_as_the_candidate(
        self, facilitator_client, workshop, workflow
    ):
        workflow_update(workflow=workflow, version=workflow.version, fields=NIGHTLY)
        phase_go(workshop=workshop, phase=3)
        facilitator_client.post(phase_go_url(workshop), {"phase": "4"})
        assert Workflow.objects.get(pk=workflow.pk).candidates == ["batch"]
        content = facilitator_client.get(workshop.get_absolute_url()).content.decode()
        assert "Pick the candidates to weigh in phase 3 first." not in content
        assert 'data-candidate="batch"' in content

    def test_candidates_the_group_picked_stay_as_they_are(
        self, facilitator_client, workshop, workflow
    ):
        workflow_update(
            workflow=workflow, version=workflow.version, fields={**NIGHTLY, "candidates": ["cdc"]}
        )
        phase_go(workshop=workshop, phase=3)
        facilitator_client.post(phase_go_url(workshop), {"phase": "4"})
        assert Workflow.objects.get(pk=workflow.pk).candidates == ["cdc"]

    def test_going_back_picks_nothing(self, facilitator_client, workshop, workflow):
        workflow_update(workflow=workflow, version=workflow.version, fields=NIGHTLY)
        phase_go(workshop=workshop, phase=3)
        facilitator_client.post(phase_go_url(workshop), {"phase": "2"})
        assert Workflow.objects.get(pk=workflow.pk).candidates == []


class TestTheAttendeesPanel:
    def test_an_error_keeps_the_panel_open_with_the_cursor_on_the_field(
        self, facilitator_client, workshop
    ):
        url = reverse("workshops:participant-add", kwargs={"workshop_id": workshop.pk})
        response = facilitator_client.post(url, {"name": "", "role": "business"})
        content = response.content.decode()
        assert '<details class="card mt-3" id="attendees" open>' in content
        assert "This field is required." in content
        assert 'name="name" maxlength="100" autofocus' in content or (
            "autofocus" in content.split('name="name"')[1].split(">")[0]
        )

    def test_adding_an_attendee_comes_back_with_the_panel_open(self, facilitator_client, workshop):
        url = reverse("workshops:participant-add", kwargs={"workshop_id": workshop.pk})
        response = facilitator_client.post(
            url, {"name": "Dana", "role": "operations", "involvement": "consulted"}
        )
        assert response["Location"].endswith("?panel=attendees#attendees")
        content = facilitator_client.get(response["Location"]).content.decode()
        assert '<details class="card mt-3" id="attendees" open>' in content
        assert Participant.objects.get().name == "Dana"


@pytest.fixture
def decided(team, facilitator):
    decision = decide(team, facilitator, "Nightly sync", **NIGHTLY)
    return decision.workshop


class TestADecidedWorkshop:
    def test_its_console_is_read_only_with_a_way_to_the_record_and_to_revisit(
        self, facilitator_client, decided
    ):
        content = facilitator_client.get(decided.get_absolute_url()).content.decode()
        decision = decided.decisions.get()
        assert 'data-testid="decided-banner"' in content
        assert f'href="{decision.get_absolute_url()}"' in content
        assert reverse("workshops:decision-revisit", kwargs={"decision_id": decision.pk}) in content
        assert '<fieldset class="read-only-fieldset" disabled>' in content
        assert "data-hx-post" not in content
        assert reverse("workshops:participant-add", kwargs={"workshop_id": decided.pk}) not in (
            content
        )

    @pytest.mark.parametrize("htmx", [False, True])
    def test_a_change_posted_anyway_is_refused_and_nothing_is_written(
        self, facilitator_client, decided, htmx
    ):
        workflow = decided.workflows.get()
        url = reverse(
            "workshops:phase-save",
            kwargs={"workshop_id": decided.pk, "workflow_id": workflow.pk, "phase": 1},
        )
        data = {"p1-version": workflow.version, "p1-name": "Changed", "p1-latency_value": "1"}
        response = facilitator_client.post(url, data, headers=HTMX if htmx else {})
        assert Workflow.objects.get(pk=workflow.pk).name == workflow.name
        if htmx:
            assert "this workshop is decided" in response.content.decode()
        else:
            assert response.status_code == 302
            page = facilitator_client.get(response["Location"]).content.decode()
            assert "this workshop is decided; revisit its decision to change it" in page

    @pytest.mark.parametrize(
        ("name", "data"),
        [
            ("participant-add", {"name": "Eve", "role": "other", "involvement": "informed"}),
            ("budget-save", {"version": "1", "phase_1": "1"}),
            ("workflow-split", {"first": "A", "second": "B"}),
            ("workshop-start", {}),
        ],
    )
    def test_every_other_change_is_refused_too(self, facilitator_client, decided, name, data):
        before = (Participant.objects.count(), Workflow.objects.count(), decided.budget_minutes)
        url = reverse(f"workshops:{name}", kwargs={"workshop_id": decided.pk})
        response = facilitator_client.post(url, data)
        assert response.status_code == 302
        decided.refresh_from_db()
        after = (Participant.objects.count(), Workflow.objects.count(), decided.budget_minutes)
        assert after == before


class TestSentencesThatAgree:
    def test_a_failure_mismatch_names_the_patterns_own_handling(
        self, facilitator_client, workshop, workflow
    ):
        fields = {
            **NIGHTLY,
            "latency_value": 1,
            "latency_unit": "seconds",
            "trigger": "event",
            "granularity": "record",
            "consistency": "eventual",
            "failure": "dead_letter",
        }
        workflow_update(workflow=workflow, version=workflow.version, fields=fields)
        phase_go(workshop=workshop, phase=3)
        content = facilitator_client.get(workshop.get_absolute_url()).content.decode()
        assert "retries them (checkpoint and replay)" in content  # real-time streaming's way
        assert "the whole run" not in content

    def test_an_infeasible_candidate_is_never_called_cheapest(
        self, facilitator_client, workshop, workflow
    ):
        # Batch cannot deliver within a second; its catalogue cost is the lowest of the two.
        fields = {**NIGHTLY, "latency_value": 1, "latency_unit": "seconds"}
        fields["candidates"] = ["batch", "streaming"]
        workflow_update(workflow=workflow, version=workflow.version, fields=fields)
        phase_go(workshop=workshop, phase=4)
        response = facilitator_client.get(workshop.get_absolute_url())
        assessment = response.context["assessment"]
        assert assessment.cheapest == "streaming"
        header = response.content.decode().split('data-testid="tco-table"')[1].split("</thead>")[0]
        assert "Batch processing</th>" in header  # no "cheapest" badge after batch's name

    def test_the_ranking_says_why_an_infeasible_pattern_stays_below(
        self, facilitator_client, workshop, workflow
    ):
        fields = {**NIGHTLY, "latency_value": 1, "latency_unit": "seconds"}
        workflow_update(workflow=workflow, version=workflow.version, fields=fields)
        phase_go(workshop=workshop, phase=3)
        content = facilitator_client.get(workshop.get_absolute_url()).content.decode()
        assert content.count('data-testid="infeasible-note"') == 2  # the panel and phase 3


def test_a_superseded_workshops_decision_is_still_read_only(facilitator_client, team, facilitator):
    decision = decide(team, facilitator, "Nightly sync", **NIGHTLY)
    decision_transition(decision=decision, to_status="deprecated", by=facilitator)
    content = facilitator_client.get(decision.workshop.get_absolute_url()).content.decode()
    assert 'data-testid="decided-banner"' in content


def test_one_second_reads_in_the_singular(facilitator_client, workshop, workflow):
    workflow_update(
        workflow=workflow,
        version=workflow.version,
        fields={"latency_value": 1, "latency_unit": "seconds"},
    )
    content = facilitator_client.get(workshop.get_absolute_url()).content.decode()
    assert '<dd class="col-7">1 second</dd>' in content


def test_a_decided_console_does_not_promise_to_save(facilitator_client, team, facilitator):
    decision = decide(team, facilitator, "Nightly sync", **NIGHTLY)
    content = facilitator_client.get(decision.workshop.get_absolute_url()).content.decode()
    assert "Read-only: the workshop is decided" in content
    assert "Changes save as you go" not in content


def test_each_risk_field_has_a_name_of_its_own(facilitator_client, workshop, workflow):
    workflow_update(
        workflow=workflow, version=workflow.version, fields={**NIGHTLY, "candidates": ["batch"]}
    )
    phase_go(workshop=workshop, phase=4)
    content = facilitator_client.get(workshop.get_absolute_url()).content.decode()
    assert 'aria-label="Risk 1: title"' in content
    assert 'aria-label="Risk 1: likelihood"' in content
    assert 'aria-label="Risk 1: Risk 1"' not in content
