"""Figures noted since the decision travel with its export, beside the snapshot, and come
back on import with the decision due for review as it was."""

from __future__ import annotations

import copy
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.workshops.builders import OUTGROWN, decide, profile
from tests.workshops.documents.rich_export import exported, record_pdf
from workshops.documents.export_schema import DecisionExportDocument
from workshops.documents.json import InvalidExport, parse_export
from workshops.services.decisions import decision_import, figure_note_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def noted(workshop, facilitator):
    profile(workshop, **OUTGROWN)
    decision = decide(workshop, facilitator)
    today = timezone.localdate()
    figure_note_add(decision=decision, by=facilitator, noted_on=today, consumers=4)
    figure_note_add(
        decision=decision,
        by=facilitator,
        noted_on=today,
        volume_value=9_000_000,
        volume_unit="hour",
        text="Peak season: # not a heading",
    )
    decision.refresh_from_db()
    assert decision.noted_review_due is True  # 216 M records a day passes 166.7 M
    return decision


def test_the_export_carries_the_notes_beside_the_snapshot(noted, facilitator):
    data = exported(noted)
    DecisionExportDocument.model_validate(data)
    assert [n["consumers"] for n in data["figure_notes"]] == [4, None]
    second = data["figure_notes"][1]
    assert second["volume"] == {"value": 9_000_000, "unit": "hour"}
    assert second["latency"] is None
    assert second["by"] == facilitator.get_username()
    assert second["note"] == "Peak season: # not a heading"
    assert "figure_notes" not in data["snapshot"]


def test_a_decision_without_notes_exports_as_it_always_did(decision):
    assert "figure_notes" not in exported(decision)


def test_an_import_brings_the_notes_back_and_the_review_due(noted, other_team, outsider):
    imported = decision_import(data=exported(noted), team=other_team, user=outsider)
    assert imported.noted_review_due is True
    assert [(n.consumers, n.volume_value, n.text) for n in imported.figure_notes.all()] == [
        (4, None, ""),
        (None, 9_000_000, "Peak season: # not a heading"),
    ]
    # The author has an account here: the note is theirs; the export reads back the same.
    assert exported(imported)["figure_notes"] == exported(noted)["figure_notes"]


def test_an_import_refuses_a_note_about_a_workflow_the_record_lacks(noted):
    data = exported(noted)
    data["figure_notes"][0]["workflow"] = 1
    with pytest.raises(InvalidExport, match=r'"figure_notes\[0\].workflow" is 1, but the record'):
        parse_export(data)


def test_an_import_refuses_a_note_without_a_figure(noted):
    data = exported(noted)
    data["figure_notes"][0]["consumers"] = None
    with pytest.raises(InvalidExport, match="notes no figure"):
        parse_export(data)


def test_an_export_from_before_notes_still_imports(noted, other_team, outsider):
    data = copy.deepcopy(exported(noted))
    del data["figure_notes"]
    imported = decision_import(data=data, team=other_team, user=outsider)
    assert imported.noted_review_due is False
    assert not imported.figure_notes.exists()


def test_the_markdown_lists_the_notes_and_what_they_cross(facilitator_client, noted):
    url = reverse("workshops:decision-markdown", kwargs={"decision_id": noted.pk})
    text = facilitator_client.get(url).content.decode()
    more = text.split("## More Information\n")[1].split("\n## ")[0]
    assert "4 consumers." in more
    assert "volume 216 M records a day — Peak season: # not a heading." in more
    assert "* Due for review: volume passes 166.7 M records a day — 216 M records a day" in more


def test_the_pdf_prints_the_notes_and_attaches_them(noted):
    reader = PdfReader(BytesIO(record_pdf(noted)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Figures noted since the decision" in " ".join(text.split())
    assert "Due for review" in text
