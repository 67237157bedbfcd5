"""Single sign-on through OpenID Connect: the provider vouches for an email address, which
finds the person's account here or makes a new one (mozilla-django-oidc does the protocol)."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

USERNAME_MAX = 150
_NOT_IN_USERNAMES = re.compile(r"[^\w.@+-]")


class EmailOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict) -> bool:
        # An address the provider says it has not checked could be anybody's: refuse it
        # rather than sign someone in to the account that carries it.
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims: dict):
        # Only an account that signs in through the provider (no password of its own: made
        # here by the provider's sign-in, or so set by an administrator) is the provider's
        # user. An address typed at a sign-up is not verified, so a password account that
        # carries it may belong to somebody else than the provider's user.
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(
            email__iexact=email, is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
        )

    def create_user(self, claims: dict):
        email = claims["email"].strip()
        if self.UserModel.objects.filter(email__iexact=email).exists():
            # An account with a password (or a deactivated one) has this address: neither a
            # second account with it nor a sign-in into that one; the login page says so.
            return None
        user = self.UserModel.objects.create_user(
            username=oidc_username(claims),
            email=email,
            first_name=(claims.get("given_name") or "")[:150],
            last_name=(claims.get("family_name") or "")[:150],
        )
        return user  # no usable password: this person signs in through the provider


def oidc_username(claims: dict) -> str:
    """A free username from the provider's preferred one, or the address's local part."""
    wanted = claims.get("preferred_username") or claims["email"].split("@", 1)[0]
    base = _NOT_IN_USERNAMES.sub("", wanted)[: USERNAME_MAX - 4] or "user"
    taken = get_user_model().objects.filter(username__iexact=base).exists()
    candidate, number = base, 1
    while taken:
        number += 1
        candidate = f"{base}{number}"
        taken = get_user_model().objects.filter(username__iexact=candidate).exists()
    return candidate
