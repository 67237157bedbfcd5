"""Accepting warns in plain words, and asks why, when the prototype is pending or failed, when
nothing was weighed, or when a candidate has no risks: on the decide page and on the record."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from tests.workshops.hybrids import (
    NEXT_YEAR,
    NIGHTLY,
    decide_hybrid,
    save_tradeoffs,
    split_into_hybrid,
    update,
)
from workshops.models import Decision
from workshops.services.decisions import decision_record, decision_transition

pytestmark = pytest.mark.django_db

COST = {
    "monthly_infrastructure": 400,
    "training": 0,
    "incident_hours_per_month": 1,
    "hourly_rate": 100,
}
RISK = {
    "title": "The load overruns its window",
    "raised_by": "operations",
    "mitigation": "Split it.",
}
NO_TARGET = "No prototype target was set, so nothing measured confirms the choice."
NOTHING_WEIGHED = "No candidate pattern was weighed (none was picked in phase 3)."
REASON = "The pilot store ran it for a month without a miss."


@pytest.fixture
def workflow(workshop):
    return update(workshop.workflows.get(), NIGHTLY)


@pytest.fixture
def ready(workshop, workflow):
    """Weighed, with risks, and a prototype that met its target: nothing to warn about."""
    update(
        workflow, {"candidates": ["batch"], "target_throughput": 500, "measured_throughput": 900}
    )
    save_tradeoffs(workflow, "batch", risks=[RISK], cost=COST)
    return workshop


def decide_url(workshop) -> str:
    return reverse("workshops:decide", kwargs={"workshop_id": workshop.pk})


def status_url(decision) -> str:
    return reverse("workshops:decision-status", kwargs={"decision_id": decision.pk})


def outcome(workshop, **overrides) -> dict[str, str]:
    return {
        f"chosen_{workshop.workflows.get(parent=None).pk}": "batch",
        "rationale": "it fits the nightly window.",
        "consequences": "Stores see stock a day late.",
        "review_date": NEXT_YEAR.isoformat(),
        "action": "accepted",
        **overrides,
    }


def warnings_in(content: str) -> list[str]:
    """The warnings listed in the page's "Before you accept" box, in order."""
    box = content.split('data-testid="accept-warnings"')[1].split("</ul>")[0]
    return [
        html.unescape(" ".join(item.split())) for item in re.findall(r"<li>(.*?)</li>", box, re.S)
    ]


def record(workshop, by, *, status: str = "proposed") -> Decision:
    decision = decision_record(
        workshop=workshop,
        by=by,
        chosen={workshop.workflows.get(parent=None).pk: "batch"},
        rationale="it fits the nightly window.",
        consequences="",
        review_date=NEXT_YEAR,
    )
    if status != "draft":
        decision = decision_transition(decision=decision, to_status=status, by=by)
    return decision


def timeline(client, decision) -> str:
    content = client.get(decision.get_absolute_url()).content.decode()
    return content.split('data-testid="timeline"')[1].split("</ol>")[0]


# --- the decide page ---------------------------------------------------------------------------


