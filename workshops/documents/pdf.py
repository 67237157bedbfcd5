"""The decision record as a PDF: one print template, a locked-down fetcher, bytes out; the
stored PDF of a record, drawn once per version of it, and the draft PDF of a workshop."""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
from dataclasses import dataclass
from datetime import timedelta
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
UNDECIDED = "(not decided yet)"  # the draft PDF's reasons


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
    """The record drawn by templates/workshops/pdf/record.html, with the decision's JSON
    export attached, so that the file alone can be imported again."""
    fetcher = fetcher or StaticOnlyFetcher()
    html = render_to_string("workshops/pdf/record.html", context)
    attachment = Attachment(
        string=json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8"),
        name=ATTACHMENT_NAME,
        description="The decision record as JSON (manage.py import_decision reads it).",
        url_fetcher=fetcher,
    )
    # base_url never comes from input: nothing in the document is relative anyway.
    return HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=fetcher).write_pdf(
        attachments=[attachment], pdf_forms=False
    )


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
