"""Writes: teams, workshops, phases, participants, workflows; keyword-only and atomic."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from patterns.selectors import catalogue_specs, default_monthly_costs
from workshops.models import (
    REQUIREMENT_FIELDS,
    CostEstimate,
    Decision,
    Membership,
    Participant,
    Risk,
    StatusChange,
    Team,
    Workflow,
    Workshop,
)
from workshops.selectors import workshop_workflows
from workshops.snapshot import build_snapshot
from workshops.timebox import phase_spent_after_leaving, validate_budget


class EditConflict(Exception):
    """Someone else saved the same object since this form was loaded."""

    def __init__(self, current: Model):
        super().__init__("changed by someone else")
        self.current = current


def _save_versioned(instance: Model, *, version: int, fields: Mapping[str, Any]) -> Model:
    """Write `fields` only if nobody saved since `version` was read (optimistic locking).

    One UPDATE ... WHERE version = ?: two app servers saving at once cannot both win.
    """
    model = type(instance)
    values = dict(fields)
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    updated = model.objects.filter(pk=instance.pk, version=version).update(
        **values, version=F("version") + 1
    )
    if not updated:
        raise EditConflict(model.objects.get(pk=instance.pk))
    instance.refresh_from_db()
    return instance


# --- teams -------------------------------------------------------------------------------


@transaction.atomic
def team_create(*, name: str, creator) -> Team:
    team = Team.objects.create(name=name)
    Membership.objects.create(team=team, user=creator)
    return team


@transaction.atomic
def team_member_add(*, team: Team, username: str) -> Membership:
    User = get_user_model()
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist:
        raise ValidationError({"username": f"No user is called “{username}”."}) from None
    if Membership.objects.filter(team=team, user=user).exists():
        raise ValidationError({"username": f"{username} is already in {team.name}."})
    return Membership.objects.create(team=team, user=user)


# --- workshops ---------------------------------------------------------------------------


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
    return workshop


@transaction.atomic
def phase_go(*, workshop: Workshop, phase: int, now: datetime | None = None) -> Workshop:
    """Move to `phase`, back or forward; the time spent so far stays with the phase left."""
    if not 1 <= phase <= 5:
        raise ValidationError({"phase": "Choose a phase from 1 to 5."})
    now = now or timezone.now()
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.status == Workshop.Status.LIVE and phase != workshop.current_phase:
        workshop.phase_seconds = phase_spent_after_leaving(
            workshop.phase_seconds,
            phase=workshop.current_phase,
            started_at=workshop.phase_started_at,
            now=now,
        )
        workshop.phase_started_at = now
    workshop.current_phase = phase
    workshop.save(
        update_fields=["current_phase", "phase_seconds", "phase_started_at", "updated_at"]
    )
    return workshop


def workshop_update(*, workshop: Workshop, version: int, fields: Mapping[str, Any]) -> Workshop:
    budget = fields.get("budget_minutes")
    if budget is not None and (problems := validate_budget(budget)):
        raise ValidationError({"budget_minutes": problems})
    return _save_versioned(workshop, version=version, fields=fields)


# --- participants --------------------------------------------------------------------------


def participant_add(*, workshop: Workshop, name: str, role: str, involvement: str, user=None):
    return Participant.objects.create(
        workshop=workshop, name=name, role=role, involvement=involvement, user=user
    )


def participant_update(*, participant: Participant, fields: Mapping[str, Any]) -> Participant:
    for name, value in fields.items():
        setattr(participant, name, value)
    participant.save()
    return participant


def participant_remove(*, participant: Participant) -> None:
    participant.delete()


# --- workflows ---------------------------------------------------------------------------


def workflow_update(*, workflow: Workflow, version: int, fields: Mapping[str, Any]) -> Workflow:
    return _save_versioned(workflow, version=version, fields=fields)


@transaction.atomic
def workflow_split(*, workflow: Workflow, names: tuple[str, ...]) -> list[Workflow]:
    """Split a workflow into parts (a hybrid); each starts from the whole's requirements."""
    if workflow.parent_id is not None:
        raise ValidationError("Only the whole workflow can be split into parts.")
    start = workflow.parts.count()
    copied = {name: getattr(workflow, name) for name in REQUIREMENT_FIELDS}
    return [
        Workflow.objects.create(
            workshop=workflow.workshop,
            parent=workflow,
            position=start + offset + 1,
            name=name,
            **copied,
        )
        for offset, name in enumerate(names)
    ]


