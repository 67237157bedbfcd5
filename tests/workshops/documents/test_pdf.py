"""The decision record as a PDF: content, metadata, draft marking, attachment, safety, storage."""

from __future__ import annotations

import dataclasses
import json
from io import BytesIO, StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from parsecgo_site.drawings import DECISION_PDF
from tests.workshops.builders import DANA, decide, profile, save_risk
from workshops import tasks
from workshops.documents import pdf as pdf_module
from workshops.documents.json import decision_to_json
from workshops.documents.pdf import RefusedFetch, StaticOnlyFetcher, render_record_pdf
from workshops.models import Decision, RecordPdf
from workshops.services.decisions import decision_transition
from workshops.services.workshops import participant_add

pytestmark = pytest.mark.django_db

A4_WIDTH_POINTS = 595.3


@pytest.fixture
def profiled(workshop):
    # Measured at 1,000 records a second, ten times today's volume needs 6.5 hours a night.
    return profile(workshop, people=[DANA], batch_window_hours=4, measured_throughput=1000)


def reader_of(content: bytes) -> PdfReader:
    assert content.startswith(b"%PDF")
    return PdfReader(BytesIO(content))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_url(decision) -> str:
    return reverse("workshops:decision-pdf", kwargs={"decision_id": decision.pk})


class TestDownload:
    def test_it_serves_the_record_as_a_pdf(self, facilitator_client, facilitator, profiled):
        decision = decide(profiled, facilitator, rationale="it fits the nightly window.")
        response = facilitator_client.get(pdf_url(decision))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="nightly-inventory-sync.pdf"' in response["Content-Disposition"]
        # Lines wrap and words hyphenate on paper: compare the words, not the line breaks.
        text = " ".join(text_of(reader_of(response.content)).replace("‐\n", "").split())
        for expected in (
            "Nightly inventory sync",
            "Decision-makers",
            "Dana (Operations)",
            "Context and problem",
            "Decision drivers",
            "Considered options",
            "Chosen option: Batch processing, because it fits the nightly window.",
            "Risks of Batch processing",
            "Three-year cost of ownership",
            "no longer fits the 4-hour window",
            "Review by",
        ):
            assert expected in text, expected

    def test_it_has_metadata_bookmarks_and_page_numbers(
        self, facilitator_client, facilitator, profiled
    ):
        decision = decide(profiled, facilitator)
        reader = reader_of(facilitator_client.get(pdf_url(decision)).content)
        meta = reader.metadata
        assert meta.title == "Nightly inventory sync — decision record"
        assert meta.author == "fiona (Platform)"
        assert "Batch processing" in meta.subject
        assert "Platform" in reader.metadata["/Keywords"]
        titles = [item.title for item in reader.outline if not isinstance(item, list)]
        assert "Nightly inventory sync" in titles
        assert any("Decision outcome" in str(o) for o in reader.outline)
        pages = len(reader.pages)
        assert f"Page 1 of {pages}" in reader.pages[0].extract_text()
        assert "Nightly inventory sync" in reader.pages[-1].extract_text()

    def test_a_draft_says_so_on_every_page(self, facilitator_client, facilitator, profiled):
        decision = decide(profiled, facilitator, status="proposed")
        reader = reader_of(facilitator_client.get(pdf_url(decision)).content)
        assert len(reader.pages) >= 2
        for page in reader.pages:
            assert "DRAFT — not an accepted decision" in page.extract_text()

    def test_an_accepted_record_is_not_marked_draft(
        self, facilitator_client, facilitator, profiled
    ):
        decision = decide(profiled, facilitator)
        text = text_of(reader_of(facilitator_client.get(pdf_url(decision)).content))
        assert "DRAFT" not in text

    def test_it_carries_its_json_and_imports_again(
        self, facilitator_client, facilitator, profiled, tmp_path
    ):
        decision = decide(profiled, facilitator)
        content = facilitator_client.get(pdf_url(decision)).content
        attached = json.loads(reader_of(content).attachments["decision.json"][0])
        assert attached == json.loads(json.dumps(decision_to_json(decision)))
        path = tmp_path / "record.pdf"
        path.write_bytes(content)
        call_command("import_decision", str(path), team="Archive", user="fiona", stdout=StringIO())
        copy = Decision.objects.exclude(pk=decision.pk).get()
        assert copy.snapshot == decision.snapshot
        assert copy.status == "accepted"

    def test_it_returns_404_to_outsiders(self, outsider_client, facilitator, profiled):
        decision = decide(profiled, facilitator)
        assert outsider_client.get(pdf_url(decision)).status_code == 404

    def test_it_refuses_post(self, facilitator_client, facilitator, profiled):
        decision = decide(profiled, facilitator)
        assert facilitator_client.post(pdf_url(decision)).status_code == 405


