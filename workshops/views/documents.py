"""Downloads of decision records: PDF, Markdown, JSON, the history's CSV, and a draft PDF.
PDFs are drawn by the background worker: until one is ready its address answers a page that
follows the drawing."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from patterns.selectors import pattern_choices
from workshops import selectors
from workshops.documents.csv import decisions_csv
from workshops.documents.json import decision_to_json
from workshops.documents.markdown import (
    decision_to_markdown,
    madr_file_name,
    record_link,
)
from workshops.documents.pdf import decision_pdf_version, draft_decision, draft_pdf_version
from workshops.forms import DecisionFilterForm
from workshops.models import RecordPdf
from workshops.services.pdfs import (
    WORKER_AWAITED,
    record_pdf_request,
    record_pdf_retry,
    record_pdf_stalled,
)
from workshops.views.request_ids import id_or_none
from workshops.views.room_access import live_response


def _pdf_response(pdf: bytes, *, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(name) or "decision"}.pdf"'
    return response


def _pdf_answer(
    request: HttpRequest,
    pdf: RecordPdf,
    *,
    name: str,
    download_url: str,
    retry_url: str,
    back: tuple[str, str],
) -> HttpResponse:
    """The PDF itself when it is ready (a plain request); otherwise the page that follows its
    drawing (or, polled by htmx, that page's progress panel), which offers the download."""
    if pdf.status == RecordPdf.Status.READY and not request.htmx:
        response = _pdf_response(bytes(pdf.content), name=name)
        # The address serves the record's newest version: check again each time.
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ["HX-Request"])
        return response
    context = _progress(pdf) | {
        "name": name,
        "download_url": download_url,
        "retry_url": retry_url,
        "back_url": back[0],
        "back_label": back[1],
    }
    # The poll is a live page's (static/js/live.js): 304 while the state drawn is the same.
    etag = f"pdf-{pdf.pk}-{context['state']}-{int(context['worker_awaited'])}"
    context["etag"] = f'"{etag}"'
    template = "workshops/pdf_progress.html"
    status = 202 if context["polling"] else 200

    def draw() -> HttpResponse:
        name = f"{template}#pdf-progress" if request.htmx else template
        return render(request, name, context, status=status)

    if request.htmx:
        response = live_response(request, etag, draw)
    else:
        response = draw()
        add_never_cache_headers(response)
    # The same address answers a PDF, a page or a panel: no cache may mix them up.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _progress(pdf: RecordPdf) -> dict:
    """Where the drawing stands, as the page says it."""
    now = timezone.now()
    stalled = record_pdf_stalled(pdf, now=now)
    return {
        "pdf": pdf,
        "state": "stalled" if stalled else pdf.status,
        "polling": pdf.is_pending and not stalled,
        "worker_awaited": pdf.status == RecordPdf.Status.QUEUED
        and now - pdf.requested_at > WORKER_AWAITED,
        "time_limit": settings.PDF_DRAW_TIME_LIMIT,
    }


def _record_pdf_job(request: HttpRequest, decision) -> RecordPdf:
    version = decision_pdf_version(decision)
    return selectors.record_pdf_of_version(version) or record_pdf_request(
        source_version=version, decision=decision, by=request.user
    )


def _record_answer(request: HttpRequest, decision, pdf: RecordPdf) -> HttpResponse:
    ids = {"decision_id": decision.pk}
    return _pdf_answer(
        request,
        pdf,
        name=decision.title,
        download_url=reverse("workshops:decision-pdf", kwargs=ids),
        retry_url=reverse("workshops:decision-pdf-retry", kwargs=ids),
        back=(decision.get_absolute_url(), "Back to the record"),
    )


