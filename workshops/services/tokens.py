"""Writes of personal API tokens: create one (its secret is returned once), revoke, note use."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from workshops.models import ApiToken

# Tokens are recognisable in logs and secret scanners by their prefix.
TOKEN_PREFIX = "pgw_"
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
# Noting every use would be a write per API request; once in this long is enough to tell
# a token in use from a forgotten one.
LAST_USED_RESOLUTION = timedelta(minutes=5)
MAX_ACTIVE_TOKENS = 20


def api_token_hash(secret: str) -> str:
    # 256 random bits need no slow password hash: nobody can guess the input from the hash.
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret, which is not stored and cannot be shown again."""
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": f"You have {MAX_ACTIVE_TOKENS} active tokens: revoke one you no longer use."}
        )
    name = " ".join(name.split())
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        key_hash=api_token_hash(secret),
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Refuse the token from now on; the row stays so that its owner sees when it was revoked."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_note_use(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