class TestStorage:
    def test_a_repeated_download_draws_nothing(
        self, facilitator_client, facilitator, profiled, django_assert_max_num_queries
    ):
        decision = decide(profiled, facilitator)
        first = facilitator_client.get(pdf_url(decision)).content
        assert RecordPdf.objects.filter(decision=decision).count() == 1
        with (
            mock.patch.object(tasks, "run_with_time_limit") as draw,
            django_assert_max_num_queries(4),  # session, user, decision, stored PDF
        ):
            again = facilitator_client.get(pdf_url(decision)).content
        draw.assert_not_called()
        assert again == first

    def test_a_status_change_draws_it_again(self, facilitator_client, facilitator, profiled):
        decision = decide(profiled, facilitator)
        facilitator_client.get(pdf_url(decision))
        decision_transition(decision=decision, to_status="deprecated", by=facilitator)
        text = text_of(reader_of(facilitator_client.get(pdf_url(decision)).content))
        assert "Deprecated" in text
        assert RecordPdf.objects.count() == 1

    def test_a_new_print_template_draws_it_again(self, facilitator_client, facilitator, profiled):
        decision = decide(profiled, facilitator)
        facilitator_client.get(pdf_url(decision))
        with (
            mock.patch.object(
                pdf_module, "DECISION_PDF", dataclasses.replace(DECISION_PDF, template_version=999)
            ),
            # The drawing runs in the worker's child process, which has this stand-in too.
            mock.patch.object(pdf_module, "render_record_pdf", return_value=b"%PDF-new"),
        ):
            assert facilitator_client.get(pdf_url(decision)).content == b"%PDF-new"
        assert RecordPdf.objects.get().content == b"%PDF-new"


class TestConsoleDraft:
    def test_it_prints_the_workshop_at_any_phase_as_a_draft(
        self, facilitator_client, workshop, workflow
    ):
        url = reverse("workshops:workshop-draft-pdf", kwargs={"workshop_id": workshop.pk})
        reader = reader_of(facilitator_client.get(url).content)
        text = text_of(reader)
        assert "DRAFT — not an accepted decision" in text
        assert "Nightly inventory sync" in text
        assert not Decision.objects.exists()
        assert json.loads(reader.attachments["decision.json"][0])["status"] == "draft"

    def test_it_returns_404_to_outsiders(self, outsider_client, workshop):
        url = reverse("workshops:workshop-draft-pdf", kwargs={"workshop_id": workshop.pk})
        assert outsider_client.get(url).status_code == 404


HOSTILE = {
    "script": "<script>alert('x')</script>",
    "image": '<img src="file:///etc/passwd">',
    "css": "</p><style>@import url(https://evil.example/x.css); body{background:url(file:///etc/passwd)}</style>",
    "link": '<link rel="stylesheet" href="http://169.254.169.254/latest">',
    "word": "Supercalifragilistic" * 40,
}


