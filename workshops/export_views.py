"""Downloads of a decision record: the JSON document (PDF and Markdown join it later)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from workshops import selectors
from workshops.exports.json import decision_to_json


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
