"""The decide page, the decision record page, its status form, revisiting and superseding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.workshops.builders import DANA, decide, profile, save_risk
from workshops.models import Decision, StatusChange, Workshop
from workshops.services.decisions import decision_transition
from workshops.services.workflows import workflow_update

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate() + timedelta(days=365)


@pytest.fixture
def profiled(workshop):
    return profile(
        workshop,
        people=[DANA],
        description="Stock levels <b>nightly</b>",
        source_system="Store POS",
        target_system="Warehouse DB",
    )


def decide_url(workshop) -> str:
    return reverse("workshops:decide", kwargs={"workshop_id": workshop.pk})


class TestDecide:
    def test_it_preselects_the_candidate_and_a_review_date_a_year_ahead(
        self, facilitator_client, profiled
    ):
        response = facilitator_client.get(decide_url(profiled))
        form = response.context["form"]
        assert form[f"chosen_{profiled.workflows.get().pk}"].value() == "batch"
        assert form["review_date"].value() == NEXT_YEAR

    def test_it_records_an_accepted_decision(self, facilitator_client, facilitator, profiled):
        workflow = profiled.workflows.get()
        response = facilitator_client.post(
            decide_url(profiled),
            {
                f"chosen_{workflow.pk}": "batch",
                "rationale": "it fits the nightly window.",
                "consequences": "",
                "review_date": NEXT_YEAR.isoformat(),
                # Nothing was prototyped and no risk recorded: accepting needs a reason.
                "accept_reason": "The nightly run already works this way.",
                "action": "accepted",
            },
        )
        decision = Decision.objects.get()
        assert response["Location"] == decision.get_absolute_url()
        assert decision.status == "accepted"
        assert decision.chosen_pattern == "batch"
        assert decision.decided_at is not None
        assert decision.snapshot["workflows"][0]["chosen"] == {
            "pattern": "batch",
            "name": "Batch processing",
        }
        assert decision.snapshot["people"]["decision_makers"] == [
            {"name": "Dana", "role": "Operations"}
        ]
        assert [(c.from_status, c.to_status) for c in decision.changes.all()] == [
            ("", "draft"),
            ("draft", "accepted"),
        ]
        assert all(c.changed_by == facilitator for c in decision.changes.all())
        assert Workshop.objects.get(pk=profiled.pk).status == "decided"

    def test_it_keeps_input_and_explains_what_is_missing(self, facilitator_client, profiled):
        workflow = profiled.workflows.get()
        response = facilitator_client.post(
            decide_url(profiled),
            {
                f"chosen_{workflow.pk}": "streaming",
                "rationale": "",
                "consequences": "Keep me",
                "review_date": "2001-01-01",
                "action": "accepted",
            },
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert "This field is required." in content
        assert "Pick a review date in the future." in content
        assert "Keep me" in content
        assert not Decision.objects.exists()

    def test_it_returns_404_to_outsiders(self, outsider_client, profiled):
        assert outsider_client.get(decide_url(profiled)).status_code == 404
        response = outsider_client.post(
            decide_url(profiled), {"rationale": "x", "action": "accepted"}
        )
        assert response.status_code == 404
        assert not Decision.objects.exists()


class TestRecordPage:
    def test_it_names_the_profile_values_as_people_read_them(
        self, facilitator_client, facilitator, profiled
    ):
        decision = decide(profiled, facilitator)
        content = facilitator_client.get(decision.get_absolute_url()).content.decode()
        drivers = content.split('aria-label="Decision drivers"')[1].split("</table>")[0]
        assert "Scheduled (pull)" in drivers
        assert "Batch (file or table)" in drivers
        assert ">retry<" not in drivers and ">Retry<" in drivers

    def test_it_names_who_raised_each_risk_as_people_read_it(
        self, facilitator_client, facilitator, profiled
    ):
        save_risk(
            profiled.workflows.get(), title="Late file", mitigation="Alert", raised_by="operations"
        )
        decision = decide(profiled, facilitator)
        content = facilitator_client.get(decision.get_absolute_url()).content.decode()
        table = content.split('aria-label="Risks of Batch processing"')[1].split("</table>")[0]
        assert "<td>Operations</td>" in table
        assert "<td>operations</td>" not in table

    def test_it_shows_the_record_in_madr_order(self, facilitator_client, facilitator, profiled):
        decision = decide(
            profiled, facilitator, rationale="it meets the nightly window at the lowest cost."
        )
        content = facilitator_client.get(decision.get_absolute_url()).content.decode()
        order = [
            "Decision-makers",
            "Context and problem",
            "Decision drivers",
            "Considered options",
            "Decision outcome",
            "Risks of Batch processing",
            "Three-year cost of ownership",
            "Confirmation",
            "Consequences",
            "Review by",
            "Timeline",
        ]
        positions = [content.index(heading) for heading in order]
        assert positions == sorted(positions)
        assert (
            'Chosen option: <strong><a href="/patterns/batch/">Batch processing</a></strong>, '
            "because it meets" in content
        )

    def test_it_escapes_what_people_typed(self, facilitator_client, facilitator, profiled):
        decision = decide(profiled, facilitator)
        content = facilitator_client.get(decision.get_absolute_url()).content.decode()
        assert "Stock levels &lt;b&gt;nightly&lt;/b&gt;" in content
        assert "<b>nightly</b>" not in content

    def test_it_returns_404_to_outsiders(self, outsider_client, facilitator, profiled):
        decision = decide(profiled, facilitator)
        assert outsider_client.get(decision.get_absolute_url()).status_code == 404

    def test_it_costs_the_same_queries_with_3_or_300_status_changes(
        self, facilitator_client, facilitator, profiled, django_assert_max_num_queries
    ):
        decision = decide(profiled, facilitator)

        def add_changes(count: int) -> None:
            StatusChange.objects.bulk_create(
                StatusChange(
                    decision=decision,
                    from_status="accepted",
                    to_status="accepted",
                    changed_by=facilitator,
                    changed_at=timezone.now(),
                    note=f"note {n}",
                )
                for n in range(count)
            )
            # As decision_transition does with every change it records.
            Decision.objects.filter(pk=decision.pk).update(updated_at=timezone.now())

        add_changes(1)  # 3 in all with the two real ones
        # The record and the empty figures form are drawn (each new version of the record
        # draws both again) and kept in the database cache: its reads and writes count here.
        with django_assert_max_num_queries(19) as small:
            facilitator_client.get(decision.get_absolute_url())
        add_changes(297)
        with django_assert_max_num_queries(len(small)):
            response = facilitator_client.get(decision.get_absolute_url())
        assert response.content.decode().count("note ") >= 298
        # Unchanged since, the record is drawn from the cache: no timeline queries at all.
        with django_assert_max_num_queries(len(small) - 2):
            again = facilitator_client.get(decision.get_absolute_url())
        assert again.content.decode().count("note ") >= 298


class TestLifecycle:
    def test_a_change_is_dated_attributed_and_shown(
        self, facilitator_client, facilitator, teammate, profiled
    ):
        decision = decide(profiled, facilitator, status="proposed")
        decision_transition(
            decision=decision, to_status="accepted", by=teammate, note="Agreed in the review."
        )
        content = facilitator_client.get(decision.get_absolute_url()).content.decode()
        assert "Proposed → <strong>Accepted</strong> by tariq: Agreed in the review." in content

    def test_the_status_form_refuses_a_change_it_does_not_offer(
        self, facilitator_client, facilitator, profiled
    ):
        decision = decide(profiled, facilitator)
        url = reverse("workshops:decision-status", kwargs={"decision_id": decision.pk})
        facilitator_client.post(url, {"to_status": "draft"})
        assert Decision.objects.get(pk=decision.pk).status == "accepted"
        facilitator_client.post(url, {"to_status": "deprecated", "note": "Replaced by CDC"})
        assert Decision.objects.get(pk=decision.pk).status == "deprecated"

    def test_an_accepted_record_is_frozen(self, facilitator_client, facilitator, profiled):
        decision = decide(profiled, facilitator)
        workflow = profiled.workflows.get()
        workflow_update(
            workflow=workflow, version=workflow.version, fields={"source_system": "SAP"}
        )
        decision.refresh_from_db()
        assert decision.snapshot["workflows"][0]["source_system"] == "Store POS"
        with pytest.raises(ValidationError):
            decide(profiled, facilitator)
        response = facilitator_client.get(decide_url(profiled))
        assert response["Location"] == decision.get_absolute_url()


class TestRevisit:
    def test_revisiting_prefills_a_workshop_that_supersedes_when_accepted(
        self, facilitator_client, facilitator, profiled
    ):
        old = decide(profiled, facilitator)
        url = reverse("workshops:decision-revisit", kwargs={"decision_id": old.pk})
        response = facilitator_client.post(url)
        new_workshop = Workshop.objects.exclude(pk=profiled.pk).get()
        assert response["Location"] == new_workshop.get_absolute_url()
        assert new_workshop.revisits == old
        workflow = new_workshop.workflows.get()
        assert (workflow.source_system, workflow.trigger, workflow.latency_value) == (
            "Store POS",
            "scheduled",
            24,
        )

        new = decide(new_workshop, facilitator, pattern="streaming", status="proposed")
        assert Decision.objects.get(pk=old.pk).status == "accepted"  # not until accepted
        decision_transition(decision=new, to_status="accepted", by=facilitator)
        old.refresh_from_db()
        assert old.status == "superseded"
        assert old.changes.last().note == f"Superseded by “{new.title}”."
        old_page = facilitator_client.get(old.get_absolute_url()).content.decode()
        new_page = facilitator_client.get(new.get_absolute_url()).content.decode()
        assert new.get_absolute_url() in old_page
        assert old.get_absolute_url() in new_page

    def test_outsiders_cannot_revisit(self, outsider_client, facilitator, profiled):
        old = decide(profiled, facilitator)
        url = reverse("workshops:decision-revisit", kwargs={"decision_id": old.pk})
        assert outsider_client.post(url).status_code == 404
        assert Workshop.objects.count() == 1