def workflow_part_remove(*, part: Workflow) -> None:
    if part.parent_id is None:
        raise ValidationError("The whole workflow cannot be removed.")
    part.delete()


@transaction.atomic
def tradeoffs_save(
    *,
    workflow: Workflow,
    version: int,
    pattern_slug: str,
    risks: list[Mapping[str, Any]],
    cost: Mapping[str, Any],
) -> Workflow:
    """Save one candidate's top risks (a blank title removes that rank) and its cost inputs."""
    workflow = _save_versioned(workflow, version=version, fields={})
    for risk in risks:
        values = dict(risk)
        rank = values.pop("rank")
        if not values["title"]:
            Risk.objects.filter(workflow=workflow, pattern_slug=pattern_slug, rank=rank).delete()
            continue
        Risk.objects.update_or_create(
            workflow=workflow, pattern_slug=pattern_slug, rank=rank, defaults=values
        )
    CostEstimate.objects.update_or_create(
        workflow=workflow, pattern_slug=pattern_slug, defaults=dict(cost)
    )
    return workflow


@transaction.atomic
def risk_from_pitfall(
    *, workflow: Workflow, pattern_slug: str, pitfall_slug: str, title: str, mitigation: str
) -> Risk | None:
    """Put an engine pitfall into the first free risk rank of a candidate (None when full)."""
    taken = set(
        Risk.objects.filter(workflow=workflow, pattern_slug=pattern_slug).values_list(
            "rank", flat=True
        )
    )
    free = next((rank for rank in (1, 2, 3) if rank not in taken), None)
    if free is None:
        return None
    Workflow.objects.filter(pk=workflow.pk).update(version=F("version") + 1)
    return Risk.objects.create(
        workflow=workflow,
        pattern_slug=pattern_slug,
        rank=free,
        title=title,
        likelihood=3,
        impact=3,
        mitigation=mitigation,
        raised_by=Risk.RaisedBy.ENGINEERING,
        pitfall_slug=pitfall_slug,
    )


# --- decisions ---------------------------------------------------------------------------


def team_decisions_changed(*, team_id: int) -> None:
    """Every write to a team's decisions calls this: cached lists of them are redrawn."""
    Team.objects.filter(pk=team_id).update(decisions_version=F("decisions_version") + 1)


# Who may follow whom. "superseded" is never chosen by hand: accepting a revisit does it.
TRANSITIONS: dict[str, frozenset[str]] = {
    Decision.Status.DRAFT: frozenset({"proposed", "accepted", "rejected"}),
    Decision.Status.PROPOSED: frozenset({"draft", "accepted", "rejected"}),
    Decision.Status.ACCEPTED: frozenset({"deprecated"}),
    Decision.Status.REJECTED: frozenset(),
    Decision.Status.DEPRECATED: frozenset(),
    Decision.Status.SUPERSEDED: frozenset(),
}
OPEN_STATUSES = (Decision.Status.DRAFT, Decision.Status.PROPOSED)


def _search_text(workshop: Workshop, workflows) -> str:
    parts = [workshop.title, workshop.description]
    for workflow in workflows:
        parts += [workflow.name, workflow.description, workflow.source_system]
        parts += [workflow.target_system, workflow.data_elements]
    return "\n".join(part for part in parts if part)


