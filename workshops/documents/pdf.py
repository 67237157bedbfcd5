"""The decision record as a PDF: one print template, a locked-down fetcher, bytes out; the
stored PDF of a record, drawn once per version of it, and the draft PDF of a workshop."""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
import re
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

from parsecgo_site.drawings import DECISION_PDF
from patterns.selectors import catalogue_specs, default_monthly_costs
from workshops import selectors
from workshops.assessment import assess_workflow
from workshops.documents.json import decision_to_json
from workshops.models import Decision, StatusChange, Workshop
from workshops.services.decisions import OPEN_STATUSES
from workshops.services.pdfs import record_pdf_store
from workshops.snapshot import compose_decision

# Every resource the print template names starts with this: the fetcher maps it onto the
# project's own static files and refuses everything else.
STATIC_PREFIX = "parsecgo-static:"
# Small inline images (a data: URL) are harmless; anything larger or of another type is not.
MAX_DATA_URL_LENGTH = 32 * 1024
ALLOWED_SUFFIXES = frozenset({".css", ".ttf", ".otf", ".woff", ".woff2", ".svg", ".png"})
ATTACHMENT_NAME = "decision.json"
# PDF/A-3b keeps the record readable in archives and lets it carry the JSON it was drawn
# from as an associated file (PDF/A-2 forbids non-PDF attachments); tagged, with the PDF/UA-1
# identification added to its XMP metadata, it also declares PDF/UA-1. WeasyPrint takes one
# pdf_variant, and its "pdf/ua-1" alone drops the archive's output intent and identifier,
# so the archive variant draws the file and the accessibility part is declared beside it.
PDF_VARIANT = "pdf/a-3b"
W3C_DATE = "%Y-%m-%dT%H:%M:%SZ"
PDF_UA_XMP = (
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" '
    b'pdfuaid:part="1"/></rdf:RDF>'
)
UNDECIDED = "(not decided yet)"  # the draft PDF's reasons

# WeasyPrint breaks a word too long for its line by laying out everything after it in the
# text box again, line after line: 7 fields of 3,000 characters without a space took a
# minute. A zero-width space every BREAK_EVERY characters of such a run (one of LONG_RUN or
# more, longer than any word) gives Pango a break opportunity there, so that each line lays
# out about a line's worth of text. It draws nothing and text extraction leaves it out; the
# page's HTML never gets it.
LONG_RUN = 40
BREAK_EVERY = 24
ZERO_WIDTH_SPACE = "\u200b"
_TAG = re.compile(r"(<[^>]*>)")
_CHARACTER = r"&#?\w++;|[^\s<&]"  # an entity such as &amp; is one character
_LONG_RUN = re.compile(rf"(?:{_CHARACTER}){{{LONG_RUN},}}")
_PIECE = re.compile(rf"(?:{_CHARACTER}){{1,{BREAK_EVERY}}}")


class RefusedFetch(ValueError):
    """A resource the PDF may not load: WeasyPrint skips it and goes on."""


class StaticOnlyFetcher(URLFetcher):
    """Serves only the project's static files (fonts, the print stylesheet): no network, no
    file://, no redirects, no data: URLs beyond small images. `requested` keeps every URL
    asked for, so that tests can prove nothing else was fetched."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1)
        self.requested: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        if url.startswith(STATIC_PREFIX):
            return self._static(url)
        if url.startswith("data:image/") and len(url) <= MAX_DATA_URL_LENGTH:
            return self._data(url)
        raise RefusedFetch(f"The PDF may not load {url[:80]!r}.")

    def _data(self, url: str) -> URLFetcherResponse:
        header, _, payload = url.removeprefix("data:").partition(",")
        content_type, *params = header.split(";")
        try:
            body = (
                base64.b64decode(payload, validate=True)
                if "base64" in params
                else unquote_to_bytes(payload)
            )
        except (binascii.Error, ValueError):
            raise RefusedFetch("A malformed data: URL.") from None
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    def _static(self, url: str) -> URLFetcherResponse:
        name = url[len(STATIC_PREFIX) :].lstrip("/")
        path = Path(name)
        if ".." in path.parts or path.suffix.lower() not in ALLOWED_SUFFIXES:
            raise RefusedFetch(f"The PDF may not load {url[:80]!r}.")
        found = finders.find(name)
        if not found:
            raise RefusedFetch(f"No static file {name!r}.")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=Path(found).read_bytes(), headers={"Content-Type": content_type}
        )


def render_record_pdf(
    *, context: dict[str, Any], export: dict[str, Any], fetcher: StaticOnlyFetcher | None = None
) -> bytes:
    """The record drawn by templates/workshops/pdf/record.html as a tagged PDF/A-3b that
    declares PDF/UA-1, with the decision's JSON export attached as its associated file, so
    that the file alone can be imported again. Its dates are the decision's: drawing the
    same version again gives the same metadata."""
    fetcher = fetcher or StaticOnlyFetcher()
    decision: Decision = context["decision"]
    created = decision.created_at.astimezone(UTC)
    modified = (decision.updated_at or decision.created_at).astimezone(UTC)
    html = breakable_html(render_to_string("workshops/pdf/record.html", context))
    attachment = Attachment(
        string=json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8"),
        name=ATTACHMENT_NAME,
        description="The decision record as JSON (manage.py import_decision reads it).",
        url_fetcher=fetcher,
        created=created,
        modified=modified,
        relationship="Source",  # the record is drawn from it
    )
    options: dict[str, Any] = {"pdf_variant": PDF_VARIANT, "pdf_tags": True, "pdf_forms": False}
    # base_url never comes from input: nothing in the document is relative anyway.
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=fetcher).render(**options)
    document.metadata.created = created.strftime(W3C_DATE)
    document.metadata.modified = modified.strftime(W3C_DATE)
    document.metadata.xmp_metadata.append(PDF_UA_XMP)
    return document.write_pdf(attachments=[attachment], finisher=_one_entry_per_file, **options)


def _one_entry_per_file(document, pdf) -> None:
    # WeasyPrint 70 lists an attachment twice among the catalogue's associated files (/AF):
    # once from the embedded files' names, once from its file specification.
    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = type(pdf.catalog["AF"])(dict.fromkeys(pdf.catalog["AF"]))


def breakable_html(html: str) -> str:
    """`html` with a zero-width space after every BREAK_EVERY characters of a run without
    spaces in the text of its body; tags, attributes and the head are left as they are."""
    head, marker, body = html.partition("<body")
    if not marker:
        return html
    parts = _TAG.split(body)
    # Even parts are text between tags, odd ones the tags themselves.
    parts[::2] = [_LONG_RUN.sub(_breakable_run, text) for text in parts[::2]]
    return head + marker + "".join(parts)


def _breakable_run(run: re.Match[str]) -> str:
    return ZERO_WIDTH_SPACE.join(_PIECE.findall(run.group()))


def render_hello_pdf() -> bytes:
    """A one-line PDF through the same fetcher and fonts: the bench's baseline."""
    html = (
        '<html><head><link rel="stylesheet" href="parsecgo-static:pdf/record.css">'
        "<title>Hello</title></head><body><p>Hello</p></body></html>"
    )
    return HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=StaticOnlyFetcher()).write_pdf()


