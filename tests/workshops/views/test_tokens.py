"""The API tokens page: a person makes a token, sees it once, uses it, and revokes it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from workshops.models import ApiToken
from workshops.services.tokens import api_token_create

pytestmark = pytest.mark.django_db

URL = reverse("workshops:api-tokens")
API = reverse("api:decision-list")
SHOWN_SECRET = re.compile(r'id="new-token-value" type="text" readonly value="(pgw_[^"]+)"')


def revoke_url(token: ApiToken) -> str:
    return reverse("workshops:api-token-revoke", kwargs={"token_id": token.pk})


def test_it_is_linked_from_the_user_menu(facilitator_client):
    content = facilitator_client.get(reverse("home")).content.decode()
    assert f'href="{URL}">API tokens</a>' in content


def test_it_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_shows_a_new_token_once_and_it_works(facilitator_client, client):
    response = facilitator_client.post(URL, {"name": "ADR sync"})
    assert response.status_code == 200
    content = response.content.decode()
    secret = SHOWN_SECRET.search(content).group(1)
    assert "Copy it now" in content
    assert f"Authorization: Bearer {secret}" in content
    assert "no-store" in response["Cache-Control"]
    # Never again: the list shows its name and first characters only.
    again = facilitator_client.get(URL).content.decode()
    assert secret not in again
    token = ApiToken.objects.get()
    assert "ADR sync" in again and f"<code>{token.prefix}…</code>" in again
    assert client.get(API, headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_it_keeps_the_name_beside_an_error(facilitator_client):
    response = facilitator_client.post(URL, {"name": "x" * 101})
    content = response.content.decode()
    assert response.status_code == 200
    assert "at most 100 characters" in content
    assert 'value="' + "x" * 101 + '"' in content
    assert not ApiToken.objects.exists()
    assert "at most" not in facilitator_client.post(URL, {"name": ""}).content.decode()
    assert "This field is required." in facilitator_client.post(URL, {"name": ""}).content.decode()


def test_it_escapes_the_name(facilitator_client, facilitator):
    api_token_create(user=facilitator, name='<img src=x onerror="alert(1)">')
    content = facilitator_client.get(URL).content.decode()
    assert "<img src=x" not in content and "&lt;img src=x" in content


def test_it_lists_only_my_tokens(facilitator_client, facilitator, outsider):
    api_token_create(user=facilitator, name="mine")
    api_token_create(user=outsider, name="olga's laptop")
    content = facilitator_client.get(URL).content.decode()
    assert "mine" in content and "olga" not in content


def test_it_revokes_a_token_and_the_api_refuses_it(facilitator_client, facilitator, client):
    token, secret = api_token_create(user=facilitator, name="CI")
    response = facilitator_client.post(revoke_url(token), follow=True)
    content = response.content.decode()
    assert "Token “CI” revoked" in content
    assert "Revoked " in content and "Revoke<span" not in content
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(API, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_it_answers_404_to_someone_revoking_another_persons_token(outsider_client, facilitator):
    token, _secret = api_token_create(user=facilitator, name="CI")
    assert outsider_client.post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_revokes_only_by_post(facilitator_client, facilitator):
    token, _secret = api_token_create(user=facilitator, name="CI")
    assert facilitator_client.get(revoke_url(token)).status_code == 405
    assert facilitator_client.put(URL).status_code == 405


def test_it_needs_the_csrf_token_to_create_or_revoke(facilitator, facilitator_client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(facilitator)
    token, _secret = api_token_create(user=facilitator, name="CI")
    assert strict.post(URL, {"name": "sneaky"}).status_code == 403
    assert strict.post(revoke_url(token)).status_code == 403
    assert ApiToken.objects.count() == 1


def test_it_costs_the_same_queries_for_1_or_15_tokens(
    facilitator_client, facilitator, django_assert_max_num_queries
):
    api_token_create(user=facilitator, name="first")
    # Session, user, the tokens.
    with django_assert_max_num_queries(4) as few:
        facilitator_client.get(URL)
    for number in range(14):
        api_token_create(user=facilitator, name=f"token {number}")
    with django_assert_max_num_queries(len(few)):
        assert facilitator_client.get(URL).content.decode().count("Revoke<span") == 15
