"""The console's autosave: an answer never redraws an input, every save lands in its own
workflow part, and a refused save says so and keeps what the person typed."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from workshops.models import Risk, Workflow
from workshops.services.workflows import workflow_split, workflow_update
from workshops.services.workshops import phase_go

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def phase_url(workflow, phase: int) -> str:
    return reverse(
        "workshops:phase-save",
        kwargs={"workshop_id": workflow.workshop_id, "workflow_id": workflow.pk, "phase": phase},
    )


def tradeoff_url(workflow, slug: str) -> str:
    return reverse(
        "workshops:tradeoff-save",
        kwargs={"workshop_id": workflow.workshop_id, "workflow_id": workflow.pk, "slug": slug},
    )


def requirements(workflow, **overrides) -> dict:
    return {
        "p1-version": workflow.version,
        "p1-name": workflow.name,
        "p1-source_system": "Store POS",
        "p1-latency_value": "12",
        "p1-latency_unit": "hours",
        "p1-volume_value": "20000",
        "p1-volume_unit": "day",
        "p1-growth_factor": "3",
        **overrides,
    }


def validation(workflow, **overrides) -> dict:
    return {
        "p5-version": workflow.version,
        "p5-target_p95_seconds": "0.15",
        "p5-target_throughput": "1800",
        **overrides,
    }


def tradeoffs(workflow, slug: str = "batch", **overrides) -> dict:
    data = {
        f"{slug}-version": workflow.version,
        f"{slug}-monthly_infrastructure": "500",
        f"{slug}-training": "0",
        f"{slug}-incident_hours_per_month": "0",
        f"{slug}-hourly_rate": "100",
    }
    for rank in (1, 2, 3):
        data |= {
            f"{slug}-risk{rank}_title": "",
            f"{slug}-risk{rank}_likelihood": "3",
            f"{slug}-risk{rank}_impact": "3",
            f"{slug}-risk{rank}_raised_by": "engineering",
            f"{slug}-risk{rank}_mitigation": "",
        }
    return data | overrides


def inputs_in(content: str) -> list[str]:
    """The names of the visible inputs an answer would draw (hidden versions excluded)."""
    return [
        name
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", content)
        if 'type="hidden"' not in tag
        for name in re.findall(r'name="([^"]+)"', tag)
    ]


def feedback(content: str, auto_id: str) -> str:
    """The feedback element an answer swaps in beside the field `auto_id`."""
    match = re.search(
        rf'<div id="fb_{re.escape(auto_id)}"[^>]*>(.*?)</div>(?=\s*<div id="fb_|\s*$)',
        content,
        re.S,
    )
    assert match, f"no feedback for {auto_id}"
    return match.group(0)


class TestARefusedSave:
    def test_it_says_not_saved_and_how_many_fields_need_attention(
        self, facilitator_client, workflow
    ):
        data = requirements(workflow, **{"p1-latency_value": "-5", "p1-volume_value": "-1"})
        response = facilitator_client.post(phase_url(workflow, 1), data, headers=HTMX)
        content = response.content.decode()
        assert response.status_code == 200
        assert "Not saved — 2 fields need attention" in content
        assert "HX-Trigger" not in response  # nothing changed: the side panel stays as it is
        assert Workflow.objects.get(pk=workflow.pk).version == workflow.version

    def test_one_field_reads_in_the_singular(self, facilitator_client, workflow):
        data = requirements(workflow, **{"p1-latency_value": "-5"})
        content = facilitator_client.post(phase_url(workflow, 1), data, headers=HTMX)
        assert "Not saved — 1 field needs attention" in content.content.decode()

    def test_it_puts_each_error_beside_its_field_and_redraws_no_input(
        self, facilitator_client, workflow
    ):
        data = requirements(workflow, **{"p1-latency_value": "-5"})
        content = facilitator_client.post(phase_url(workflow, 1), data, headers=HTMX)
        content = content.content.decode()
        assert "Enter a latency greater than 0." in feedback(content, "id_p1-latency_value")
        assert 'data-hx-swap-oob="true"' in feedback(content, "id_p1-latency_value")
        # A field without error gets an empty feedback: an error shown earlier goes away.
        assert "invalid-feedback" not in feedback(content, "id_p1-volume_value")
        # The person may be typing in any of the inputs: none of them is in the answer.
        assert inputs_in(content) == []

    def test_fixing_the_field_saves_and_clears_its_error(self, facilitator_client, workflow):
        facilitator_client.post(
            phase_url(workflow, 1),
            requirements(workflow, **{"p1-latency_value": "-5"}),
            headers=HTMX,
        )
        response = facilitator_client.post(
            phase_url(workflow, 1), requirements(workflow), headers=HTMX
        )
        content = response.content.decode()
        assert "Saved at" in content
        assert "workflow-saved" in json.loads(response["HX-Trigger"])
        assert "invalid-feedback" not in feedback(content, "id_p1-latency_value")
        assert inputs_in(content) == []
        saved = Workflow.objects.get(pk=workflow.pk)
        assert (saved.latency_value, saved.volume_value, saved.growth_factor) == (12, 20000, 3)

    def test_a_conflict_shows_both_values_and_carries_the_newer_version(
        self, facilitator_client, workflow
    ):
        stale = requirements(workflow, **{"p1-source_system": "Mine"})
        workflow_update(
            workflow=workflow, version=workflow.version, fields={"source_system": "Theirs"}
        )
        response = facilitator_client.post(phase_url(workflow, 1), stale, headers=HTMX)
        content = response.content.decode()
        assert "Not saved — someone else changed this" in content
        assert "Yours: <strong>Mine</strong>" in feedback(content, "id_p1-source_system")
        assert "saved by someone else: <strong>Theirs</strong>" in content
        assert 'id="id_p1-version" name="p1-version" value="2" data-hx-swap-oob="true"' in content
        assert inputs_in(content) == []
        assert Workflow.objects.get(pk=workflow.pk).source_system == "Theirs"


class TestParts:
    def test_a_save_after_an_error_lands_in_its_part(self, facilitator_client, workflow):
        whole = workflow
        part, _ = workflow_split(workflow=whole, names=("Load", "Serve"))
        refused = facilitator_client.post(
            phase_url(part, 5),
            validation(part, **{"p5-target_p95_seconds": "-1"}),
            headers=HTMX,
        )
        assert "Not saved — 1 field needs attention" in refused.content.decode()
        saved = facilitator_client.post(phase_url(part, 5), validation(part), headers=HTMX)
        assert "Saved at" in saved.content.decode()
        part.refresh_from_db()
        whole.refresh_from_db()
        assert (part.target_p95_seconds, part.target_throughput) == (0.15, 1800)
        assert (whole.target_p95_seconds, whole.target_throughput) == (None, None)
        # Nothing in the answers points the form at another workflow.
        assert f"/workflows/{whole.pk}/" not in refused.content.decode() + saved.content.decode()


class TestASaveFromAnotherPhase:
    """The facilitator (or someone else) moved the workshop on while a save was under way."""

    @pytest.mark.parametrize("phase", [1, 5])
    def test_an_invalid_value_is_refused_with_the_error_beside_it(
        self, facilitator_client, workshop, workflow, phase
    ):
        phase_go(workshop=workshop, phase=3)
        data = (
            requirements(workflow, **{"p1-latency_value": "-5"})
            if phase == 1
            else validation(workflow, **{"p5-target_throughput": "-5"})
        )
        response = facilitator_client.post(phase_url(workflow, phase), data, headers=HTMX)
        assert response.status_code == 200
        assert "Not saved — 1 field needs attention" in response.content.decode()

    def test_a_stale_copy_gets_the_changed_by_someone_else_answer(
        self, facilitator_client, workshop, workflow
    ):
        stale = validation(workflow, **{"p5-target_throughput": "900"})
        workflow_update(
            workflow=workflow, version=workflow.version, fields={"target_throughput": 1200}
        )
        phase_go(workshop=workshop, phase=2)
        content = facilitator_client.post(phase_url(workflow, 5), stale, headers=HTMX)
        content = content.content.decode()
        assert "Not saved — someone else changed this" in content
        assert "Yours: <strong>900</strong>" in content
        assert "saved by someone else: <strong>1200</strong>" in content

    @pytest.mark.parametrize("phase", [1, 5])
    def test_without_javascript_the_page_shows_that_phase_with_the_text_kept(
        self, facilitator_client, workshop, workflow, phase
    ):
        phase_go(workshop=workshop, phase=3)
        data = (
            requirements(workflow, **{"p1-latency_value": "-5", "p1-source_system": "Kept"})
            if phase == 1
            else validation(
                workflow, **{"p5-target_throughput": "-5", "p5-prototype_data_subset": "Kept"}
            )
        )
        response = facilitator_client.post(phase_url(workflow, phase), data)
        content = response.content.decode()
        assert response.status_code == 200
        assert "Kept" in content
        assert response.context["phase"] == phase


class TestTradeoffs:
    def test_a_refused_risk_puts_its_error_beside_it_and_keeps_every_version(
        self, facilitator_client, workshop, workflow
    ):
        workflow_update(
            workflow=workflow,
            version=workflow.version,
            fields={"candidates": ["batch", "streaming"]},
        )
        workflow.refresh_from_db()
        phase_go(workshop=workshop, phase=4)
        data = tradeoffs(workflow, **{"batch-risk1_mitigation": "Partition by region"})
        response = facilitator_client.post(tradeoff_url(workflow, "batch"), data, headers=HTMX)
        content = response.content.decode()
        assert "Not saved — 1 field needs attention" in content
        assert "Name the risk this mitigation is for." in feedback(content, "id_batch-risk1_title")
        assert inputs_in(content) == []
        for slug in ("batch", "streaming"):
            assert f'id="id_{slug}-version" name="{slug}-version" value="2"' in content
        assert not Risk.objects.exists()


def test_numbers_come_back_as_they_were_typed(facilitator_client, workshop, workflow):
    data = requirements(workflow, **{"p1-volume_value": "5000000", "p1-latency_value": "0.5"})
    facilitator_client.post(phase_url(workflow, 1), data)
    content = facilitator_client.get(workshop.get_absolute_url()).content.decode()
    assert 'name="p1-volume_value" value="5000000"' in content
    assert 'name="p1-latency_value" value="0.5"' in content
    assert "5000000.0" not in content
