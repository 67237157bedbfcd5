"""Reads of teams, workshops and decisions; the one place that decides who may see what."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone

from patterns.wire import as_dict, as_dicts
from workshops.models import (
    ApiToken,
    Consent,
    Decision,
    DecisionChoice,
    DelayResponse,
    DimensionVote,
    Invitation,
    Membership,
    Participant,
    RecordPdf,
    RiskDot,
    RiskProposal,
    StatusChange,
    Team,
    Workflow,
    Workshop,
)
from workshops.rules.review import crossings, noted_texts, workflow_names
from workshops.rules.room import DelayVoice, ProposedRisk, VoteCast

User = AbstractBaseUser | AnonymousUser


def teams_of(user: User) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user).order_by("name")


def team_get_for_member(*, user: User, team_id: int) -> Team:
    """The team, or 404 for anyone outside it."""
    return get_object_or_404(teams_of(user), pk=team_id)


def team_members(team: Team) -> QuerySet[Membership]:
    return team.memberships.select_related("user").order_by("user__username")


def team_invitations_open(team: Team) -> QuerySet[Invitation]:
    """The team's invitations that can still be used, newest first, with who made them."""
    return (
        Invitation.objects.filter(
            team=team,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            uses__lt=F("max_uses"),
        )
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def invitation_get_for_member(*, user: User, team_id: int, invitation_id: int) -> Invitation:
    """One of the team's invitations, or 404 for anyone outside the team."""
    team = team_get_for_member(user=user, team_id=team_id)
    return get_object_or_404(Invitation.objects.select_related("team"), team=team, pk=invitation_id)


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def api_token_get_for_owner(*, user: User, token_id: int) -> ApiToken:
    """The token, or 404 for anyone but its owner."""
    return get_object_or_404(api_tokens_of(user), pk=token_id)


def api_token_active(key_hash: str) -> ApiToken | None:
    """The unrevoked token with this hash, with its user, if that user may still sign in."""
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def workshops_visible_to(user: User) -> QuerySet[Workshop]:
    if not user.is_authenticated:
        return Workshop.objects.none()
    return Workshop.objects.filter(team__memberships__user=user).select_related(
        "team", "facilitator"
    )


def workshop_get_for_member(*, user: User, workshop_id: int) -> Workshop:
    """The workshop with what the console shows at once, or 404 outside its team."""
    return get_object_or_404(
        workshops_visible_to(user)
        .select_related("revisits")
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("user")),
        ),
        pk=workshop_id,
    )


def workshop_room_version(*, user: User, workshop_id: int) -> int:
    """The workshop's change marker, or 404 outside its team: what a live page's poll
    compares with the ETag it holds before drawing anything (one query)."""
    return get_object_or_404(
        workshops_visible_to(user).values_list("room_version", flat=True), pk=workshop_id
    )


def workshop_accepted_decision(workshop: Workshop) -> Decision | None:
    """The workshop's accepted decision, if it has one (only one can be accepted)."""
    return (
        workshop.decisions.filter(status=Decision.Status.ACCEPTED)
        .only("id", "title", "status")
        .first()
    )


def workshop_participant(workshop: Workshop, *, participant_id: int) -> Participant:
    """An attendee of this workshop, or 404 (an attendee of another workshop included)."""
    return get_object_or_404(workshop.participants.all(), pk=participant_id)


def workshop_workflows(workshop: Workshop) -> list[Workflow]:
    """The main workflow first, then its parts, with their risks and costs."""
    return list(
        workshop.workflows.prefetch_related("risks", "costs").order_by(
            F("parent_id").asc(nulls_first=True), "position", "id"
        )
    )


def decisions_visible_to(user: User) -> QuerySet[Decision]:
    if not user.is_authenticated:
        return Decision.objects.none()
    return Decision.objects.filter(team__memberships__user=user).select_related("team")


def decision_get_for_member(*, user: User, decision_id: int) -> Decision:
    """The decision, or 404 outside its team. Its large snapshot is read only when used:
    the record page draws it from the cache most of the time."""
    return get_object_or_404(
        decisions_visible_to(user)
        .select_related("supersedes")
        .defer("snapshot", "search_text", "supersedes__snapshot", "supersedes__search_text"),
        pk=decision_id,
    )