# --- a record's PDF, and a workshop's draft ----------------------------------------------------
# What each prints is gathered here, in the worker (reads); the drawing itself
# (render_record_pdf) needs nothing else, so that it can run in a child process that is
# stopped at the time limit (workshops.tasks).


@dataclass(frozen=True)
class PdfInputs:
    """Everything render_record_pdf draws, read from the database beforehand."""

    context: dict[str, Any]
    export: dict[str, Any]

    def draw(self) -> bytes:
        return render_record_pdf(context=self.context, export=self.export)


def decision_pdf_version(decision: Decision) -> str:
    """The stored PDF's key for this very version of the record: every change to a decision
    moves its updated_at, and a new print template moves the drawing's version."""
    return DECISION_PDF.key(decision.pk, decision.updated_at.isoformat())


def decision_pdf_inputs(decision: Decision) -> PdfInputs:
    return PdfInputs(
        context={
            "decision": decision,
            "record": decision.snapshot,
            "changes": selectors.decision_timeline(decision),
            "successors": selectors.decision_successors(decision),
            "draft": decision.status in OPEN_STATUSES,
            **selectors.decision_figures(decision),
        },
        export=decision_to_json(decision),
    )


def decision_pdf(decision: Decision) -> bytes:
    """The stored PDF when it was drawn from this very version of the record; otherwise draw
    it here, store it, and give that. Pages never call this (they queue the drawing for the
    worker); the bench, the tests and the worker's own drawing do."""
    version = decision_pdf_version(decision)
    stored = selectors.decision_stored_pdf(decision, source_version=version)
    if stored is not None:
        return stored
    pdf = decision_pdf_inputs(decision).draw()
    record_pdf_store(decision=decision, source_version=version, content=pdf)
    return pdf


def draft_decision(*, workshop: Workshop, by) -> Decision:
    """The record as it would read if decided now: an unsaved decision that the record's
    template and the export read like a real one."""
    workflows = selectors.workshop_workflows(workshop)
    patterns = catalogue_specs()
    costs = default_monthly_costs()
    chosen = {}
    for workflow in workflows:
        if default := assess_workflow(workflow, patterns, costs).default_choice:
            chosen[workflow.pk] = default
    return compose_decision(
        Decision(
            team=workshop.team,
            workshop=workshop,
            status=Decision.Status.DRAFT,
            created_by=by,
            created_at=timezone.now(),
        ),
        workshop=workshop,
        workflows=workflows,
        patterns=patterns,
        default_costs=costs,
        chosen=chosen,
        rationale=UNDECIDED,
        part_rationales={w.pk: UNDECIDED for w in workflows if w.parent_id},
        consequences="",
        review_date=timezone.localdate() + timedelta(days=365),
    )


def draft_pdf_version(*, workshop: Workshop, by, draft: Decision | None = None) -> str:
    """The draft PDF's key: what the draft prints (its whole snapshot and outcome), for whom
    (it is printed by them), so that any change to the workshop gets a fresh draft."""
    draft = draft or draft_decision(workshop=workshop, by=by)
    printed = (draft.title, draft.chosen_pattern, draft.supersedes_id, str(draft.review_date))
    return DECISION_PDF.key("draft", workshop.pk, by.pk, printed, draft.snapshot)


def draft_pdf_inputs(*, workshop: Workshop, by, draft: Decision | None = None) -> PdfInputs:
    draft = draft or draft_decision(workshop=workshop, by=by)
    printed = StatusChange(
        decision=draft,
        to_status=Decision.Status.DRAFT,
        changed_by=by,
        changed_at=draft.created_at,
        note="Printed from the workshop console.",
    )
    return PdfInputs(
        context={
            "decision": draft,
            "record": draft.snapshot,
            "changes": [],
            "successors": [],
            "draft": True,
        },
        export=decision_to_json(draft, changes=[printed]),
    )


def workshop_draft_pdf(*, workshop: Workshop, by) -> bytes:
    """The record as it would read if decided now: printable at any phase, marked draft."""
    return draft_pdf_inputs(workshop=workshop, by=by).draw()
