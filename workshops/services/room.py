"""Writes of the room: joining, the invite, ready signals, the clock's pause, the facilitator
hand-off, and what participants contribute (delay answers, votes, proposed risks, dots,
consent). Every write moves the workshop's room_version, which the live pages poll."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from patterns.models import Consistency, Failure, Granularity, Trigger
from workshops.models import (
    Consent,
    Decision,
    DelayResponse,
    Dimension,
    DimensionVote,
    Participant,
    Risk,
    RiskDot,
    RiskProposal,
    Workflow,
    Workshop,
    new_device_token,
    new_invite_code,
    new_join_code,
)
from workshops.rules.room import DOTS_PER_CANDIDATE
from workshops.rules.timebox import phase_spent_after_leaving
from workshops.services.locking import save_versioned

# The values each dimension takes, in the order the pages show them.
DIMENSION_VALUES: dict[str, tuple[str, ...]] = {
    Dimension.TRIGGER: tuple(Trigger.values),
    Dimension.GRANULARITY: tuple(Granularity.values),
    Dimension.CONSISTENCY: tuple(Consistency.values),
    Dimension.FAILURE: tuple(Failure.values),
}
DELAY_FIELDS = ("delay_10s", "delay_10m", "delay_1h")


def room_changed(*, workshop_id: int) -> None:
    """Tell every poll of the workshop's live pages that something they show has changed."""
    Workshop.objects.filter(pk=workshop_id).update(room_version=F("room_version") + 1)


def workshop_joinable(workshop: Workshop) -> str | None:
    """Why nobody can join the workshop now, or None when they can."""
    if workshop.status == Workshop.Status.DECIDED:
        return "This workshop is decided: it takes no new participants."
    if not workshop.joining_open:
        return "The facilitator has closed joining for this workshop."
    return None


# --- joining and the invite --------------------------------------------------------------


@transaction.atomic
def participant_join(
    *,
    workshop: Workshop,
    name: str,
    role: str,
    involvement: str = Participant.Involvement.CONSULTED,
) -> Participant:
    """A participant who joined from their own device; its device token is what the
    browser keeps to prove who it is."""
    if reason := workshop_joinable(workshop):
        raise ValidationError(reason)
    participant = Participant.objects.create(
        workshop=workshop,
        name=name,
        role=role,
        involvement=involvement,
        device_token=new_device_token(),
    )
    room_changed(workshop_id=workshop.pk)
    return participant


@transaction.atomic
def invite_rotate(*, workshop: Workshop) -> Workshop:
    """A new invite link and short code; the old ones stop working. Who has joined stays."""
    workshop.invite_code = new_invite_code()
    workshop.join_code = new_join_code()
    workshop.save(update_fields=["invite_code", "join_code", "updated_at"])
    room_changed(workshop_id=workshop.pk)
    return workshop


@transaction.atomic
def joining_set(*, workshop: Workshop, open: bool) -> Workshop:
    workshop.joining_open = open
    workshop.save(update_fields=["joining_open", "updated_at"])
    room_changed(workshop_id=workshop.pk)
    return workshop


@transaction.atomic
def facilitator_hand_off(*, workshop: Workshop, to_user: AbstractBaseUser) -> Workshop:
    """Make another member of the workshop's team its facilitator."""
    if not workshop.team.memberships.filter(user=to_user).exists():
        raise ValidationError("Only a member of this workshop's team can facilitate it.")
    if not to_user.is_active:
        raise ValidationError("This account cannot sign in: it cannot facilitate.")
    workshop.facilitator = to_user
    workshop.save(update_fields=["facilitator", "updated_at"])
    room_changed(workshop_id=workshop.pk)
    return workshop


# --- the clock and the ready signal --------------------------------------------------------


@transaction.atomic
def clock_pause(*, workshop: Workshop, now: datetime | None = None) -> Workshop:
    """Stop the clock: the current phase keeps the time spent so far."""
    now = now or timezone.now()
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.status != Workshop.Status.LIVE or workshop.paused_at is not None:
        return workshop
    workshop.phase_seconds = phase_spent_after_leaving(
        workshop.phase_seconds,
        phases=_phases(),
        phase=workshop.current_phase,
        started_at=workshop.phase_started_at,
        now=now,
    )
    workshop.phase_started_at = None
    workshop.paused_at = now
    workshop.save(update_fields=["phase_seconds", "phase_started_at", "paused_at", "updated_at"])
    room_changed(workshop_id=workshop.pk)
    return workshop


