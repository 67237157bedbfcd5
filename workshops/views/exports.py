"""A team's decisions as a zip of MADR files, laid out to be committed beside the code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from workshops import selectors
from workshops.documents.markdown import decisions_to_madr_zip


@login_required
@require_GET
def team_decisions_zip(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get_for_member(user=request.user, team_id=team_id)
    decisions = selectors.team_decision_records(team)
    response = HttpResponse(
        decisions_to_madr_zip(decisions, record_url=request.build_absolute_uri),
        content_type="application/zip",
    )
    name = f"{slugify(team.name) or 'team'}-decisions.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
