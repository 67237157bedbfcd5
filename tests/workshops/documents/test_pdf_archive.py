"""The PDF as archives and assistive technology read it: tagged PDF/A-3b declaring PDF/UA-1,
its metadata and dates, its language and title, and decision.json as its associated file.

veraPDF (the reference validator, a Java tool) is on none of the registries this project
reaches, so these tests check with pypdf what the two standards ask that can be read from
the file: they do not replace a validator."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from tests.workshops.builders import DANA, decide, profile
from workshops.documents import pdf as pdf_module
from workshops.documents.pdf import workshop_draft_pdf
from workshops.documents.reading import pdf_attachment

pytestmark = pytest.mark.django_db


def attached(content: bytes) -> bytes:
    """The decision.json the PDF carries, read as the import reads it."""
    return pdf_attachment(content, max_bytes=settings.IMPORT_MAX_BYTES)


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
        exported = json.loads(attached(content))
        assert exported["snapshot"] == decision.snapshot


def structure_elements(content: bytes) -> list:
    """Every element of the structure tree, in document order."""
    found = []

    def walk(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/S" in node:
                found.append(node)
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(catalog(content)["/StructTreeRoot"])
    return found


class TestStructure:
    def test_headings_tables_and_the_chart_are_tagged_for_a_screen_reader(self, decision):
        elements = structure_elements(pdf_module.decision_pdf(decision))
        roles = [element["/S"] for element in elements]
        assert roles.count("/H1") == 1
        assert roles.count("/H2") >= 10
        assert "/H4" not in roles  # nothing skips a level on a single workflow's record
        figures = [element for element in elements if element["/S"] == "/Figure"]
        assert [str(figure["/Alt"]) for figure in figures] == [
            "How 3 integration patterns fit this workflow's profile"
        ]
        # Each data cell names its header cells (PDF/UA's Headers and IDs).
        ids = {str(element["/ID"]) for element in elements if element["/S"] == "/TH"}
        cells = [element for element in elements if element["/S"] == "/TD"]
        assert cells and ids
        assert all(cell["/A"]["/Headers"] for cell in cells)
        assert {str(h) for cell in cells for h in cell["/A"]["/Headers"]} <= ids


class TestDraft:
    def test_the_consoles_draft_is_tagged_and_archivable_too(
        self, facilitator_client, workshop, facilitator
    ):
        profile(workshop, people=[DANA])
        url = reverse("workshops:workshop-draft-pdf", kwargs={"workshop_id": workshop.pk})
        content = facilitator_client.get(url).content
        assert_tagged_archive(content, "Nightly inventory sync — decision record")
        assert json.loads(attached(content))["status"] == "draft"

    def test_the_draft_is_dated_when_it_is_printed(self, workshop, facilitator):
        content = workshop_draft_pdf(workshop=workshop, by=facilitator)
        info = PdfReader(BytesIO(content)).metadata
        assert info["/CreationDate"] == info["/ModDate"]
        assert info["/CreationDate"].startswith("D:20")