def decision_timeline(decision: Decision) -> list[StatusChange]:
    return list(decision.changes.select_related("changed_by").order_by("changed_at", "id"))


def decision_successors(decision: Decision) -> list[Decision]:
    return list(
        Decision.objects.filter(supersedes=decision)
        .only("id", "number", "title", "status")
        .order_by("id")
    )


def decision_figures(decision: Decision) -> dict[str, Any]:
    """The figures noted on the record since, oldest first, each with what it says and the
    workflow it is about, and the record's triggers they cross: one query, none when the
    notes were prefetched (team_decision_records)."""
    notes = list(decision.figure_notes.all())
    record_workflows = as_dicts(as_dict(decision.snapshot).get("workflows"))
    names = workflow_names(decision.snapshot)
    for note in notes:
        note.figures = noted_texts(note)
        note.workflow_name = (
            names[note.workflow_position]
            if len(names) > 1 and note.workflow_position < len(names)
            else ""
        )
    return {"figure_notes": notes, "crossings": crossings(record_workflows, notes)}


def team_decision_records(team: Team) -> list[Decision]:
    """Every decision of the team, in its numbers' order, each with its status history and
    the decision it supersedes and the figures noted on it since: three queries however many
    there are."""
    return list(
        team.decisions.select_related("team", "supersedes")
        .defer("search_text", "supersedes__snapshot", "supersedes__search_text")
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=StatusChange.objects.select_related("changed_by").order_by(
                    "changed_at", "id"
                ),
            ),
            "figure_notes",
        )
        .order_by("number")
    )


def decision_stored_pdf(decision: Decision, *, source_version: str) -> bytes | None:
    """The decision's PDF as stored, if it was drawn from `source_version` of the record."""
    content = (
        RecordPdf.objects.filter(
            decision=decision, source_version=source_version, status=RecordPdf.Status.READY
        )
        .values_list("content", flat=True)
        .first()
    )
    return bytes(content) if content is not None else None


def record_pdf_of_version(source_version: str) -> RecordPdf | None:
    """The PDF (or its drawing job) of this version, with its bytes when it is ready. The
    version is a key the caller computed from an object it was allowed to see."""
    return RecordPdf.objects.filter(source_version=source_version).first()


def draft_pdf_get_for_member(*, user: User, workshop: Workshop, pdf_id: int) -> RecordPdf | None:
    """A draft PDF this member asked for, of this workshop (which they may see)."""
    return RecordPdf.objects.filter(pk=pdf_id, workshop=workshop, requested_by=user).first()


def users_by_username(usernames: set[str]) -> dict[str, Any]:
    """The accounts that exist here for these usernames, by username."""
    model = get_user_model()
    accounts = model._default_manager.filter(**{f"{model.USERNAME_FIELD}__in": usernames})
    return {account.get_username(): account for account in accounts}


# --- the history -------------------------------------------------------------------------

# Each sort ends on the primary key, so that rows with equal keys keep one order across pages.
SORTS: dict[str, tuple[Any, ...]] = {  # key: (label, *ordering)
    "newest": ("Newest first", "-created_at", "-id"),
    "oldest": ("Oldest first", "created_at", "id"),
    "title": ("Title A–Z", Lower("title"), "id"),
    "review": ("Review date, soonest first", F("review_date").asc(nulls_last=True), "id"),
}
DEFAULT_SORT = "newest"


@dataclass(frozen=True)
class DecisionFilters:
    """What the list is narrowed to; a field whose input was invalid is simply not applied."""

    words: tuple[str, ...] = ()
    pattern: str = ""
    status: str = ""
    team_id: int | None = None
    created_from: date | None = None
    created_to: date | None = None
    review_due: bool = False
    sort: str = DEFAULT_SORT

    @property
    def narrowed(self) -> bool:
        return bool(
            self.words
            or self.pattern
            or self.status
            or self.team_id
            or self.created_from
            or self.created_to
            or self.review_due
        )


def _start_of_day(day: date) -> datetime:
    # A range on the column itself, not on created_at__date, keeps its index usable.
    return timezone.make_aware(datetime.combine(day, time.min))


def review_due_q(today: date, *, ahead: timedelta = timedelta(0)) -> Q:
    """Decisions in force that are due for review: their review date has come (within
    `ahead` of today), or a figure noted since crosses one of their revisit triggers."""
    return Q(status=Decision.Status.ACCEPTED) & (
        Q(review_date__lte=today + ahead) | Q(noted_review_due=True)
    )


