"""The PDF's cost grows with the text in it, not with its square: measured as the text
WeasyPrint hands to Pango, which is deterministic, instead of the seconds (those are in
`make bench`)."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from weasyprint.text import line_break

from tests.workshops.builders import decide, profile
from workshops.documents.json import decision_to_json
from workshops.documents.pdf import ZERO_WIDTH_SPACE, breakable_html, render_record_pdf

pytestmark = pytest.mark.django_db

SENTENCE = "the nightly batch must finish before the stores open and retries are cheap "


def words(length: int) -> str:
    return (SENTENCE * (length // len(SENTENCE) + 1))[:length]


class PangoWork:
    """Counts the characters Pango lays out: each line WeasyPrint measures lays out the text
    it was given, so a layout that measures the rest of a field for every line of it (the
    cause of the slowness) shows here as the field's length squared."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.characters = 0
        measure = line_break.Layout.get_first_line

        def counted(layout):
            self.characters += len(layout.text)
            return measure(layout)

        monkeypatch.setattr(line_break.Layout, "get_first_line", counted)


def record_with_text(workshop, by, length: int):
    """A record whose long text sits where it made the drawing slow: a paragraph, a
    definition beside its term, and a table cell, as words and as one unbroken string."""
    profile(
        workshop,
        description="x" * length,
        data_elements="y" * length,
        trigger_notes="z" * length,
        granularity_notes=words(length),
        consistency_notes=words(length),
    )
    return decide(workshop, by, rationale=words(length))


def draw(decision) -> bytes:
    context = {
        "decision": decision,
        "record": decision.snapshot,
        "changes": [],
        "successors": [],
        "draft": False,
    }
    return render_record_pdf(context=context, export=decision_to_json(decision))


def pango_work(monkeypatch, decision) -> tuple[int, bytes]:
    work = PangoWork(monkeypatch)
    content = draw(decision)
    monkeypatch.undo()
    return work.characters, content


def test_ten_times_the_text_costs_about_ten_times_the_work(
    monkeypatch, team, facilitator, workshop
):
    from workshops.services.workshops import workshop_create

    small = record_with_text(workshop, facilitator, 1_500)
    other = workshop_create(
        team=team, title="Large", scheduled_at=workshop.scheduled_at, facilitator=facilitator
    )
    large = record_with_text(other, facilitator, 15_000)
    small_work, _ = pango_work(monkeypatch, small)
    large_work, content = pango_work(monkeypatch, large)
    # Measured from 300 to 3,000 characters: 86x before (the drivers' notes measured for an
    # automatic table layout, lines beside a float measured again, an unbroken run laid out
    # to its end for every line of it), 19x with the tables and the float fixed but no break
    # opportunities in unbroken runs, 4.9x now; from 1,500 to 15,000 it is 7.9x.
    assert large_work <= 12 * small_work, (small_work, large_work)
    # Nothing was lost on the way: every character of the long strings is on the pages.
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    for letter in "xyz":
        assert text.count(letter) >= 15_000, letter


def test_long_text_leaves_no_page_empty(team, facilitator, workshop):
    # A drivers' row taller than a page used to be kept whole, and WeasyPrint drew it past
    # the bottom of the page, leaving the page empty but for its heading; only the last
    # page may be short.
    decision = decide(profile(workshop, trigger_notes=words(20_000)), facilitator)
    reader = PdfReader(BytesIO(draw(decision)))
    *full, last = reader.pages
    assert full, "the notes fill more than a page"
    for number, page in enumerate(full, start=1):
        body = page.extract_text().replace(f"Page {number} of {len(reader.pages)}", "")
        assert len(body.split()) > 30, f"page {number} is nearly empty: {body!r}"


class TestBreakableHtml:
    def test_it_breaks_a_long_run_in_the_text(self):
        html = "<html><head><title>t</title></head><body><p>" + "a" * 100 + "</p></body>"
        body = breakable_html(html).partition("<body>")[2]
        assert body.count(ZERO_WIDTH_SPACE) == 4
        assert body.replace(ZERO_WIDTH_SPACE, "") == "<p>" + "a" * 100 + "</p></body>"

    def test_it_leaves_words_tags_attributes_entities_and_the_head_alone(self):
        long = "b" * 60
        html = (
            f"<html><head><title>{long}</title></head>"
            f'<body><p title="{long}">responsibilities of the team &amp; '
            f"{'&amp;' * 50}</p></body>"
        )
        out = breakable_html(html)
        head, _, body = out.partition("<body>")
        assert ZERO_WIDTH_SPACE not in head
        assert f'title="{long}"' in body
        assert "responsibilities of the team &amp; " in body
        # The run of entities breaks between them, never inside one.
        assert body.replace(ZERO_WIDTH_SPACE, "") == html.partition("<body>")[2]
        assert all(piece.startswith("&amp;") for piece in body.split(ZERO_WIDTH_SPACE)[1:]), body