@login_required
@require_GET
def record_pdf(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = selectors.decision_get_for_member(user=request.user, decision_id=decision_id)
    return _record_answer(request, decision, _record_pdf_job(request, decision))


@login_required
@require_POST
def record_pdf_retry_view(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = selectors.decision_get_for_member(user=request.user, decision_id=decision_id)
    pdf = record_pdf_retry(pdf=_record_pdf_job(request, decision))
    if not request.htmx:
        return redirect("workshops:decision-pdf", decision_id=decision.pk)
    return _record_answer(request, decision, pdf)


def _draft_job(request: HttpRequest, workshop) -> RecordPdf:
    """The drawing the page follows (?drawing=ID), else the draft of the workshop as it is
    now: its key is what the draft prints, so any change gets a fresh one."""
    drawing = id_or_none(request.GET.get("drawing"))
    if drawing is not None:
        pdf = selectors.draft_pdf_get_for_member(
            user=request.user, workshop=workshop, pdf_id=drawing
        )
        if pdf is not None:
            return pdf
    draft = draft_decision(workshop=workshop, by=request.user)
    version = draft_pdf_version(workshop=workshop, by=request.user, draft=draft)
    return selectors.record_pdf_of_version(version) or record_pdf_request(
        source_version=version, workshop=workshop, by=request.user
    )


def _draft_answer(request: HttpRequest, workshop, pdf: RecordPdf) -> HttpResponse:
    ids = {"workshop_id": workshop.pk}
    this_drawing = f"?drawing={pdf.pk}"
    return _pdf_answer(
        request,
        pdf,
        name=f"{workshop.title} draft",
        download_url=reverse("workshops:workshop-draft-pdf", kwargs=ids) + this_drawing,
        retry_url=reverse("workshops:workshop-draft-pdf-retry", kwargs=ids) + this_drawing,
        back=(reverse("workshops:console", kwargs=ids), "Back to the workshop"),
    )


@login_required
@require_GET
def draft_pdf(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    return _draft_answer(request, workshop, _draft_job(request, workshop))


@login_required
@require_POST
def draft_pdf_retry_view(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    pdf = record_pdf_retry(pdf=_draft_job(request, workshop))
    if not request.htmx:
        url = reverse("workshops:workshop-draft-pdf", kwargs={"workshop_id": workshop.pk})
        return redirect(f"{url}?drawing={pdf.pk}")
    return _draft_answer(request, workshop, pdf)


@login_required
@require_GET
def record_json(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = selectors.decision_get_for_member(user=request.user, decision_id=decision_id)
    # Indented and with its own characters (not \u escapes): people read and diff these files.
    response = JsonResponse(
        decision_to_json(decision),
        json_dumps_params={"indent": 2, "ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="decision-{decision.pk}.json"'
    return response


@login_required
@require_GET
def record_markdown(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = selectors.decision_get_for_member(user=request.user, decision_id=decision_id)
    text = decision_to_markdown(
        decision,
        record_url=request.build_absolute_uri(decision.get_absolute_url()),
        supersedes=record_link(decision.supersedes) if decision.supersedes_id else None,
        successors=[record_link(newer) for newer in selectors.decision_successors(decision)],
        changes=selectors.decision_timeline(decision),
    )
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    # MADR's name, which ADR tools look for (Backstage's reads only 0000-….md files).
    response["Content-Disposition"] = f'attachment; filename="{madr_file_name(decision)}"'
    return response


@login_required
@require_GET
def history_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The history list as CSV, with the list's filters and sort, every page of it."""
    teams = list(selectors.teams_of(request.user))
    form = DecisionFilterForm(request.GET, patterns=pattern_choices(), teams=teams)
    decisions = selectors.decisions_filtered(
        selectors.decisions_visible_to(request.user), form.filters(), today=timezone.localdate()
    )

    def url_for(decision_id: int) -> str:
        path = reverse("workshops:decision-detail", kwargs={"decision_id": decision_id})
        return request.build_absolute_uri(path)

    response = StreamingHttpResponse(
        decisions_csv(decisions, url_for=url_for), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="decisions.csv"'
    return response
