"""A team's decisions as a zip of MADR files, laid out to be committed beside the code."""

from __future__ import annotations

import zipfile
from collections import defaultdict
from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from workshops import selectors
from workshops.documents.markdown import decision_to_markdown, madr_file_name, record_link
from workshops.models import Decision

# Where MADR keeps decisions in a repository (its own and its template's default).
MADR_FOLDER = "docs/decisions"


@login_required
@require_GET
def team_decisions_zip(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get_for_member(user=request.user, team_id=team_id)
    decisions = selectors.team_decision_records(team)
    response = HttpResponse(
        _madr_zip(decisions, record_url=request.build_absolute_uri),
        content_type="application/zip",
    )
    name = f"{slugify(team.name) or 'team'}-decisions.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _madr_zip(decisions: list[Decision], *, record_url) -> bytes:
    """The decisions as `docs/decisions/0001-….md` files, in a zip built in memory. Every
    name is the team's number and a slug (ASCII letters, digits, dashes): nothing a user
    typed can reach outside the folder."""
    successors: dict[int, list[Decision]] = defaultdict(list)
    for decision in decisions:
        if decision.supersedes_id:
            successors[decision.supersedes_id].append(decision)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for decision in decisions:
            text = decision_to_markdown(
                decision,
                record_url=record_url(decision.get_absolute_url()),
                supersedes=record_link(decision.supersedes) if decision.supersedes_id else None,
                successors=[record_link(newer) for newer in successors[decision.pk]],
                changes=list(decision.changes.all()),
            )
            entry = zipfile.ZipInfo(
                f"{MADR_FOLDER}/{madr_file_name(decision)}",
                # The record's own time, not the download's: unzipping twice changes nothing.
                date_time=timezone.localtime(decision.updated_at).timetuple()[:6],
            )
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16  # rw-r--r-- once unzipped
            archive.writestr(entry, text.encode("utf-8"))
    return buffer.getvalue()
