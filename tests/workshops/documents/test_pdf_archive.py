"""The PDF as archives and assistive technology read it: tagged PDF/A-3b declaring PDF/UA-1,
its metadata and dates, its language and title, and decision.json as its associated file.

veraPDF (the reference validator, a Java tool) is on none of the registries this project
reaches, so these tests check with pypdf what the two standards ask that can be read from
the file: they do not replace a validator."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.workshops.builders import DANA, decide, profile
from workshops.documents import pdf as pdf_module
from workshops.documents.pdf import attached_export, workshop_draft_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(workshop, facilitator):
    return decide(profile(workshop, people=[DANA]), facilitator)


def catalog(content: bytes):
    return PdfReader(BytesIO(content)).trailer["/Root"]


def xmp(content: bytes) -> str:
    return PdfReader(BytesIO(content)).xmp_metadata.stream.get_data().decode()


def pdf_date(moment) -> str:
    return "D:" + moment.astimezone(pdf_module.UTC).strftime("%Y%m%d%H%M%SZ")


def assert_tagged_archive(content: bytes, title: str) -> None:
    root = catalog(content)
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    assert root["/StructTreeRoot"].get_object()["/K"], "the structure tree has content"
    assert root["/Lang"] == "en"
    # Viewers show the title, not the file name.
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    metadata = xmp(content)
    assert 'pdfaid:part="3"' in metadata and 'pdfaid:conformance="B"' in metadata
    assert 'pdfuaid:part="1"' in metadata
    assert f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in metadata
    assert PdfReader(BytesIO(content)).metadata.title == title


class TestRecord:
    def test_it_is_a_tagged_pdf_a3b_that_declares_pdf_ua1(self, decision):
        assert_tagged_archive(
            pdf_module.decision_pdf(decision), "Nightly inventory sync — decision record"
        )

    def test_its_dates_are_the_decisions_and_a_redraw_gives_the_same_file(self, decision):
        first = pdf_module.decision_pdf(decision)
        info = PdfReader(BytesIO(first)).metadata
        assert info["/CreationDate"] == pdf_date(decision.created_at)
        assert info["/ModDate"] == pdf_date(decision.updated_at)
        created = decision.created_at.astimezone(pdf_module.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert f"<xmp:CreateDate>{created}</xmp:CreateDate>" in xmp(first)
        again = pdf_module.render_record_pdf(
            context={
                "decision": decision,
                "record": decision.snapshot,
                "changes": list(decision.changes.all()),
                "successors": [],
                "draft": False,
            },
            export=pdf_module.decision_to_json(decision),
        )
        assert PdfReader(BytesIO(again)).metadata == info
        assert again == first

    def test_it_carries_its_json_as_the_associated_file_it_was_drawn_from(self, decision):
        content = pdf_module.decision_pdf(decision)
        files = catalog(content)["/AF"]
        assert len(files) == 1
        spec = files[0].get_object()
        assert spec["/F"] == spec["/UF"] == "decision.json"
        assert spec["/AFRelationship"] == "/Source"
        stream = spec["/EF"]["/F"].get_object()
        assert stream["/Subtype"] == "/application/json"
        assert stream["/Params"]["/ModDate"] == pdf_date(decision.updated_at)
        exported = json.loads(attached_export(content))
        assert exported["snapshot"] == decision.snapshot


class TestDraft:
    def test_the_consoles_draft_is_tagged_and_archivable_too(
        self, facilitator_client, workshop, facilitator
    ):
        profile(workshop, people=[DANA])
        url = reverse("workshops:workshop-draft-pdf", kwargs={"workshop_id": workshop.pk})
        content = facilitator_client.get(url).content
        assert_tagged_archive(content, "Nightly inventory sync — decision record")
        assert json.loads(attached_export(content))["status"] == "draft"

    def test_the_draft_is_dated_when_it_is_printed(self, workshop, facilitator):
        content = workshop_draft_pdf(workshop=workshop, by=facilitator)
        info = PdfReader(BytesIO(content)).metadata
        assert info["/CreationDate"] == info["/ModDate"]
        assert info["/CreationDate"].startswith("D:20")
