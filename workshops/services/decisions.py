"""Writes of decisions: recording, the lifecycle, revisiting, importing, the figures noted
on a record since (beside its frozen snapshot), the stored PDF."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from patterns.selectors import catalogue_specs, default_monthly_costs
from patterns.wire import as_dict, as_dicts
from workshops.documents.json import ChangeRecord, export_fingerprint, parse_export
from workshops.models import (
    Decision,
    DecisionChoice,
    FigureNote,
    LatencyUnit,
    StatusChange,
    Team,
    VolumeUnit,
    Workshop,
)
from workshops.rules.review import crossings, revisit_fields
from workshops.selectors import users_by_username, workshop_workflows
from workshops.services.room import room_changed
from workshops.services.workflows import tradeoffs_restore, workflow_part_add
from workshops.services.workshops import participant_add, workshop_create
from workshops.snapshot import (
    compose_decision,
    recorded_choices,
    recorded_people,
    recorded_workflows,
)

MAX_CHANGE_NOTE = StatusChange._meta.get_field("note").max_length
CHOICE_PART_NAME = DecisionChoice._meta.get_field("part_name").max_length
CHOICE_SLUG = DecisionChoice._meta.get_field("pattern_slug").max_length
CHOICE_PATTERN_NAME = DecisionChoice._meta.get_field("pattern_name").max_length


def team_decisions_changed(*, team_id: int) -> None:
    """Every write to a team's decisions calls this: cached lists of them are redrawn."""
    Team.objects.filter(pk=team_id).update(decisions_version=F("decisions_version") + 1)


def decision_number_next(*, team_id: int) -> int:
    """The number the team's next decision gets (MADR's 0001-title.md): one past its highest,
    so that a number stays with its decision. Locks the team until the transaction ends, so
    that two decisions created at once never get one number (the database refuses that too)."""
    Team.objects.select_for_update().filter(pk=team_id).values_list("pk", flat=True).get()
    highest = Decision.objects.filter(team_id=team_id).aggregate(highest=Max("number"))
    return (highest["highest"] or 0) + 1


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


def record_search_text(snapshot: Mapping[str, Any]) -> str:
    """What the history's search reads of a record: its titles, descriptions and systems, why
    each pattern was chosen, the risks' titles and mitigations, and the dimension notes."""
    workshop = as_dict(snapshot.get("workshop"))
    parts: list[Any] = [
        workshop.get("title") or snapshot.get("title"),
        workshop.get("description"),
        snapshot.get("rationale"),
    ]
    for workflow in as_dicts(snapshot.get("workflows")):
        parts += [workflow.get(key) for key in ("name", "description", "source_system")]
        parts += [workflow.get(key) for key in ("target_system", "data_elements", "rationale")]
        parts += as_dict(workflow.get("notes")).values()
        for candidate in as_dicts(workflow.get("candidates")):
            for risk in as_dicts(candidate.get("risks")):
                parts += [risk.get("title"), risk.get("mitigation")]
    # A part's reason repeats the whole's in records from before per-part reasons: once is enough.
    return "\n".join(dict.fromkeys(part for part in parts if isinstance(part, str) and part))


def _choices_write(decision: Decision) -> None:
    """Index the pattern of every workflow of the decision's record (whole and parts)."""
    decision.choices.all().delete()
    DecisionChoice.objects.bulk_create(
        DecisionChoice(
            decision=decision,
            position=choice.position,
            part_name=_fit(choice.part_name, CHOICE_PART_NAME),
            pattern_slug=_fit(choice.pattern_slug, CHOICE_SLUG),
            pattern_name=_fit(choice.pattern_name, CHOICE_PATTERN_NAME),
        )
        for choice in recorded_choices(
            decision.snapshot,
            headline_slug=decision.chosen_pattern,
            headline_name=decision.chosen_pattern_name,
        )
    )


def _fit(text: str, length: int) -> str:
    # Imported records may carry anything: PostgreSQL refuses what is longer than the column.
    # (The back-fill migration keeps a frozen copy of this, as migrations must.)
    return text if len(text) <= length else text[: length - 1] + "…"


