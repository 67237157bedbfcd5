"""The decision record as a PDF: a stored drawing for records, a fresh one for drafts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from workshops import documents, selectors


def _pdf_response(pdf: bytes, *, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(name) or "decision"}.pdf"'
    return response


@login_required
@require_GET
def decision_pdf(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = selectors.decision_get_for_member(user=request.user, decision_id=decision_id)
    return _pdf_response(documents.decision_pdf(decision), name=decision.title)


@login_required
@require_GET
def workshop_draft_pdf(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    pdf = documents.workshop_draft_pdf(workshop=workshop, by=request.user)
    return _pdf_response(pdf, name=f"{workshop.title} draft")