def decisions_filtered(
    decisions: QuerySet[Decision], filters: DecisionFilters, *, today: date
) -> QuerySet[Decision]:
    """Narrow and sort `decisions`, which the caller has already limited to what its user sees."""
    for word in filters.words:
        decisions = decisions.filter(Q(title__icontains=word) | Q(search_text__icontains=word))
    if filters.pattern:
        # The headline or any part: filtering by choreography finds a hybrid one of whose
        # parts chose it.
        chose = DecisionChoice.objects.filter(decision=OuterRef("pk"), pattern_slug=filters.pattern)
        decisions = decisions.filter(Q(chosen_pattern=filters.pattern) | Exists(chose))
    if filters.status:
        decisions = decisions.filter(status=filters.status)
    if filters.team_id:
        decisions = decisions.filter(team_id=filters.team_id)
    if filters.created_from:
        decisions = decisions.filter(created_at__gte=_start_of_day(filters.created_from))
    if filters.created_to:
        decisions = decisions.filter(
            created_at__lt=_start_of_day(filters.created_to + timedelta(days=1))
        )
    if filters.review_due:
        decisions = decisions.filter(review_due_q(today))
    _label, *ordering = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    return decisions.order_by(*ordering)


def pattern_counts(decisions: QuerySet[Decision]) -> list[tuple[str, int]]:
    """How many of `decisions` in force (accepted) chose each pattern, for the whole workflow
    or for a part, most chosen first, in one query. A hybrid counts once under each pattern
    it chose."""
    in_force = decisions.filter(status=Decision.Status.ACCEPTED).order_by().values("pk")
    return list(
        DecisionChoice.objects.filter(decision__in=in_force)
        .order_by()
        .values_list("pattern_name")
        .annotate(n=Count("decision", distinct=True))
        .order_by("-n", "pattern_name")
    )


def decision_parts(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """`decisions` with the patterns their parts chose, for a list that names them."""
    return decisions.prefetch_related(
        Prefetch("choices", queryset=DecisionChoice.objects.exclude(part_name=""), to_attr="parts")
    )


def decision_part_patterns(decisions: QuerySet[Decision]) -> dict[int, list[tuple[str, str]]]:
    """The (part, pattern) pairs of every hybrid among `decisions`, by decision id, in one
    query: the CSV streams the decisions and looks their parts up here."""
    parts: dict[int, list[tuple[str, str]]] = {}
    rows = (
        DecisionChoice.objects.filter(decision__in=decisions.order_by().values("pk"))
        .exclude(part_name="")
        .order_by("decision_id", "position")
        .values_list("decision_id", "part_name", "pattern_name")
    )
    for decision_id, part, pattern in rows:
        parts.setdefault(decision_id, []).append((part, pattern))
    return parts


# --- the room: participants who joined, and what they contributed --------------------------


# What models.new_invite_code makes (URL-safe base64, shorter than the column): a link of
# any other shape opens nothing, and is not sent to the database (PostgreSQL refuses a NUL).
INVITE_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,40}")


def workshop_by_invite(invite_code: str) -> Workshop | None:
    """The workshop this invite token opens, if any (joinable or not: the caller says why not)."""
    if not INVITE_SHAPE.fullmatch(invite_code):
        return None
    return Workshop.objects.filter(invite_code=invite_code).select_related("team").first()


def workshop_by_join_code(code: str) -> Workshop | None:
    """The workshop a typed short code names; spaces, dashes and case do not matter."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    if not cleaned:
        return None
    return Workshop.objects.filter(join_code=cleaned).only("pk", "invite_code").first()


def participant_by_device(
    *, workshop_id: int, participant_id: int, device_token: str
) -> Participant | None:
    """The participant a browser's session says it is, with its workshop, or None (never
    joined, or removed since). One query: the live pages' polls run it every two seconds."""
    if not device_token:
        return None
    return (
        Participant.objects.select_related("workshop")
        .filter(pk=participant_id, workshop_id=workshop_id, device_token=device_token)
        .first()
    )


@dataclass(frozen=True)
class ReadyCount:
    ready: int
    total: int  # the joined participants who take part (spectators do not count)

    @property
    def everyone(self) -> bool:
        return self.ready >= self.total

    def __str__(self) -> str:
        return f"{self.ready} of {self.total} ready"