@transaction.atomic
def decision_record(
    *,
    workshop: Workshop,
    by,
    chosen: Mapping[int, str],
    rationale: str,
    part_rationales: Mapping[int, str] | None = None,
    consequences: str,
    review_date: date | None,
    now: datetime | None = None,
) -> Decision:
    """Write the workshop's open decision (draft or proposed) from its current state.
    `rationale` is why the whole workflow's pattern was chosen; for a hybrid,
    `part_rationales` says why for each part (by workflow id)."""
    now = now or timezone.now()
    if workshop.decisions.filter(status=Decision.Status.ACCEPTED).exists():
        raise ValidationError(
            "This workshop's decision is accepted and frozen; revisit it to change it."
        )
    # Locked, as consent_record locks it: consent given while this runs is either in the
    # record composed below or waits for it and is added to it; never overwritten.
    decision = workshop.decisions.select_for_update().filter(status__in=OPEN_STATUSES).first()
    if decision is None:
        decision = Decision(
            team=workshop.team,
            workshop=workshop,
            created_by=by,
            number=decision_number_next(team_id=workshop.team_id),
        )
    compose_decision(
        decision,
        workshop=workshop,
        workflows=workshop_workflows(workshop),
        patterns=catalogue_specs(),
        default_costs=default_monthly_costs(),
        chosen=chosen,
        rationale=rationale,
        part_rationales=part_rationales,
        consequences=consequences,
        review_date=review_date,
    )
    decision.search_text = record_search_text(decision.snapshot)
    is_new = decision.pk is None
    decision.save()
    _choices_write(decision)
    team_decisions_changed(team_id=decision.team_id)
    if is_new and decision.supersedes_id:
        # The older record lists its successors: its cached drawing must be redrawn.
        Decision.objects.filter(pk=decision.supersedes_id).update(updated_at=now)
    if is_new:
        StatusChange.objects.create(
            decision=decision, to_status=decision.status, changed_by=by, changed_at=now
        )
    room_changed(workshop_id=workshop.pk)  # the room sees the proposal
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
    if decision.supersedes_id:
        # The older record lists this one with its status: its drawings must follow.
        Decision.objects.filter(pk=decision.supersedes_id).update(updated_at=now)
    team_decisions_changed(team_id=decision.team_id)
    if decision.workshop_id:
        room_changed(workshop_id=decision.workshop_id)  # consent opens or closes
    return decision


WORKSHOP_TITLE = Workshop._meta.get_field("title").max_length
REVISITED = " (revisited)"


def _revisit_title(title: str) -> str:
    # A title as long as the column leaves no room for the suffix: it is shortened instead.
    return _fit(title, WORKSHOP_TITLE - len(REVISITED)) + REVISITED


@transaction.atomic
def decision_revisit(*, decision: Decision, by, now: datetime | None = None) -> Workshop:
    """A new workshop pre-filled from the decision's frozen record (the record, not the old
    workshop, which may have changed since): the same parts, each with its requirements,
    profile, dimension notes, candidates, risks and cost estimates, and the same attendees,
    with the figures noted since in place of the recorded ones. Accepting its outcome
    supersedes this decision."""
    record = decision.snapshot
    # The figures noted on the record since stand in for the recorded ones: a team revisits
    # a decision because they changed.
    noted = revisit_fields(decision.figure_notes.all())
    recorded = [
        replace(workflow, fields={**workflow.fields, **noted.get(position, {})})
        for position, workflow in enumerate(recorded_workflows(record))
    ]
    whole = next((workflow for workflow in recorded if not workflow.is_part), None)
    description = f"Revisits the decision “{decision.title}”."
    if noted:
        description += " Its figures are the latest noted on the record since."
    workshop = workshop_create(
        team=decision.team,
        title=_revisit_title(decision.title),
        scheduled_at=now or timezone.now(),
        facilitator=by,
        description=description,
        workflow_fields=whole.fields if whole else {},
        revisits=decision,
    )
    main = workshop.workflows.get()
    for source in recorded:
        workflow = (
            main
            if source is whole
            else workflow_part_add(whole=main, name=source.name, fields=source.fields)
        )
        tradeoffs_restore(workflow=workflow, risks=source.risks, estimates=source.estimates)
    for person in recorded_people(record):
        participant_add(workshop=workshop, **person)
    return workshop


