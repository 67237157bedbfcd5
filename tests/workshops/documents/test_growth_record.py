"""A record keeps what growth does to the chosen pattern and when to revisit the decision."""

from __future__ import annotations

import copy
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.workshops.builders import OUTGROWN as BUILT_OUTGROWN
from tests.workshops.builders import decide, profile
from tests.workshops.documents.rich_export import exported, record_pdf
from workshops.documents.json import parse_export
from workshops.models import Decision
from workshops.services.decisions import decision_revisit

pytestmark = pytest.mark.django_db

# The nightly batch: 50 million records a day, 1.2 h of a 4 h window, 10x growth.
OUTGROWN = {**BUILT_OUTGROWN, "organisation": "central_data_team"}
REVISIT = "Revisit when: volume passes 166.7 M records a day; the maximum latency drops below"


@pytest.fixture
def outgrown(workshop, facilitator):
    profile(workshop, **OUTGROWN)
    return decide(workshop, facilitator)


def test_the_snapshot_keeps_the_findings_and_triggers_of_the_chosen_pattern(outgrown):
    (whole,) = outgrown.snapshot["workflows"]
    assert whole["throughput_estimate"] == pytest.approx(50_000_000 / 1.2)
    assert whole["organisation"] == "central_data_team"
    assert [g["slug"] for g in whole["growth"]] == ["batch_window"]
    assert [t["dimension"] for t in whole["revisit"]] == ["volume", "latency"]
    assert whole["revisit_when"].startswith(REVISIT)
    assert whole["tco_along_growth"] is True


def test_the_record_page_lists_the_findings_and_when_to_revisit(facilitator_client, outgrown):
    content = facilitator_client.get(outgrown.get_absolute_url()).content.decode()
    growth = content.split('data-testid="record-growth"')[1].split("</ul>")[0]
    assert "it stops fitting at about 3.3x" in growth
    assert REVISIT in content.split('data-testid="record-revisit"')[1]
    assert "10× it in the thirty-sixth" in content


def test_the_markdown_confirms_with_when_to_revisit(facilitator_client, outgrown):
    url = reverse("workshops:decision-markdown", kwargs={"decision_id": outgrown.pk})
    text = facilitator_client.get(url).content.decode()
    confirmation = text.split("### Confirmation\n")[1]
    assert "* Batch window at growth: A run needs 1.2 h of its 4 h window today" in confirmation
    assert REVISIT in confirmation


def test_the_pdf_prints_when_to_revisit(outgrown):
    reader = PdfReader(BytesIO(record_pdf(outgrown)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Revisit when: volume passes 166.7 M records a day" in text


def test_an_export_with_the_growth_keys_imports_and_one_without_them_too(outgrown):
    document = exported(outgrown)
    parse_export(document)  # the new keys are known to the import
    for workflow in document["snapshot"]["workflows"]:
        for key in ("growth", "revisit", "revisit_when", "tco_along_growth"):
            del workflow[key]
        del workflow["throughput_estimate"], workflow["organisation"]
        del workflow["batch_window_hours"]
    parse_export(document)  # and an older export, which lacks them, still does


def test_a_revisit_starts_from_the_recorded_throughput_and_organisation(outgrown, facilitator):
    workshop = decision_revisit(decision=outgrown, by=facilitator)
    workflow = workshop.workflows.get()
    assert workflow.throughput_estimate == pytest.approx(50_000_000 / 1.2)
    assert workflow.organisation == "central_data_team"
    assert workflow.batch_window_hours == 4


def test_a_revisit_of_an_older_record_finds_the_window_with_the_targets(outgrown, facilitator):
    older = copy.deepcopy(outgrown.snapshot)
    del older["workflows"][0]["batch_window_hours"]  # records from before phase 1 asked it
    Decision.objects.filter(pk=outgrown.pk).update(snapshot=older)
    outgrown.refresh_from_db()
    workshop = decision_revisit(decision=outgrown, by=facilitator)
    assert workshop.workflows.get().batch_window_hours == 4
