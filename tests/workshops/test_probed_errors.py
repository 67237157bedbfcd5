"""Server errors found by probing the console and the history: each now answers a message
beside its field, or simply works."""

from __future__ import annotations

import threading
from datetime import date
from io import BytesIO

import pytest
from django.db import close_old_connections
from django.urls import reverse
from pypdf import PdfReader

from tests.workshops.builders import decide
from tests.workshops.views.test_autosave import HTMX, phase_url
from workshops.models import Decision, Risk, Workflow
from workshops.services.decisions import (
    decision_record,
    decision_revisit,
    decision_transition,
)
from workshops.services.workflows import risk_from_pitfall, workflow_split, workflow_update
from workshops.services.workshops import phase_go

pytestmark = pytest.mark.django_db


def split_url(workshop) -> str:
    return reverse("workshops:workflow-split", kwargs={"workshop_id": workshop.pk})


class TestHugeNumbers:
    def test_a_latency_of_1e308_days_is_refused_beside_the_field(
        self, facilitator_client, workflow
    ):
        data = {
            "p1-version": workflow.version,
            "p1-name": workflow.name,
            "p1-latency_value": "1e308",
            "p1-latency_unit": "days",
        }
        response = facilitator_client.post(phase_url(workflow, 1), data, headers=HTMX)
        content = response.content.decode()
        assert "Enter a number up to 1,000,000,000,000." in content
        assert Workflow.objects.get(pk=workflow.pk).latency_value is None

    def test_the_largest_figure_still_decides(self, facilitator_client, workshop, workflow):
        data = {
            "p1-version": workflow.version,
            "p1-name": workflow.name,
            "p1-latency_value": "1000000000000",
            "p1-latency_unit": "days",
            "p1-volume_value": "1000000000000",
            "p1-volume_unit": "hour",
        }
        facilitator_client.post(phase_url(workflow, 1), data)
        workflow.refresh_from_db()
        assert workflow.latency_value == 10**12
        decide = reverse("workshops:decide", kwargs={"workshop_id": workshop.pk})
        response = facilitator_client.post(
            decide,
            {
                f"chosen_{workflow.pk}": "batch",
                "rationale": "it fits",
                "review_date": "2099-01-01",
                "action": "draft",
            },
        )
        assert response.status_code == 302
        assert Decision.objects.get().snapshot["workflows"][0]["max_latency_seconds"] > 0


class TestRiskPitfallField:
    def test_a_forged_pitfall_longer_than_its_column_is_dropped(
        self, facilitator_client, workshop, workflow
    ):
        workflow_update(workflow=workflow, version=1, fields={"candidates": ["batch"]})
        phase_go(workshop=workshop, phase=4)
        url = reverse(
            "workshops:tradeoff-save",
            kwargs={"workshop_id": workshop.pk, "workflow_id": workflow.pk, "slug": "batch"},
        )
        data = {
            "batch-version": "2",
            "batch-monthly_infrastructure": "500",
            "batch-training": "0",
            "batch-incident_hours_per_month": "0",
            "batch-hourly_rate": "100",
            "batch-risk1_title": "Window overrun",
            "batch-risk1_likelihood": "3",
            "batch-risk1_impact": "3",
            "batch-risk1_raised_by": "operations",
            "batch-risk1_pitfall": "x" * 51 + "<script>",
        }
        for rank in (2, 3):
            data |= {
                f"batch-risk{rank}_title": "",
                f"batch-risk{rank}_likelihood": "3",
                f"batch-risk{rank}_impact": "3",
                f"batch-risk{rank}_raised_by": "engineering",
            }
        response = facilitator_client.post(url, data)
        assert response.status_code == 302
        risk = Risk.objects.get()
        assert (risk.title, risk.pitfall_slug) == ("Window overrun", "")


