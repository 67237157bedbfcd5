"""Writes of team invitations: create one (its link is returned once), revoke, accept — as
a signed-in person or by signing up — each acceptance counted under a row lock."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from workshops.models import Invitation, Membership, Team
from workshops.selectors import team_invitations_open
from workshops.services.teams import team_member_join

DEFAULT_DAYS = 7
MAX_DAYS = 30
MAX_USES = 100
MAX_OPEN_PER_TEAM = 50


class InvitationRefused(Exception):
    """The link cannot be used: `reason` is "unknown", "revoked", "expired" or "used"."""

    def __init__(self, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


@dataclass(frozen=True)
class Accepted:
    membership: Membership
    joined: bool  # False when the person was in the team already (no use was counted)


def invitation_token_hash(token: str) -> str:
    # 256 random bits need no slow hash: nobody can work the token out from its hash.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def invitation_find(token: str, *, lock: bool = False) -> Invitation | None:
    """The invitation this token opens, whatever its state, or None."""
    if not token or len(token) > 200:
        return None
    wanted = invitation_token_hash(token)
    rows = Invitation.objects.select_related("team")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(token_hash=wanted).first()
    # The lookup is by a hash the caller cannot steer; compare once more in constant time
    # so that no database's string comparison is what decides.
    if invitation is None or not hmac.compare_digest(invitation.token_hash, wanted):
        return None
    return invitation


@transaction.atomic
def invitation_create(
    *, team: Team, by, days: int = DEFAULT_DAYS, max_uses: int = 1, note: str = ""
) -> tuple[Invitation, str]:
    """A new invitation to `team` and its token, which is not stored and cannot be shown
    again."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"Choose between 1 and {MAX_DAYS} days."})
    if not 1 <= max_uses <= MAX_USES:
        raise ValidationError({"max_uses": f"Choose between 1 and {MAX_USES} uses."})
    if team_invitations_open(team).count() >= MAX_OPEN_PER_TEAM:
        raise ValidationError(
            {"note": f"{team.name} has {MAX_OPEN_PER_TEAM} open invitations: revoke some first."}
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        team=team,
        created_by=by,
        note=" ".join(note.split()),
        token_hash=invitation_token_hash(token),
        max_uses=max_uses,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def _usable(token: str) -> Invitation:
    """The invitation, locked until the transaction ends, or InvitationRefused. The lock
    makes a second acceptance of a single-use link wait for the first and then see it used."""
    invitation = invitation_find(token, lock=True)
    if invitation is None:
        raise InvitationRefused("unknown")
    if (reason := invitation.refusal()) is not None:
        raise InvitationRefused(reason, invitation)
    return invitation


def _count_use(invitation: Invitation, user) -> Accepted:
    membership, joined = team_member_join(team=invitation.team, user=user)
    if joined:
        Invitation.objects.filter(pk=invitation.pk).update(uses=F("uses") + 1)
        invitation.uses += 1
    return Accepted(membership=membership, joined=joined)


@transaction.atomic
def invitation_accept(*, token: str, user) -> Accepted:
    """`user` joins the invitation's team. A member already in it uses nothing up."""
    invitation = _usable(token)
    return _count_use(invitation, user)


@transaction.atomic
def invitation_sign_up(*, token: str, username: str, email: str, password: str) -> Accepted:
    """A new account, made only while the invitation is usable, in the invitation's team.
    The caller has validated the fields (the sign-up form, with the password validators)."""
    invitation = _usable(token)
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=username, email=email, password=password
            )
    except IntegrityError:
        # Someone took the name between the form's check and now: the form's own words.
        raise ValidationError({"username": "A user with that username already exists."}) from None
    return _count_use(invitation, user)
