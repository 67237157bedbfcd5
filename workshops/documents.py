"""The decision record as documents: which PDF to serve, stored or drawn, and drafts."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.db import transaction
from django.utils import timezone

from patterns.selectors import catalogue_specs, default_monthly_costs
from workshops import selectors
from workshops.console import workflow_view
from workshops.exports.json import FORMAT, decision_to_json
from workshops.exports.pdf import PDF_TEMPLATE_VERSION, render_record_pdf
from workshops.models import Decision, RecordPdf, Workshop
from workshops.snapshot import build_snapshot


def _source_version(decision: Decision) -> str:
    return f"{PDF_TEMPLATE_VERSION}:{decision.updated_at.timestamp():.6f}"


def decision_pdf(decision: Decision) -> bytes:
    """The stored PDF when it was drawn from this very version of the record (every change
    to a decision moves its updated_at); otherwise draw it, store it, and serve that."""
    version = _source_version(decision)
    stored = RecordPdf.objects.filter(decision=decision, source_version=version).first()
    if stored is not None:
        return bytes(stored.content)
    pdf = render_record_pdf(
        context={
            "decision": decision,
            "record": decision.snapshot,
            "changes": selectors.decision_timeline(decision),
            "successors": selectors.decision_successors(decision),
            "draft": decision.status in (Decision.Status.DRAFT, Decision.Status.PROPOSED),
        },
        export=decision_to_json(decision),
    )
    with transaction.atomic():
        RecordPdf.objects.update_or_create(
            decision=decision, defaults={"source_version": version, "content": pdf}
        )
    return pdf


def workshop_draft_pdf(*, workshop: Workshop, by) -> bytes:
    """The record as it would read if decided now: printable at any phase, marked draft."""
    workflows = selectors.workshop_workflows(workshop)
    patterns = catalogue_specs()
    costs = default_monthly_costs()
    chosen = {}
    for workflow in workflows:
        view = workflow_view(workflow, patterns, costs)
        if workflow.candidates:
            chosen[workflow.pk] = workflow.candidates[0]
        elif view.evaluation and view.evaluation.result.recommended:
            chosen[workflow.pk] = view.evaluation.result.recommended.pattern.slug
    now = timezone.now()
    review = timezone.localdate() + timedelta(days=365)
    snapshot = build_snapshot(
        workshop=workshop,
        workflows=workflows,
        patterns=patterns,
        default_costs=costs,
        chosen=chosen,
        rationale="(not decided yet)",
        consequences="",
        review_date=review.isoformat(),
    )
    names = {p.slug: p.name for p in patterns}
    main = chosen.get(workflows[0].pk, "")
    # An unsaved decision: the record's template reads it like a real one.
    draft = Decision(
        team=workshop.team,
        workshop=workshop,
        title=workshop.title,
        status=Decision.Status.DRAFT,
        chosen_pattern=main,
        chosen_pattern_name=names.get(main, ""),
        rationale=snapshot["rationale"],
        review_date=review,
        supersedes=workshop.revisits,
        snapshot=snapshot,
        created_by=by,
        created_at=now,
    )
    export = {
        "format": FORMAT,
        "title": draft.title,
        "status": draft.status,
        "team": workshop.team.name,
        "chosen_pattern": draft.chosen_pattern,
        "chosen_pattern_name": draft.chosen_pattern_name,
        "rationale": draft.rationale,
        "consequences": "",
        "review_date": review.isoformat(),
        "decided_at": None,
        "created_at": now.astimezone(UTC).isoformat(),
        "status_changes": [
            {
                "from": None,
                "to": "draft",
                "by": by.get_username(),
                "at": now.astimezone(UTC).isoformat(),
                "note": "Printed from the workshop console.",
            }
        ],
        "supersedes": workshop.revisits.title if workshop.revisits_id else None,
        "snapshot": snapshot,
    }
    return render_record_pdf(
        context={
            "decision": draft,
            "record": snapshot,
            "changes": [],
            "successors": [],
            "draft": True,
        },
        export=export,
    )