@transaction.atomic
def clock_resume(*, workshop: Workshop, now: datetime | None = None) -> Workshop:
    now = now or timezone.now()
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.paused_at is None:
        return workshop
    workshop.paused_at = None
    workshop.phase_started_at = now
    workshop.save(update_fields=["paused_at", "phase_started_at", "updated_at"])
    room_changed(workshop_id=workshop.pk)
    return workshop


def _phases():
    # workshops.phases imports the forms, which import the services' models; read at call time.
    from workshops.phases import PHASES

    return PHASES


def ready_set(*, participant: Participant, ready: bool) -> Participant:
    """Signal (or take back) being ready to leave the workshop's current phase."""
    # A spectator's signal would count for nothing (ReadyCount leaves them out), and a
    # decided workshop has no phase left to leave: both are refused like their votes.
    _refuse_spectator(participant)
    _refuse_decided(participant)
    phase = participant.workshop.current_phase
    participant.ready_phase = phase if ready else None
    Participant.objects.filter(pk=participant.pk).update(ready_phase=participant.ready_phase)
    room_changed(workshop_id=participant.workshop_id)
    return participant


# --- what participants contribute ------------------------------------------------------------


def _refuse_spectator(participant: Participant) -> None:
    if participant.is_spectator:
        raise ValidationError("Spectators follow the workshop but do not vote.")


def _refuse_decided(participant: Participant) -> None:
    if participant.workshop.status == Workshop.Status.DECIDED:
        raise ValidationError("This workshop is decided: its answers are kept as they were.")


def _check_workflow(participant: Participant, workflow: Workflow) -> None:
    if workflow.workshop_id != participant.workshop_id:
        raise ValidationError("That workflow is not part of your workshop.")


@transaction.atomic
def delay_answer(
    *, participant: Participant, workflow: Workflow, answers: Mapping[str, str]
) -> DelayResponse:
    """Record the participant's answers to the delay questions (only those given change)."""
    _refuse_spectator(participant)
    _refuse_decided(participant)
    _check_workflow(participant, workflow)
    values = {}
    for field in DELAY_FIELDS:
        if field in answers:
            answer = answers[field]
            if answer not in ("", "fine", "degraded", "unacceptable"):
                raise ValidationError({field: "Choose fine, degraded or unacceptable."})
            values[field] = answer
    response, _created = DelayResponse.objects.update_or_create(
        participant=participant, workflow=workflow, defaults=values
    )
    room_changed(workshop_id=participant.workshop_id)
    return response


@transaction.atomic
def dimension_vote(
    *, participant: Participant, workflow: Workflow, dimension: str, value: str, reason: str = ""
) -> DimensionVote:
    """Cast or change the participant's vote on one dimension, with an optional reason."""
    _refuse_spectator(participant)
    _refuse_decided(participant)
    _check_workflow(participant, workflow)
    if dimension not in DIMENSION_VALUES:
        raise ValidationError({"dimension": "Choose one of the four dimensions."})
    if value not in DIMENSION_VALUES[dimension]:
        raise ValidationError({"value": "Choose one of this dimension's values."})
    vote, _created = DimensionVote.objects.update_or_create(
        participant=participant,
        workflow=workflow,
        dimension=dimension,
        defaults={"value": value, "reason": reason.strip()[:200]},
    )
    room_changed(workshop_id=participant.workshop_id)
    return vote


def votes_reveal(*, workflow: Workflow, revealed: bool = True) -> Workflow:
    """Show the room's dimension votes to everyone (or hide them again)."""
    Workflow.objects.filter(pk=workflow.pk).update(votes_revealed=revealed)
    workflow.votes_revealed = revealed
    room_changed(workshop_id=workflow.workshop_id)
    return workflow


def room_answers_apply(*, workflow: Workflow, version: int, fields: Mapping[str, str]) -> Workflow:
    """Write what the room settled on (the group's delay answers, or the profile the majority
    voted) into the workflow's own answers, with optimistic locking like any other save."""
    workflow = save_versioned(workflow, version=version, fields=fields)
    room_changed(workshop_id=workflow.workshop_id)
    return workflow


