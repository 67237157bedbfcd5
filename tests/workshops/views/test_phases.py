"""Saving a phase: the phase forms with and without htmx, conflicts, risks, costs and pitfalls."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.workshops.builders import profile
from workshops.models import Risk, Workflow
from workshops.services.workflows import workflow_update
from workshops.services.workshops import phase_go

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def console_url(workshop) -> str:
    return reverse("workshops:console", kwargs={"workshop_id": workshop.pk})


def phase_url(workshop, workflow, phase: int) -> str:
    return reverse(
        "workshops:phase-save",
        kwargs={"workshop_id": workshop.pk, "workflow_id": workflow.pk, "phase": phase},
    )


def requirements_data(workflow, **overrides) -> dict:
    data = {
        "p1-version": workflow.version,
        "p1-name": workflow.name,
        "p1-description": "Stores send stock levels nightly.",
        "p1-source_system": "Store POS",
        "p1-target_system": "Warehouse DB",
        "p1-latency_value": "12",
        "p1-latency_unit": "hours",
        "p1-volume_value": "2340000",
        "p1-volume_unit": "day",
        "p1-growth_factor": "10",
        "p1-compliance": ["GDPR"],
        "p1-delay_10s": "fine",
        "p1-delay_10m": "fine",
        "p1-delay_1h": "fine",
    }
    data.update(overrides)
    return data


def profile_data(workflow, **overrides) -> dict:
    data = {
        "p2-version": workflow.version,
        "p2-trigger": "scheduled",
        "p2-granularity": "batch",
        "p2-consistency": "strong",
        "p2-failure": "retry",
        "p2-trigger_notes": "Stores close at 22:00.",
    }
    data.update(overrides)
    return data


class TestAccess:
    def test_it_does_not_let_outsiders_save_a_phase(self, outsider_client, workshop, workflow):
        response = outsider_client.post(
            phase_url(workshop, workflow, 1), requirements_data(workflow, **{"p1-name": "Hacked"})
        )
        assert response.status_code == 404
        assert Workflow.objects.get(pk=workflow.pk).name == "Nightly inventory sync"

    def test_it_refuses_get_on_a_save(self, facilitator_client, workshop, workflow):
        assert facilitator_client.get(phase_url(workshop, workflow, 1)).status_code == 405


class TestRequirements:
    def test_it_saves_without_javascript_and_comes_back(
        self, facilitator_client, workshop, workflow
    ):
        response = facilitator_client.post(
            phase_url(workshop, workflow, 1), requirements_data(workflow)
        )
        assert response.status_code == 302
        workflow.refresh_from_db()
        assert workflow.source_system == "Store POS"
        assert workflow.max_latency_seconds == 12 * 3600
        assert workflow.volume_per_day == 2340000
        assert workflow.compliance == ["GDPR"]
        assert workflow.version == 2

    def test_it_autosaves_through_htmx_with_a_saved_state(
        self, facilitator_client, workshop, workflow
    ):
        response = facilitator_client.post(
            phase_url(workshop, workflow, 1), requirements_data(workflow), headers=HTMX
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert "Saved at" in content
        assert "workflow-saved" in json.loads(response["HX-Trigger"])  # refreshes the side panel
        # The form's hidden version moves on with the save, so the next autosave is accepted.
        assert 'id="id_p1-version" name="p1-version" value="2" data-hx-swap-oob="true"' in content

    def test_it_shows_errors_beside_the_field_and_keeps_input(
        self, facilitator_client, workshop, workflow
    ):
        data = requirements_data(workflow, **{"p1-latency_value": "-3", "p1-source_system": "SAP"})
        response = facilitator_client.post(phase_url(workshop, workflow, 1), data)
        content = response.content.decode()
        assert response.status_code == 200
        assert "Enter a latency greater than 0." in content
        assert 'value="SAP"' in content
        assert Workflow.objects.get(pk=workflow.pk).source_system == ""

    def test_it_answers_htmx_with_the_error_beside_the_field(
        self, facilitator_client, workshop, workflow
    ):
        data = requirements_data(workflow, **{"p1-volume_value": "-1"})
        response = facilitator_client.post(phase_url(workshop, workflow, 1), data, headers=HTMX)
        content = response.content.decode()
        assert "HX-Retarget" not in response  # the form is never redrawn under the typist
        assert '<div id="fb_id_p1-volume_value"' in content
        assert "The volume cannot be negative." in content

    def test_it_warns_when_the_stated_latency_disagrees_with_the_answers(
        self, facilitator_client, workshop, workflow
    ):
        data = requirements_data(
            workflow, **{"p1-delay_10m": "unacceptable", "p1-delay_1h": "unacceptable"}
        )
        facilitator_client.post(phase_url(workshop, workflow, 1), data)
        content = facilitator_client.get(console_url(workshop)).content.decode()
        assert 'data-testid="tolerance-warning"' in content
        assert "12 hours" in content

    def test_it_records_the_growth_inputs_beside_the_profile(
        self, facilitator_client, workshop, workflow
    ):
        data = requirements_data(
            workflow,
            **{
                "p1-throughput_estimate": "2000000",
                "p1-batch_window_hours": "4",
                "p1-organisation": "autonomous_teams",
            },
        )
        response = facilitator_client.post(phase_url(workshop, workflow, 1), data, headers=HTMX)
        assert "Saved at" in response.content.decode()
        workflow.refresh_from_db()
        assert workflow.throughput_estimate == 2_000_000
        assert workflow.organisation == "autonomous_teams"
        assert workflow.batch_window_hours == 4

    @pytest.mark.parametrize(
        ("field", "bad", "message"),
        [
            ("throughput_estimate", "0", "Enter a throughput greater than 0 records an hour."),
            ("throughput_estimate", "-5", "Enter a throughput greater than 0 records an hour."),
            ("batch_window_hours", "0", "Enter a window of more than 0 and at most 24 hours."),
            ("batch_window_hours", "25", "Enter a window of more than 0 and at most 24 hours."),
        ],
    )
    def test_it_answers_a_bad_growth_input_beside_the_field(
        self, facilitator_client, workshop, workflow, field, bad, message
    ):
        data = requirements_data(workflow, **{f"p1-{field}": bad})
        response = facilitator_client.post(phase_url(workshop, workflow, 1), data, headers=HTMX)
        content = response.content.decode()
        assert f'<div id="fb_id_p1-{field}"' in content
        assert message in content
        assert getattr(Workflow.objects.get(pk=workflow.pk), field) is None

    def test_it_records_other_compliance_regimes(self, facilitator_client, workshop, workflow):
        data = requirements_data(workflow, **{"p1-compliance_other": "ISO 27001, gdpr"})
        facilitator_client.post(phase_url(workshop, workflow, 1), data)
        assert Workflow.objects.get(pk=workflow.pk).compliance == ["GDPR", "ISO 27001"]


class TestConflicts:
    def test_the_second_save_is_refused_showing_both_values(
        self, client, facilitator, teammate, workshop, workflow
    ):
        first, second = requirements_data(workflow), requirements_data(workflow)
        first["p1-target_system"] = "Warehouse DB"
        second["p1-target_system"] = "Data lake"
        client.force_login(facilitator)
        client.post(phase_url(workshop, workflow, 1), first)
        client.force_login(teammate)
        response = client.post(phase_url(workshop, workflow, 1), second)
        content = response.content.decode()
        assert "Someone else changed this since you opened it." in content
        assert 'data-conflict="target_system"' in content
        assert "Yours: <strong>Data lake</strong>" in content
        assert "saved by someone else: <strong>Warehouse DB</strong>" in content
        assert 'value="Data lake"' in content  # their input is kept
        assert Workflow.objects.get(pk=workflow.pk).target_system == "Warehouse DB"
        # Saving again, now knowingly over the newer version, keeps theirs.
        second["p1-version"] = "2"
        client.post(phase_url(workshop, workflow, 1), second)
        assert Workflow.objects.get(pk=workflow.pk).target_system == "Data lake"

    def test_the_conflict_reaches_htmx_beside_the_fields(
        self, facilitator_client, workshop, workflow
    ):
        stale = requirements_data(workflow)
        facilitator_client.post(phase_url(workshop, workflow, 1), requirements_data(workflow))
        response = facilitator_client.post(phase_url(workshop, workflow, 1), stale, headers=HTMX)
        assert "HX-Retarget" not in response
        assert "Someone else changed this" in response.content.decode()


class TestPhases:
    def test_moving_between_phases_keeps_everything(self, facilitator_client, workshop, workflow):
        facilitator_client.post(phase_url(workshop, workflow, 1), requirements_data(workflow))
        workflow.refresh_from_db()
        facilitator_client.post(
            phase_url(workshop, workflow, 2), {**profile_data(workflow), "go": "3"}
        )
        workshop.refresh_from_db()
        assert workshop.current_phase == 3
        facilitator_client.post(
            reverse("workshops:phase-go", kwargs={"workshop_id": workshop.pk}), {"phase": "1"}
        )
        content = facilitator_client.get(console_url(workshop)).content.decode()
        assert 'value="Store POS"' in content
        workflow.refresh_from_db()
        assert workflow.trigger == "scheduled"
        assert workflow.trigger_notes == "Stores close at 22:00."

    def test_phase_four_saves_risks_and_shows_the_tco_side_by_side(
        self, facilitator_client, workshop, workflow
    ):
        workflow_update(workflow=workflow, version=1, fields={"candidates": ["batch", "streaming"]})
        phase_go(workshop=workshop, phase=4)
        url = reverse(
            "workshops:tradeoff-save",
            kwargs={"workshop_id": workshop.pk, "workflow_id": workflow.pk, "slug": "batch"},
        )
        response = facilitator_client.post(
            url,
            {
                "batch-version": "2",
                "batch-monthly_infrastructure": "500",
                "batch-training": "2000",
                "batch-incident_hours_per_month": "4",
                "batch-hourly_rate": "100",
                "batch-risk1_title": "Window overrun at peak",
                "batch-risk1_likelihood": "4",
                "batch-risk1_impact": "3",
                "batch-risk1_raised_by": "operations",
                "batch-risk1_mitigation": "Partition by region",
                **{
                    f"batch-risk{r}_{f}": v
                    for r in (2, 3)
                    for f, v in (
                        ("title", ""),
                        ("likelihood", "3"),
                        ("impact", "3"),
                        ("raised_by", "engineering"),
                        ("mitigation", ""),
                    )
                },
            },
        )
        assert response.status_code == 302
        risk = Risk.objects.get()
        assert (risk.title, risk.score, risk.raised_by) == (
            "Window overrun at peak",
            12,
            "operations",
        )
        content = facilitator_client.get(console_url(workshop)).content.decode()
        # 36 x 500 + 2,000 + 36 x 4 x 100 = 34,400; streaming at its catalogue default 4,000/month.
        assert "$34,400" in content
        assert "$144,000" in content

    def test_a_pitfall_becomes_a_risk_in_one_click(self, facilitator_client, workshop, workflow):
        profile(workshop, candidates=["streaming"])
        url = reverse(
            "workshops:pitfall-to-risk",
            kwargs={"workshop_id": workshop.pk, "workflow_id": workflow.pk, "slug": "streaming"},
        )
        facilitator_client.post(url, {"pitfall": "over_engineering"})
        risk = Risk.objects.get()
        assert risk.pitfall_slug == "over_engineering"
        assert risk.rank == 1
        assert "Start with Batch processing" in risk.mitigation