class TestPitfallClickedTwice:
    def test_the_same_pitfall_is_added_once(self, workflow):
        workflow_update(workflow=workflow, version=1, fields={"candidates": ["streaming"]})
        for _ in range(2):
            risk_from_pitfall(
                workflow=workflow,
                pattern_slug="streaming",
                pitfall_slug="observability",
                title="Low observability",
                mitigation="Add tracing.",
            )
        assert Risk.objects.count() == 1

    @pytest.mark.django_db(transaction=True)
    def test_two_clicks_at_once_both_answer_and_add_one_risk(self, workflow):
        # A race shows up only now and then: many pairs of simultaneous clicks, one part each.
        parts = workflow_split(workflow=workflow, names=tuple(f"Part {n}" for n in range(40)))
        errors: list[BaseException] = []

        def click(part: Workflow, start: threading.Barrier) -> None:
            try:
                start.wait()
                risk_from_pitfall(
                    workflow=part,
                    pattern_slug="streaming",
                    pitfall_slug="observability",
                    title="Low observability",
                    mitigation="Add tracing.",
                )
            except BaseException as error:  # noqa: BLE001 - the test reports any failure
                errors.append(error)
            finally:
                close_old_connections()

        for part in parts:
            start = threading.Barrier(2)
            threads = [threading.Thread(target=click, args=(part, start)) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert errors == []
        assert Risk.objects.count() == len(parts)
        assert set(Risk.objects.values_list("rank", flat=True)) == {1}


class TestSplit:
    def test_empty_part_names_are_refused_beside_their_fields(
        self, facilitator_client, workshop, workflow
    ):
        response = facilitator_client.post(split_url(workshop), {"first": "Load", "second": "  "})
        content = response.content.decode()
        assert response.status_code == 200
        assert "Give this part a name." in content
        assert 'value="Load"' in content  # what was typed stays
        assert not workflow.parts.exists()

    def test_a_nul_byte_in_a_name_is_refused(self, facilitator_client, workshop, workflow):
        response = facilitator_client.post(
            split_url(workshop), {"first": "Load\x00", "second": "Serve"}
        )
        assert response.status_code == 200
        assert "Null characters are not allowed." in response.content.decode()
        assert not workflow.parts.exists()

    def test_a_second_split_adds_one_part(self, facilitator_client, workshop, workflow):
        workflow_split(workflow=workflow, names=("Load", "Serve"))
        phase_go(workshop=workshop, phase=3)
        page = facilitator_client.get(workshop.get_absolute_url())
        assert "Add a part" in page.content.decode()
        facilitator_client.post(split_url(workshop), {"first": "Archive"})
        names = list(workflow.parts.order_by("position").values_list("name", flat=True))
        assert names == ["Load", "Serve", "Archive"]

    def test_removing_a_part_asks_first(self, facilitator_client, workshop, workflow):
        part, _ = workflow_split(workflow=workflow, names=("Load", "Serve"))
        phase_go(workshop=workshop, phase=3)
        page = facilitator_client.get(f"{workshop.get_absolute_url()}?part={part.pk}")
        content = page.content.decode()
        assert "<summary" in content and "Remove this part…" in content
        assert "Remove “Load” and everything entered in it" in content


class TestHistoryDates:
    @pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
    def test_the_ends_of_the_calendar_are_refused_beside_the_field(
        self, facilitator_client, team, facilitator, day
    ):
        decide(team, facilitator, "Nightly sync", status="draft")
        for name in ("to", "from"):
            response = facilitator_client.get(reverse("workshops:decision-list"), {name: day})
            content = response.content.decode()
            assert response.status_code == 200
            assert "Pick a date between 1 Jan 1900 and 31 Dec 2999." in content
            assert "Nightly sync" in content  # the invalid filter is not applied
            csv = facilitator_client.get(reverse("workshops:decision-csv"), {name: day})
            assert "Nightly sync" in b"".join(csv.streaming_content).decode()


class TestSupersededRecord:
    def test_a_rejected_successor_shows_as_rejected_on_the_older_record_and_its_pdf(
        self, facilitator_client, team, facilitator
    ):
        old = decide(team, facilitator, "Nightly sync")
        workshop = decision_revisit(decision=old, by=facilitator)
        newer = decision_record(
            workshop=workshop,
            by=facilitator,
            chosen={workshop.workflows.get().pk: "streaming"},
            rationale="volumes grew",
            consequences="",
            review_date=date(2099, 1, 1),
        )
        decision_transition(decision=newer, to_status="proposed", by=facilitator)
        pdf_url = reverse("workshops:decision-pdf", kwargs={"decision_id": old.pk})
        # Both drawn (and kept) while the successor is proposed.
        assert "(proposed)" in facilitator_client.get(old.get_absolute_url()).content.decode()
        assert "(proposed)" in pdf_text(facilitator_client.get(pdf_url).content)

        decision_transition(decision=newer, to_status="rejected", by=facilitator)
        page = facilitator_client.get(old.get_absolute_url()).content.decode()
        assert "(rejected)" in page
        assert "(proposed)" not in page
        pdf = pdf_text(facilitator_client.get(pdf_url).content)
        assert "(rejected)" in pdf
        assert "(proposed)" not in pdf


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_a_pitfall_of_a_candidate_gone_from_the_catalogue_is_not_found(
    facilitator_client, workshop, workflow
):
    workflow_update(workflow=workflow, version=workflow.version, fields={"candidates": ["gone"]})
    url = reverse(
        "workshops:pitfall-to-risk",
        kwargs={"workshop_id": workshop.pk, "workflow_id": workflow.pk, "slug": "gone"},
    )
    assert facilitator_client.post(url, {"pitfall": "observability"}).status_code == 404
    assert not Risk.objects.exists()
