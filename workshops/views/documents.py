"""Downloads of decision records: PDF, Markdown, JSON, the history's CSV, and a draft PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from patterns.selectors import pattern_choices
from workshops import selectors
from workshops.documents.csv import decisions_csv
from workshops.documents.json import decision_to_json
from workshops.documents.markdown import decision_to_markdown, madr_file_name, record_link
from workshops.documents.pdf import decision_pdf, workshop_draft_pdf
from workshops.forms import DecisionFilterForm


def _pdf_response(pdf: bytes, *, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(name) or "decision"}.pdf"'
    return response


@login_required
@require_GET
def record_pdf(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = selectors.decision_get_for_member(user=request.user, decision_id=decision_id)
    return _pdf_response(decision_pdf(decision), name=decision.title)


@login_required
@require_GET
def draft_pdf(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    pdf = workshop_draft_pdf(workshop=workshop, by=request.user)
    return _pdf_response(pdf, name=f"{workshop.title} draft")


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