def ready_count(participants: list[Participant], *, phase: int) -> ReadyCount:
    """How many of the workshop's joined, voting participants are ready to leave `phase`."""
    voting = [p for p in participants if p.joined and not p.is_spectator]
    return ReadyCount(ready=sum(1 for p in voting if p.ready_phase == phase), total=len(voting))


def room_voters(participants: list[Participant]) -> list[Participant]:
    """Who votes: the participants who joined from a device, spectators excepted."""
    return [p for p in participants if p.joined and not p.is_spectator]


def workflows_delay_voices(workflow_ids: Sequence[int]) -> dict[int, list[DelayVoice]]:
    """Every participant's delay answers about each of these workflows, by workflow id, in
    one query."""
    voices: dict[int, list[DelayVoice]] = {pk: [] for pk in workflow_ids}
    responses = DelayResponse.objects.filter(workflow__in=workflow_ids).select_related(
        "participant"
    )
    for response in responses:
        voices[response.workflow_id].append(
            DelayVoice(
                role=response.participant.get_role_display(),
                answers=(
                    response.delay_10s or None,
                    response.delay_10m or None,
                    response.delay_1h or None,
                ),
                name=response.participant.name,
            )
        )
    return voices


def workflow_delay_voices(workflow: Workflow) -> list[DelayVoice]:
    return workflows_delay_voices([workflow.pk])[workflow.pk]


def workflows_vote_casts(workflow_ids: Sequence[int]) -> dict[int, list[VoteCast]]:
    """Every dimension vote on each of these workflows (spectators' excepted), by workflow
    id, in one query."""
    casts: dict[int, list[VoteCast]] = {pk: [] for pk in workflow_ids}
    votes = (
        DimensionVote.objects.filter(workflow__in=workflow_ids)
        .exclude(participant__involvement=Participant.Involvement.INFORMED)
        .select_related("participant")
    )
    for vote in votes:
        casts[vote.workflow_id].append(
            VoteCast(
                voter=vote.participant_id,
                dimension=vote.dimension,
                value=vote.value,
                reason=vote.reason,
                role=vote.participant.get_role_display(),
                name=vote.participant.name,
            )
        )
    return casts


def workflow_vote_casts(workflow: Workflow) -> list[VoteCast]:
    return workflows_vote_casts([workflow.pk])[workflow.pk]


def workflows_proposed_risks(
    workflow_ids: Sequence[int],
) -> dict[int, dict[str, list[ProposedRisk]]]:
    """The risks proposed for each candidate pattern of each of these workflows, with their
    dots, in the order proposed: by workflow id, then pattern slug; one query."""
    proposed: dict[int, dict[str, list[ProposedRisk]]] = {pk: {} for pk in workflow_ids}
    proposals = (
        RiskProposal.objects.filter(workflow__in=workflow_ids)
        .select_related("participant")
        .annotate(dot_count=Count("dots"))
        .order_by("proposed_at", "id")
    )
    for proposal in proposals:
        proposed[proposal.workflow_id].setdefault(proposal.pattern_slug, []).append(
            ProposedRisk(
                id=proposal.pk,
                title=proposal.title,
                mitigation=proposal.mitigation,
                role=proposal.participant.role,
                name=proposal.participant.name,
                dots=proposal.dot_count,
            )
        )
    return proposed


def workflow_proposed_risks(workflow: Workflow) -> dict[str, list[ProposedRisk]]:
    return workflows_proposed_risks([workflow.pk])[workflow.pk]


def participant_dots(participant: Participant, workflow: Workflow) -> set[int]:
    """The proposals the participant has put a dot on."""
    return set(
        RiskDot.objects.filter(participant=participant, proposal__workflow=workflow).values_list(
            "proposal_id", flat=True
        )
    )


def workshop_proposed_decision(workshop: Workshop) -> Decision | None:
    """The decision proposed to the room for consent, if there is one."""
    return (
        workshop.decisions.filter(status=Decision.Status.PROPOSED)
        .defer("snapshot", "search_text")
        .first()
    )


def decision_consents(decision: Decision) -> list[Consent]:
    return list(decision.consents.select_related("participant").order_by("recorded_at", "id"))