class AlreadyImported(Exception):
    """The export was imported into the team before: `decision` is what it became."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(f"already imported as decision {decision.pk}")
        self.decision = decision


@transaction.atomic
def decision_import(*, data: Any, team: Team, user) -> Decision:
    """A new decision in `team` with the export's content and history, all or nothing.

    Changes by a username that has no account here are attributed to `user`, with the
    original username kept in the note. The superseded decision is linked when exactly one
    decision of `team` carries its title. An export the team has imported before (the same
    content: documents.json.export_fingerprint) raises AlreadyImported, writing nothing.
    """
    record = parse_export(data)
    fingerprint = export_fingerprint(data)
    earlier = _imported_as(team, fingerprint)
    if earlier is not None:
        raise AlreadyImported(earlier)
    superseded = None
    if record.supersedes is not None:
        matches = list(Decision.objects.filter(team=team, title=record.supersedes)[:2])
        superseded = matches[0] if len(matches) == 1 else None
    try:
        # A savepoint: a concurrent import of the same export wins the unique constraint, and
        # this one reports what it became.
        with transaction.atomic():
            decision = Decision.objects.create(
                team=team,
                number=decision_number_next(team_id=team.pk),
                title=record.title,
                status=record.status,
                chosen_pattern=record.chosen_pattern,
                chosen_pattern_name=record.chosen_pattern_name,
                rationale=record.rationale,
                consequences=record.consequences,
                review_date=record.review_date,
                decided_at=record.decided_at,
                snapshot=record.snapshot,
                search_text=record_search_text(record.snapshot),
                supersedes=superseded,
                created_by=user,
                import_fingerprint=fingerprint,
            )
    except IntegrityError:
        earlier = _imported_as(team, fingerprint)
        if earlier is None:
            raise
        raise AlreadyImported(earlier) from None
    _choices_write(decision)
    # auto_now_add ignores a value given on create; the record keeps its original date.
    Decision.objects.filter(pk=decision.pk).update(created_at=record.created_at)
    decision.created_at = record.created_at

    users = users_by_username({change.by for change in record.changes})
    StatusChange.objects.bulk_create(
        StatusChange(
            decision=decision,
            from_status=change.from_status,
            to_status=change.to_status,
            changed_by=users.get(change.by, user),
            changed_at=change.at,
            note=change.note if change.by in users else _attributed(change),
        )
        for change in record.changes
    )
    if record.figure_notes:
        authors = users_by_username({note.author for note in record.figure_notes})
        FigureNote.objects.bulk_create(
            FigureNote(decision=decision, noted_by=authors.get(note.author), **asdict(note))
            for note in record.figure_notes
        )
        decision_review_due_refresh(decision=decision, now=decision.updated_at)
    team_decisions_changed(team_id=team.pk)
    return decision


def _imported_as(team: Team, fingerprint: str) -> Decision | None:
    return Decision.objects.filter(team=team, import_fingerprint=fingerprint).first()


def _attributed(change: ChangeRecord) -> str:
    lead = f"Recorded by {change.by}, who has no account here."
    note = f"{lead} {change.note}" if change.note else lead
    return _fit(note, MAX_CHANGE_NOTE)


# --- figures noted since the decision ---


@transaction.atomic
def figure_note_add(
    *,
    decision: Decision,
    by,
    noted_on: date,
    workflow_position: int = 0,
    volume_value: float | None = None,
    volume_unit: str = VolumeUnit.DAY,
    latency_value: float | None = None,
    latency_unit: str = LatencyUnit.MINUTES,
    consumers: int | None = None,
    text: str = "",
    now: datetime | None = None,
) -> FigureNote:
    """Note a workflow's figures today on an accepted decision, and mark the decision due for
    review when the latest noted figures cross one of its recorded revisit triggers."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.ACCEPTED:
        raise ValidationError(
            "Figures are noted on a decision in force; this one is "
            f"{decision.get_status_display().lower()}."
        )
    if not 0 <= workflow_position < max(1, len(as_dicts(decision.snapshot.get("workflows")))):
        raise ValidationError({"workflow_position": "This record has no such workflow."})
    if volume_value is None and latency_value is None and consumers is None:
        raise ValidationError(
            {"volume_value": "Note at least one figure: the volume, the latency or the consumers."}
        )
    note = FigureNote.objects.create(
        decision=decision,
        workflow_position=workflow_position,
        noted_on=noted_on,
        noted_by=by,
        author=by.get_username(),
        volume_value=volume_value,
        volume_unit=volume_unit,
        latency_value=latency_value,
        latency_unit=latency_unit,
        consumers=consumers,
        text=text,
        created_at=now or timezone.now(),
    )
    decision_review_due_refresh(decision=decision, now=now)
    team_decisions_changed(team_id=decision.team_id)
    return note


def decision_review_due_refresh(*, decision: Decision, now: datetime | None = None) -> bool:
    """Whether the decision's latest noted figures cross a trigger of its record, kept on the
    decision (its page and PDF are drawn again); the caller tells the team's lists."""
    notes = list(FigureNote.objects.filter(decision=decision))
    due = bool(crossings(as_dicts(decision.snapshot.get("workflows")), notes))
    Decision.objects.filter(pk=decision.pk).update(
        noted_review_due=due, updated_at=now or timezone.now()
    )
    decision.noted_review_due = due
    return due