@transaction.atomic
def risk_propose(
    *, participant: Participant, workflow: Workflow, pattern_slug: str, title: str, mitigation=""
) -> RiskProposal:
    """A risk the participant proposes for one of the workflow's candidate patterns."""
    _refuse_spectator(participant)
    _refuse_decided(participant)
    _check_workflow(participant, workflow)
    if pattern_slug not in (workflow.candidates or []):
        raise ValidationError({"pattern_slug": "Choose one of the candidate patterns."})
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Say what could go wrong."})
    proposal = RiskProposal.objects.create(
        workflow=workflow,
        pattern_slug=pattern_slug,
        participant=participant,
        title=title[:200],
        mitigation=mitigation.strip()[:300],
    )
    room_changed(workshop_id=participant.workshop_id)
    return proposal


@transaction.atomic
def risk_dot_toggle(*, participant: Participant, proposal: RiskProposal) -> bool:
    """Put one of the participant's dots on the proposal, or take it back; True when the
    proposal now has the participant's dot."""
    _refuse_spectator(participant)
    _refuse_decided(participant)
    if proposal.workflow.workshop_id != participant.workshop_id:
        raise ValidationError("That risk is not part of your workshop.")
    # Two quick clicks must not both spend the last dot: the participant's row is locked
    # while their dots are counted.
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    mine = RiskDot.objects.filter(
        participant=participant,
        proposal__workflow=proposal.workflow,
        proposal__pattern_slug=proposal.pattern_slug,
    )
    existing = mine.filter(proposal=proposal).first()
    if existing is not None:
        existing.delete()
        placed = False
    else:
        if mine.count() >= DOTS_PER_CANDIDATE:
            raise ValidationError(
                f"You have placed your {DOTS_PER_CANDIDATE} dots for this candidate; "
                "take one back to move it."
            )
        RiskDot.objects.create(participant=participant, proposal=proposal)
        placed = True
    room_changed(workshop_id=participant.workshop_id)
    return placed


@transaction.atomic
def risks_adopt(*, workflow: Workflow, version: int, pattern_slug: str, proposals) -> list[Risk]:
    """Make the room's top proposals (workshops.rules.room.top_risks) the candidate's risks,
    ranked by their dots, with who raised each (their role); the facilitator edits them
    afterwards like any other risk. The candidate's earlier risks give way."""
    workflow = save_versioned(workflow, version=version, fields={})
    Risk.objects.filter(workflow=workflow, pattern_slug=pattern_slug).delete()
    raised_by = set(Risk.RaisedBy.values)
    risks = [
        Risk.objects.create(
            workflow=workflow,
            pattern_slug=pattern_slug,
            rank=rank,
            title=proposal.title,
            likelihood=3,
            impact=3,
            mitigation=proposal.mitigation,
            raised_by=proposal.role if proposal.role in raised_by else Risk.RaisedBy.OTHER,
        )
        for rank, proposal in enumerate(proposals, 1)
    ]
    room_changed(workshop_id=workflow.workshop_id)
    return risks


# --- consent on a proposed decision -------------------------------------------------------


@transaction.atomic
def consent_record(
    *, participant: Participant, decision: Decision, answer: str, reason: str = ""
) -> Consent:
    """A decision-maker's agree, abstain or object (an objection says why) on the proposed
    decision of their workshop."""
    if decision.workshop_id != participant.workshop_id:
        raise ValidationError("That decision is not your workshop's.")
    # Read afresh and locked: a decision accepted a moment ago refuses consent, and two
    # answers at once each see the other's in the record.
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.PROPOSED:
        raise ValidationError("Consent is asked while a decision is proposed; this one is not.")
    if not participant.can_consent:
        raise ValidationError("Only the workshop's decision-makers record consent.")
    if answer not in Consent.Answer.values:
        raise ValidationError({"answer": "Choose agree, abstain or object."})
    reason = reason.strip()
    if answer == Consent.Answer.OBJECT and not reason:
        raise ValidationError({"reason": "Say why you object, so that the group can answer it."})
    consent, _created = Consent.objects.update_or_create(
        decision=decision,
        participant=participant,
        defaults={"answer": answer, "reason": reason[:300]},
    )
    # The record shows who consented to what (it is not frozen until accepted), and its
    # drawings follow its updated_at. workshops.snapshot builds on these services' models
    # and imports this module: read at call time.
    from workshops.snapshot import decision_consent

    decision.snapshot = {**decision.snapshot, "consent": decision_consent(decision)}
    decision.save(update_fields=["snapshot", "updated_at"])
    room_changed(workshop_id=participant.workshop_id)
    return consent
