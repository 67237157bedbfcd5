"""Personal API tokens: made with a secret shown once and kept as a hash, revoked for good."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from workshops import selectors
from workshops.services.tokens import (
    MAX_ACTIVE_TOKENS,
    api_token_create,
    api_token_hash,
    api_token_revoke,
)

pytestmark = pytest.mark.django_db


def test_it_keeps_only_a_hash_of_the_secret(facilitator):
    token, secret = api_token_create(user=facilitator, name="  ADR   sync ")
    assert secret.startswith("pgw_") and len(secret) > 40
    assert token.name == "ADR sync"
    assert secret not in (token.key_hash, token.prefix)
    assert token.key_hash == api_token_hash(secret)
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret) / 3


def test_it_makes_a_different_secret_every_time(facilitator):
    secrets = {api_token_create(user=facilitator, name="CI")[1] for _ in range(5)}
    assert len(secrets) == 5


def test_it_finds_an_active_token_by_its_secret_only(facilitator):
    token, secret = api_token_create(user=facilitator, name="CI")
    assert selectors.api_token_active(api_token_hash(secret)) == token
    assert selectors.api_token_active(api_token_hash(secret + "x")) is None
    api_token_revoke(token=token)
    assert selectors.api_token_active(api_token_hash(secret)) is None


def test_it_keeps_the_first_revocation_time(facilitator):
    token, _secret = api_token_create(user=facilitator, name="CI")
    first = api_token_revoke(token=token).revoked_at
    assert api_token_revoke(token=token).revoked_at == first


def test_it_bounds_how_many_active_tokens_a_person_has(facilitator):
    tokens = [api_token_create(user=facilitator, name=f"t{n}")[0] for n in range(MAX_ACTIVE_TOKENS)]
    with pytest.raises(ValidationError) as refused:
        api_token_create(user=facilitator, name="one more")
    assert "revoke one" in refused.value.message_dict["name"][0]
    api_token_revoke(token=tokens[0])
    api_token_create(user=facilitator, name="one more")