class TestDecidePage:
    def test_it_warns_in_plain_words_before_the_accept_button(self, facilitator_client, workflow):
        content = facilitator_client.get(decide_url(workflow.workshop)).content.decode()
        assert warnings_in(content) == [NO_TARGET, NOTHING_WEIGHED]
        assert content.index("Before you accept") < content.index('value="accepted"')
        assert "Why accept despite these warnings?" in content

    def test_it_names_a_failed_prototype_and_a_candidate_without_risks(
        self, facilitator_client, workflow
    ):
        update(
            workflow,
            {
                "candidates": ["batch", "streaming"],
                "target_throughput": 500,
                "measured_throughput": 200,
                "target_error_rate": 1,
                "measured_error_rate": 0.5,
            },
        )
        save_tradeoffs(workflow, "batch", risks=[RISK], cost=COST)
        content = facilitator_client.get(decide_url(workflow.workshop)).content.decode()
        assert warnings_in(content) == [
            "The prototype missed its targets (Throughput).",
            "Real-time streaming has no risks recorded.",
        ]

    def test_it_says_so_while_the_prototype_is_not_measured_yet(self, facilitator_client, ready):
        update(ready.workflows.get(), {"measured_throughput": None})
        content = facilitator_client.get(decide_url(ready)).content.decode()
        assert warnings_in(content) == ["The prototype's results are still pending."]

    def test_a_hybrids_warnings_say_which_part_they_are_about(self, facilitator_client, workshop):
        hybrid = split_into_hybrid(workshop)
        content = facilitator_client.get(decide_url(workshop)).content.decode()
        assert warnings_in(content) == [
            f"The whole workflow: {NO_TARGET[0].lower()}{NO_TARGET[1:]}",
            "The whole workflow: Batch processing has no risks recorded.",
            f"Part “Cache stream”: {NO_TARGET[0].lower()}{NO_TARGET[1:]}",
            "Part “Cache stream”: Real-time streaming has no risks recorded.",
        ]
        assert hybrid.staging.name not in " ".join(warnings_in(content))  # it is ready

    def test_a_ready_workshop_shows_no_warning_and_accepts_without_a_reason(
        self, facilitator_client, ready
    ):
        content = facilitator_client.get(decide_url(ready)).content.decode()
        assert 'data-testid="accept-warnings"' not in content
        assert 'name="accept_reason"' not in content
        response = facilitator_client.post(decide_url(ready), outcome(ready))
        decision = Decision.objects.get()
        assert response["Location"] == decision.get_absolute_url()
        assert decision.status == "accepted"

    def test_accepting_without_a_reason_is_refused_beside_the_field_keeping_input(
        self, facilitator_client, workflow
    ):
        response = facilitator_client.post(
            decide_url(workflow.workshop),
            outcome(workflow.workshop, rationale="kept as typed", accept_reason="   "),
        )
        content = response.content.decode()
        assert response.status_code == 200
        field = content.split('id="div_id_accept_reason"')[1].split("</section>")[0]
        assert "Say why you accept despite the warnings above" in field
        assert "is-invalid" in field and 'id="error_1_id_accept_reason"' in field
        assert "kept as typed" in content and "Stores see stock a day late." in content
        assert warnings_in(content) == [NO_TARGET, NOTHING_WEIGHED]
        assert not Decision.objects.exists()

    def test_accepting_with_a_reason_keeps_it_in_the_timeline(self, facilitator_client, workflow):
        facilitator_client.post(
            decide_url(workflow.workshop), outcome(workflow.workshop, accept_reason=REASON)
        )
        decision = Decision.objects.get()
        assert decision.status == "accepted"
        assert decision.changes.last().note == REASON
        assert f"Draft → <strong>Accepted</strong> by fiona: {REASON}" in timeline(
            facilitator_client, decision
        )

    @pytest.mark.parametrize("action", ["draft", "proposed"])
    def test_saving_or_proposing_needs_no_reason(self, facilitator_client, workflow, action):
        facilitator_client.post(
            decide_url(workflow.workshop), outcome(workflow.workshop, action=action)
        )
        decision = Decision.objects.get()
        assert decision.status == action
        assert not any(change.note for change in decision.changes.all())

    def test_it_refuses_other_methods(self, facilitator_client, workflow):
        assert facilitator_client.put(decide_url(workflow.workshop)).status_code == 405

    def test_it_returns_404_to_outsiders(self, outsider_client, workflow):
        response = outsider_client.post(
            decide_url(workflow.workshop), outcome(workflow.workshop, accept_reason=REASON)
        )
        assert response.status_code == 404
        assert not Decision.objects.exists()


# --- the record page's status change -----------------------------------------------------------


