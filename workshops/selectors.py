"""Reads of teams, workshops and decisions; the one place that decides who may see what."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from workshops.models import (
    Decision,
    Membership,
    Participant,
    StatusChange,
    Team,
    Workflow,
    Workshop,
)

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
        Decision.objects.filter(supersedes=decision).only("id", "title", "status").order_by("id")
    )