class TestSafety:
    def test_hostile_text_renders_as_text_and_fetches_nothing(self, facilitator, profiled):
        # An attendee and a risk, then the decision: its record holds them all.
        participant_add(
            workshop=profiled, name=HOSTILE["script"], role="other", involvement="informed"
        )
        save_risk(
            profiled.workflows.get(parent=None),
            title=HOSTILE["image"],
            mitigation=HOSTILE["css"] + HOSTILE["word"],
            raised_by="security",
        )
        decision = decide(
            profiled,
            facilitator,
            description=" ".join(HOSTILE.values()),
            source_system=HOSTILE["image"],
            target_system=HOSTILE["css"],
            data_elements=HOSTILE["word"],
            update_frequency=HOSTILE["link"],
        )
        Decision.objects.filter(pk=decision.pk).update(title=HOSTILE["script"])
        decision.refresh_from_db()
        spy = StaticOnlyFetcher()
        content = render_record_pdf(
            context={
                "decision": decision,
                "record": decision.snapshot,
                "changes": [],
                "successors": [],
                "draft": False,
            },
            export=decision_to_json(decision),
            fetcher=spy,
        )
        assert spy.requested, "the stylesheet and fonts come through the fetcher"
        assert all(url.startswith("parsecgo-static:") for url in spy.requested), spy.requested
        reader = reader_of(content)
        text = text_of(reader)
        assert "<script>alert('x')</script>" in text
        assert '<img src="file:///etc/passwd">' in text
        assert "@import url(https://evil.example/x.css)" in text.replace("\n", "")
        assert "Supercalifragilistic" in text

        # The long word wraps: no piece of it starts beyond the right edge of an A4 page.
        positions: list[float] = []

        def visit(text, cm, tm, font, size):
            if "Supercal" in text or "califrag" in text:
                positions.append(cm[4] + tm[4] * cm[0])

        for page in reader.pages:
            page.extract_text(visitor_text=visit)
        assert positions and max(positions) < A4_WIDTH_POINTS

    def test_a_hundred_thousand_character_field_still_renders(self, facilitator, profiled):
        decision = decide(profiled, facilitator, description="word " * 20_000)
        content = pdf_module.decision_pdf(decision)
        reader = reader_of(content)
        assert len(reader.pages) > 5
        assert "word word" in reader.pages[1].extract_text()


class TestFetcher:
    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "http://example.com/x.css",
            "https://example.com/font.ttf",
            "ftp://example.com/x",
            "data:text/html,<b>x</b>",
            "data:image/png;base64," + "A" * 40_000,
            "parsecgo-static:../parsecgo_site/settings.py",
            "parsecgo-static:pdf/../../manage.py",
            "parsecgo-static:css/parsecgo.py",
            "parsecgo-static:pdf/missing.css",
        ],
    )
    def test_it_refuses_anything_but_the_projects_static_files(self, url):
        fetcher = StaticOnlyFetcher()
        with pytest.raises(RefusedFetch):
            fetcher.fetch(url)
        assert fetcher.requested == [url]

    def test_it_serves_the_print_stylesheet_and_fonts(self):
        fetcher = StaticOnlyFetcher()
        css = fetcher.fetch("parsecgo-static:pdf/record.css")
        assert b"@page" in css.read()
        assert css.content_type == "text/css"
        font = fetcher.fetch("parsecgo-static:fonts/DejaVuSans.ttf")
        assert len(font.read()) > 100_000

    def test_it_allows_small_inline_images(self):
        tiny = (
            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk"
            "YAAAAAYAAjCB0C8AAAAASUVORK5CYII="
        )
        assert StaticOnlyFetcher().fetch(tiny).read().startswith(b"\x89PNG")

    def test_the_pdf_uses_only_the_fonts_we_ship(self, facilitator, profiled):
        decision = decide(profiled, facilitator)
        reader = reader_of(pdf_module.decision_pdf(decision))
        fonts = set()
        for page in reader.pages:
            for font in (page["/Resources"].get("/Font") or {}).values():
                fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
        assert fonts <= {"Parsecgo-Sans", "Parsecgo-Sans-Bold", "Parsecgo-Sans-Oblique"}, fonts


def test_the_module_names_its_limits():
    assert pdf_module.MAX_DATA_URL_LENGTH <= 64 * 1024
    assert pdf_module.ATTACHMENT_NAME == "decision.json"
