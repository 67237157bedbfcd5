"""Writes of teams and their members."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from workshops.models import Membership, Team


@transaction.atomic
def team_create(*, name: str, creator) -> Team:
    team = Team.objects.create(name=" ".join(name.split()))
    Membership.objects.create(team=team, user=creator)
    return team


def team_member_join(*, team: Team, user) -> tuple[Membership, bool]:
    """Put `user` in `team`; the membership and whether it is new (joining twice is no error).
    Members come in by invitation (workshops.services.invitations), never by a username
    typed in: a form that looked usernames up would tell anyone which ones exist."""
    existing = Membership.objects.filter(team=team, user=user).first()
    if existing is not None:
        return existing, False
    try:
        # A savepoint, so that a concurrent join of the same person fails alone.
        with transaction.atomic():
            return Membership.objects.create(team=team, user=user), True
    except IntegrityError:
        return Membership.objects.get(team=team, user=user), False