@transaction.atomic
def decision_record(
    *,
    workshop: Workshop,
    by,
    chosen: Mapping[int, str],
    rationale: str,
    consequences: str,
    review_date: date | None,
    now: datetime | None = None,
) -> Decision:
    """Write the workshop's open decision (draft or proposed) from its current state."""
    now = now or timezone.now()
    if workshop.decisions.filter(status=Decision.Status.ACCEPTED).exists():
        raise ValidationError(
            "This workshop's decision is accepted and frozen; revisit it to change it."
        )
    workflows = workshop_workflows(workshop)
    patterns = catalogue_specs()
    names = {p.slug: p.name for p in patterns}
    main = chosen.get(workflows[0].pk) or next(
        (chosen[w.pk] for w in workflows[1:] if chosen.get(w.pk)), ""
    )
    decision = workshop.decisions.filter(status__in=OPEN_STATUSES).first()
    if decision is None:
        decision = Decision(team=workshop.team, workshop=workshop, created_by=by)
    decision.title = workshop.title
    decision.chosen_pattern = main
    decision.chosen_pattern_name = names.get(main, "")
    decision.rationale = rationale
    decision.consequences = consequences
    decision.review_date = review_date
    decision.supersedes = workshop.revisits
    decision.search_text = _search_text(workshop, workflows)
    decision.snapshot = build_snapshot(
        workshop=workshop,
        workflows=workflows,
        patterns=patterns,
        default_costs=default_monthly_costs(),
        chosen=chosen,
        rationale=rationale,
        consequences=consequences,
        review_date=review_date.isoformat() if review_date else None,
    )
    is_new = decision.pk is None
    decision.save()
    team_decisions_changed(team_id=decision.team_id)
    if is_new and decision.supersedes_id:
        # The older record lists its successors: its cached drawing must be redrawn.
        Decision.objects.filter(pk=decision.supersedes_id).update(updated_at=now)
    if is_new:
        StatusChange.objects.create(
            decision=decision, to_status=decision.status, changed_by=by, changed_at=now
        )
    return decision


@transaction.atomic
def decision_transition(
    *, decision: Decision, to_status: str, by, note: str = "", now: datetime | None = None
) -> Decision:
    """Move a decision along its lifecycle, dated and attributed; accepting a revisit
    supersedes the decision it reconsiders."""
    now = now or timezone.now()
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if to_status not in TRANSITIONS[decision.status]:
        raise ValidationError(
            f"A {decision.get_status_display().lower()} decision cannot become {to_status}."
        )
    StatusChange.objects.create(
        decision=decision,
        from_status=decision.status,
        to_status=to_status,
        changed_by=by,
        changed_at=now,
        note=note,
    )
    decision.status = to_status
    if to_status == Decision.Status.ACCEPTED:
        decision.decided_at = now
        if decision.workshop_id:
            Workshop.objects.filter(pk=decision.workshop_id).update(status=Workshop.Status.DECIDED)
        old = decision.supersedes
        if old is not None and old.status == Decision.Status.ACCEPTED:
            StatusChange.objects.create(
                decision=old,
                from_status=old.status,
                to_status=Decision.Status.SUPERSEDED,
                changed_by=by,
                changed_at=now,
                note=f"Superseded by “{decision.title}”.",
            )
            Decision.objects.filter(pk=old.pk).update(
                status=Decision.Status.SUPERSEDED, updated_at=now
            )
    decision.save(update_fields=["status", "decided_at", "updated_at"])
    team_decisions_changed(team_id=decision.team_id)
    return decision


REVISIT_FIELDS = (
    *REQUIREMENT_FIELDS,
    "trigger",
    "granularity",
    "consistency",
    "failure",
)


@transaction.atomic
def decision_revisit(*, decision: Decision, by, now: datetime | None = None) -> Workshop:
    """A new workshop pre-filled from the decision's record; accepting it supersedes this one."""
    recorded = (decision.snapshot.get("workflows") or [{}])[0]
    fields: dict[str, Any] = {}
    for name in REQUIREMENT_FIELDS:
        if name in recorded:
            fields[name] = recorded[name]
    fields.update({k: v for k, v in (recorded.get("profile") or {}).items() if v})
    if latency := recorded.get("latency"):
        fields["latency_value"], fields["latency_unit"] = latency["value"], latency["unit"]
    if volume := recorded.get("volume"):
        fields["volume_value"], fields["volume_unit"] = volume["value"], volume["unit"]
    for key, name in (("10s", "delay_10s"), ("10m", "delay_10m"), ("1h", "delay_1h")):
        fields[name] = (recorded.get("delay_answers") or {}).get(key, "")
    fields = {k: v for k, v in fields.items() if k in REVISIT_FIELDS and v is not None}
    return workshop_create(
        team=decision.team,
        title=f"{decision.title} (revisited)",
        scheduled_at=now or timezone.now(),
        facilitator=by,
        description=f"Revisits the decision “{decision.title}”.",
        workflow_fields=fields,
        revisits=decision,
    )
