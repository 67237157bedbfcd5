"""Writes of teams and their members."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from workshops.models import Membership, Team


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
