"""Writes of workshops: creating, the clock and its phases, the timebox, the attendees."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from patterns.selectors import catalogue_specs
from workshops.assessment import assess_workflow
from workshops.models import Participant, Team, Workflow, Workshop
from workshops.phases import MATCH_PHASE, PHASES
from workshops.rules.timebox import phase_spent_after_leaving, validate_budget
from workshops.selectors import workshop_workflows
from workshops.services.locking import save_versioned
from workshops.services.room import room_changed


@transaction.atomic
def workshop_create(
    *,
    team: Team,
    title: str,
    scheduled_at: datetime,
    facilitator,
    description: str = "",
    workflow_fields: Mapping[str, Any] | None = None,
    revisits=None,
) -> Workshop:
    """A workshop with its workflow; pre-filled from an earlier decision when revisiting."""
    workshop = Workshop.objects.create(
        team=team,
        title=title,
        scheduled_at=scheduled_at,
        facilitator=facilitator,
        description=description,
        revisits=revisits,
    )
    Workflow.objects.create(workshop=workshop, **{"name": title, **(workflow_fields or {})})
    return workshop


@transaction.atomic
def workshop_start(*, workshop: Workshop, now: datetime | None = None) -> Workshop:
    """Start the clock on the current phase (the first, usually)."""
    now = now or timezone.now()
    if workshop.status == Workshop.Status.DRAFT:
        workshop.status = Workshop.Status.LIVE
        workshop.started_at = now
        workshop.phase_started_at = now
        workshop.save(update_fields=["status", "started_at", "phase_started_at", "updated_at"])
        room_changed(workshop_id=workshop.pk)
    return workshop


@transaction.atomic
def phase_go(*, workshop: Workshop, phase: int, now: datetime | None = None) -> Workshop:
    """Move to `phase`, back or forward; the time spent so far stays with the phase left."""
    if phase not in {p.number for p in PHASES}:
        raise ValidationError({"phase": f"Choose a phase from 1 to {len(PHASES)}."})
    now = now or timezone.now()
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.status == Workshop.Status.LIVE and phase != workshop.current_phase:
        workshop.phase_seconds = phase_spent_after_leaving(
            workshop.phase_seconds,
            phases=PHASES,
            phase=workshop.current_phase,
            started_at=workshop.phase_started_at,
            now=now,
        )
        # A paused clock stays paused in the next phase.
        workshop.phase_started_at = None if workshop.paused_at else now
    if workshop.current_phase <= MATCH_PHASE.number < phase:
        _default_candidates(workshop)
    workshop.current_phase = phase
    workshop.save(
        update_fields=["current_phase", "phase_seconds", "phase_started_at", "updated_at"]
    )
    room_changed(workshop_id=workshop.pk)
    return workshop


def _default_candidates(workshop: Workshop) -> None:
    """Moving past the match with no candidates picked takes what phase 3 preselected (the
    engine's recommendation) as the candidate, as if the group had saved the form."""
    patterns = catalogue_specs()
    for workflow in workshop_workflows(workshop):
        if workflow.candidates:
            continue
        if default := assess_workflow(workflow, patterns).default_choice:
            Workflow.objects.filter(pk=workflow.pk).update(
                candidates=[default], version=F("version") + 1, updated_at=timezone.now()
            )


def workshop_update(*, workshop: Workshop, version: int, fields: Mapping[str, Any]) -> Workshop:
    budget = fields.get("budget_minutes")
    if budget is not None and (problems := validate_budget(budget, phases=PHASES)):
        raise ValidationError({"budget_minutes": problems})
    return save_versioned(workshop, version=version, fields=fields)


def participant_add(*, workshop: Workshop, name: str, role: str, involvement: str, user=None):
    participant = Participant.objects.create(
        workshop=workshop, name=name, role=role, involvement=involvement, user=user
    )
    room_changed(workshop_id=workshop.pk)
    return participant


def participant_update(*, participant: Participant, fields: Mapping[str, Any]) -> Participant:
    for name, value in fields.items():
        setattr(participant, name, value)
    participant.save()
    room_changed(workshop_id=participant.workshop_id)
    return participant


def participant_remove(*, participant: Participant) -> None:
    """Take the participant out of the workshop, with what they contributed; a participant
    who joined from a device is refused from their next request on."""
    workshop_id = participant.workshop_id
    participant.delete()
    room_changed(workshop_id=workshop_id)