class TestRecordPage:
    def test_it_warns_before_the_status_change_while_acceptance_is_possible(
        self, facilitator_client, facilitator, workflow
    ):
        decision = record(workflow.workshop, facilitator)
        content = facilitator_client.get(decision.get_absolute_url()).content.decode()
        assert warnings_in(content) == [NO_TARGET, NOTHING_WEIGHED]
        assert content.index("Before you accept") < content.index("Change status</button>")
        assert "Note (to accept: why, despite the warnings)" in content

    def test_accepting_without_a_reason_is_refused_beside_the_note(
        self, facilitator_client, facilitator, workflow
    ):
        decision = record(workflow.workshop, facilitator)
        response = facilitator_client.post(
            status_url(decision), {"to_status": "accepted", "note": ""}
        )
        content = response.content.decode()
        assert response.status_code == 200
        field = content.split('id="div_id_note"')[1].split("Change status</button>")[0]
        assert "Say why you accept despite the warnings above" in field
        assert 'aria-invalid="true"' in field
        assert '<option value="accepted" selected>' in content  # the choice is kept
        assert Decision.objects.get(pk=decision.pk).status == "proposed"

    def test_accepting_with_a_reason_keeps_it_in_the_timeline(
        self, facilitator_client, facilitator, workflow
    ):
        decision = record(workflow.workshop, facilitator)
        response = facilitator_client.post(
            status_url(decision), {"to_status": "accepted", "note": REASON}
        )
        assert response["Location"] == decision.get_absolute_url()
        assert Decision.objects.get(pk=decision.pk).status == "accepted"
        assert f"Proposed → <strong>Accepted</strong> by fiona: {REASON}" in timeline(
            facilitator_client, decision
        )

    @pytest.mark.parametrize("to_status", ["draft", "rejected"])
    def test_other_changes_need_no_reason(
        self, facilitator_client, facilitator, workflow, to_status
    ):
        decision = record(workflow.workshop, facilitator)
        facilitator_client.post(status_url(decision), {"to_status": to_status, "note": ""})
        assert Decision.objects.get(pk=decision.pk).status == to_status

    def test_a_ready_record_is_accepted_without_a_reason(
        self, facilitator_client, facilitator, ready
    ):
        decision = record(ready, facilitator)
        content = facilitator_client.get(decision.get_absolute_url()).content.decode()
        assert 'data-testid="accept-warnings"' not in content
        facilitator_client.post(status_url(decision), {"to_status": "accepted", "note": ""})
        assert Decision.objects.get(pk=decision.pk).status == "accepted"

    def test_it_warns_about_the_record_as_recorded_not_the_workshop_now(
        self, facilitator_client, facilitator, workflow
    ):
        decision = record(workflow.workshop, facilitator)
        # Weighed and proven after the decision was proposed: the record did not change.
        update(
            workflow, {"candidates": ["batch"], "target_throughput": 5, "measured_throughput": 9}
        )
        save_tradeoffs(workflow, "batch", risks=[RISK], cost=COST)
        content = facilitator_client.get(decision.get_absolute_url()).content.decode()
        assert warnings_in(content) == [NO_TARGET, NOTHING_WEIGHED]

    def test_a_hybrid_record_names_the_parts_it_warns_about(
        self, facilitator_client, facilitator, workshop
    ):
        decision = decide_hybrid(split_into_hybrid(workshop), facilitator, status="proposed")
        content = facilitator_client.get(decision.get_absolute_url()).content.decode()
        assert "Part “Cache stream”: Real-time streaming has no risks recorded." in warnings_in(
            content
        )

    def test_an_accepted_record_shows_no_acceptance_warnings(
        self, facilitator_client, facilitator, workflow
    ):
        decision = record(workflow.workshop, facilitator, status="draft")
        facilitator_client.post(status_url(decision), {"to_status": "accepted", "note": REASON})
        content = facilitator_client.get(decision.get_absolute_url()).content.decode()
        assert 'data-testid="accept-warnings"' not in content
        assert '<option value="deprecated">Deprecated</option>' in content

    def test_it_returns_404_to_outsiders(self, outsider_client, facilitator, workflow):
        decision = record(workflow.workshop, facilitator)
        response = outsider_client.post(
            status_url(decision), {"to_status": "accepted", "note": REASON}
        )
        assert response.status_code == 404
        assert Decision.objects.get(pk=decision.pk).status == "proposed"

    def test_it_refuses_other_methods(self, facilitator_client, facilitator, workflow):
        decision = record(workflow.workshop, facilitator)
        assert facilitator_client.get(status_url(decision)).status_code == 405
