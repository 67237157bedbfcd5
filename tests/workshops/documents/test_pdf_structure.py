"""The record's structure in the PDF and on its page: headings that nest as the sections do,
bookmarks that follow them, real links, every driver, and the chart's text equivalent."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.test import override_settings
from pypdf import PdfReader

from tests.workshops.builders import DANA, decide, profile
from tests.workshops.hybrids import split_into_hybrid
from workshops.documents.pdf import decision_pdf
from workshops.services.decisions import decision_revisit, decision_transition

pytestmark = pytest.mark.django_db

SITE = "https://parsecgo.example.org"
SECTIONS = [
    "Who",
    "Context and problem",
    "Decision drivers",
    "Considered options",
    "Decision outcome",
    "Risks of Batch processing",
    "Risks of Real-time streaming",
    "Three-year cost of ownership",
    "Growth",  # 10x growth on batch: a caution, and when to revisit
    "Confirmation",
    "Consequences",
    "Review",
    "Timeline",
]


def outline(reader: PdfReader) -> list:
    """The bookmarks as nested [title, [children]] pairs."""

    def walk(items) -> list:
        tree: list = []
        for item in items:
            if isinstance(item, list):
                tree[-1][1].extend(walk(item))
            else:
                tree.append([item.title, []])
        return tree

    return walk(reader.outline)


def reader_of(content: bytes) -> PdfReader:
    return PdfReader(BytesIO(content))


def words_of(reader: PdfReader) -> str:
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("‐\n", "").split())


def link_targets(reader: PdfReader) -> list[str]:
    return [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if annotation.get_object().get("/Subtype") == "/Link"
    ]


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self._level: int | None = None

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self._level = int(tag[1])
            self.headings.append((self._level, ""))

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag):
            self._level = None

    def handle_data(self, data):
        if self._level is not None:
            level, text = self.headings[-1]
            self.headings[-1] = (level, (text + data).strip())


def page_headings(html: str) -> list[tuple[int, str]]:
    parser = _Headings()
    parser.feed(html.partition('<article class="decision-record"')[2].partition("</article>")[0])
    return parser.headings


@pytest.fixture
def decision(workshop, facilitator):
    return decide(profile(workshop, people=[DANA], coupling="tight", consumers=4), facilitator)


class TestHeadings:
    def test_a_single_workflows_sections_are_bookmarks_beside_who(self, decision):
        tree = outline(reader_of(decision_pdf(decision)))
        assert [title for title, _ in tree] == ["Nightly inventory sync"]
        sections = tree[0][1]
        assert [title for title, _ in sections] == SECTIONS
        assert all(children == [] for _, children in sections), sections

    def test_the_record_page_has_one_h1_and_its_sections_at_h2(self, facilitator_client, decision):
        html = facilitator_client.get(decision.get_absolute_url()).content.decode()
        headings = page_headings(html)
        assert headings[0] == (1, "Nightly inventory sync")
        # On the page of a decision in force, beside the record: its figures noted since (none
        # yet; the PDF leaves the empty section out) and the form that notes them.
        review = SECTIONS.index("Review") + 1
        sections = [*SECTIONS[:review], "Figures noted since the decision", *SECTIONS[review:]]
        sections.append("Note today's figures")
        assert [text for level, text in headings if level == 2] == sections
        assert [level for level, _ in headings[1:]] == [2] * len(sections)

    def test_a_hybrids_sections_nest_under_their_part(
        self, facilitator_client, workshop, facilitator
    ):
        hybrid = split_into_hybrid(workshop)
        decision = decide(
            workshop, facilitator, chosen=hybrid.chosen(), part_rationales=hybrid.reasons()
        )
        tree = outline(reader_of(decision_pdf(decision)))
        sections = dict(tree[0][1])
        assert list(sections)[:2] == ["The parts and their patterns", "Who"]
        for part in ("Part: Staging load", "Part: Cache stream"):
            children = [title for title, _ in sections[part]]
            assert children[:3] == ["Context and problem", "Decision drivers", "Considered options"]
        assert sections["Consequences"] == [] and sections["Timeline"] == []
        # On the page too: no heading skips a level.
        html = facilitator_client.get(decision.get_absolute_url()).content.decode()
        levels = [level for level, _ in page_headings(html)]
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
        assert 3 in levels


class TestLinks:
    @override_settings(SITE_URL=SITE)
    def test_supersede_and_pattern_links_are_absolute(self, facilitator, decision):
        new_workshop = decision_revisit(decision=decision, by=facilitator)
        newer = decide(new_workshop, facilitator, pattern="streaming", status="proposed")
        decision_transition(decision=newer, to_status="accepted", by=facilitator)
        decision.refresh_from_db()
        old_links = link_targets(reader_of(decision_pdf(decision)))
        new_links = link_targets(reader_of(decision_pdf(newer)))
        assert f"{SITE}{newer.get_absolute_url()}" in old_links  # superseded by
        assert f"{SITE}{decision.get_absolute_url()}" in new_links  # supersedes
        assert f"{SITE}/patterns/batch/" in old_links
        assert f"{SITE}/patterns/streaming/" in new_links
        assert all(link.startswith(f"{SITE}/") for link in old_links + new_links)

    @override_settings(SITE_URL="")
    def test_without_a_site_url_the_titles_stay_text(self, decision):
        reader = reader_of(decision_pdf(decision))
        assert link_targets(reader) == []
        assert "Batch processing" in words_of(reader)

    def test_the_record_page_links_to_the_pattern_pages(self, facilitator_client, decision):
        html = facilitator_client.get(decision.get_absolute_url()).content.decode()
        assert '<a href="/patterns/batch/">Batch processing</a>' in html


class TestContent:
    def test_it_carries_every_driver_the_markdown_has(self, decision):
        text = words_of(reader_of(decision_pdf(decision)))
        assert "Coupling tight" in text
        assert "Consumers 4" in text
        for driver in ("Trigger", "Granularity", "Consistency", "Failure", "Volume"):
            assert driver in text

    def test_the_chart_reads_in_order_as_a_table(self, decision):
        text = words_of(reader_of(decision_pdf(decision)))
        table = text[text.index("The chart as a table") :]
        rows = [
            "Pattern Fit Trigger Granularity Consistency Failure",
            "This workflow's profile — scheduled batch strong retry",
            "Batch processing (recommended, chosen) 100% matches matches matches matches",
            "Real-time streaming 13% mismatch mismatch mismatch matches",
            "Event-driven choreography 0% mismatch mismatch mismatch mismatch",
        ]
        positions = [table.find(row) for row in rows]
        assert -1 not in positions, list(zip(rows, positions, strict=True))
        assert positions == sorted(positions)

    def test_the_record_page_keeps_the_table_for_screen_readers_only(
        self, facilitator_client, decision
    ):
        html = facilitator_client.get(decision.get_absolute_url()).content.decode()
        assert 'class="table-responsive fit-table-wrap visually-hidden"' in html
        assert "<caption>The chart as a table" in html
