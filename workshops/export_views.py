"""Downloads of a decision record: the JSON document (PDF and Markdown join it later)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from workshops import selectors
from workshops.exports.json import decision_to_json
from workshops.exports.markdown import RecordLink, decision_to_markdown


@login_required
@require_GET
def decision_json(request: HttpRequest, decision_id: int) -> HttpResponse:
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
def decision_markdown(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = selectors.decision_get_for_member(user=request.user, decision_id=decision_id)

    def link(other) -> RecordLink:
        url = request.build_absolute_uri(other.get_absolute_url())
        return RecordLink(title=other.title, url=url, status=other.status)

    text = decision_to_markdown(
        decision,
        record_url=request.build_absolute_uri(decision.get_absolute_url()),
        supersedes=link(decision.supersedes) if decision.supersedes_id else None,
        successors=[link(newer) for newer in selectors.decision_successors(decision)],
        changes=selectors.decision_timeline(decision),
    )
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="decision-{decision.pk}.md"'
    return response
