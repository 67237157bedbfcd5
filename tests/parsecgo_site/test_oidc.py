"""Single sign-on through OpenID Connect, on only when configured: the login page's button,
the round trip through a provider (mocked: no network), and an account found or made from the
email address the provider vouches for."""

from __future__ import annotations

import importlib
import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

from tests.factories import UserFactory
from tests.parsecgo_site.test_settings import manage
from workshops.services.invitations import invitation_create
from workshops.services.teams import team_create

pytestmark = pytest.mark.django_db

PROVIDER = "https://id.example.org"
SECRET = "a-client-secret-shared-with-the-provider"
OIDC = {
    "OIDC_ENABLED": True,
    "OIDC_PROVIDER_NAME": "Acme ID",
    "OIDC_RP_CLIENT_ID": "parsecgo",
    "OIDC_RP_CLIENT_SECRET": SECRET,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{PROVIDER}/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{PROVIDER}/token",
    "OIDC_OP_USER_ENDPOINT": f"{PROVIDER}/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": None,
    # HS256 signs with the client secret, so that the test needs no key set from a provider.
    "OIDC_RP_SIGN_ALGO": "HS256",
    "OIDC_RP_SCOPES": "openid email profile",
    "OIDC_USE_PKCE": True,
    "LOGIN_REDIRECT_URL_FAILURE": "/accounts/login/?sso=failed",
    "AUTHENTICATION_BACKENDS": [
        *settings.AUTHENTICATION_BACKENDS,
        "parsecgo_site.oidc.EmailOIDCBackend",
    ],
}


def reload_urls() -> None:
    """Build the URL map again for the settings in force (it reads OIDC_ENABLED once)."""
    import parsecgo_site.urls

    importlib.reload(parsecgo_site.urls)
    clear_url_caches()


@pytest.fixture
def sso():
    """The site as configured with OIDC_* variables; the URL map is built again for it."""
    try:
        with override_settings(**OIDC):
            reload_urls()
            yield
    finally:
        reload_urls()


class Provider:
    """What the identity provider answers: a token for the code, then the person's claims."""

    def __init__(self, claims: dict):
        self.claims = claims
        self.nonce = ""
        self.token_requests: list[dict] = []

    def post(self, url, data=None, **kwargs):
        assert url == OIDC["OIDC_OP_TOKEN_ENDPOINT"]
        self.token_requests.append(data)
        id_token = jwt.encode(
            {
                "iss": PROVIDER,
                "aud": OIDC["OIDC_RP_CLIENT_ID"],
                "sub": "user-123",
                "nonce": self.nonce,
                "exp": int(time.time()) + 300,
            },
            SECRET,
            algorithm="HS256",
        )
        return mock.Mock(status_code=200, json=lambda: {"id_token": id_token, "access_token": "at"})

    def get(self, url, headers=None, **kwargs):
        assert url == OIDC["OIDC_OP_USER_ENDPOINT"]
        assert headers == {"Authorization": "Bearer at"}
        return mock.Mock(
            status_code=200,
            headers={"content-type": "application/json"},
            json=lambda: self.claims,
            raise_for_status=lambda: None,
        )


def sign_in(client, claims: dict, *, next_url: str = ""):
    """The browser's round trip: our start page, the provider (mocked), our callback."""
    start = reverse("oidc_authentication_init") + (f"?next={next_url}" if next_url else "")
    to_provider = client.get(start)
    assert to_provider.status_code == 302
    location = urlsplit(to_provider["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{PROVIDER}/authorize"
    query = parse_qs(location.query)
    assert query["client_id"] == ["parsecgo"]
    assert query["code_challenge_method"] == ["S256"]
    provider = Provider(claims)
    provider.nonce = query["nonce"][0]
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", provider.post),
        mock.patch("mozilla_django_oidc.auth.requests.get", provider.get),
    ):
        back = client.get(
            reverse("oidc_authentication_callback"),
            {"code": "the-code", "state": query["state"][0]},
        )
    return back, provider


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def test_without_configuration_no_oidc_address_answers(client):
    assert not settings.OIDC_ENABLED
    with pytest.raises(NoReverseMatch):
        reverse("oidc_authentication_init")
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/").status_code == 404
    assert "Sign in with" not in client.get(reverse("login")).content.decode()


def test_the_login_page_offers_the_provider(client, sso):
    page = client.get(reverse("login"), {"next": "/teams/"}).content.decode()
    assert "Sign in with Acme ID" in page
    assert f'href="{reverse("oidc_authentication_init")}?next=/teams/"' in page


def test_it_finds_the_account_with_the_vouched_email(client, sso):
    nadia = UserFactory(username="nadia", email="Nadia@Example.org")
    nadia.set_unusable_password()  # an account that signs in through the provider
    nadia.save()
    back, provider = sign_in(client, {"email": "nadia@example.org", "email_verified": True})
    assert back.status_code == 302
    assert back["Location"] == reverse("home")
    assert signed_in_user(client) == nadia
    assert get_user_model().objects.count() == 1
    (token_request,) = provider.token_requests
    assert token_request["code"] == "the-code"
    assert token_request["code_verifier"]  # PKCE


def test_it_never_signs_in_to_an_account_with_a_password_that_has_the_address(client, sso):
    # Somebody signed up through an invitation with Nadia's address, unverified: Nadia's
    # sign-in with the provider must not land in that account, nor make a second one.
    impostor = UserFactory(username="not-nadia", email="nadia@example.org")
    back, _ = sign_in(client, {"email": "nadia@example.org", "email_verified": True})
    assert back.status_code == 302 and back["Location"].startswith(reverse("login"))
    assert signed_in_user(client) is None
    assert list(get_user_model().objects.all()) == [impostor]
    page = client.get(back["Location"]).content.decode()
    assert "did not work" in page


def test_it_makes_an_account_for_a_new_person(client, sso):
    UserFactory(username="ana")  # the name the provider prefers is taken
    claims = {"email": "ana@example.org", "preferred_username": "ana", "given_name": "Ana"}
    back, _ = sign_in(client, claims, next_url="/teams/")
    assert back["Location"] == "/teams/"
    user = signed_in_user(client)
    assert (user.username, user.email, user.first_name) == ("ana2", "ana@example.org", "Ana")
    assert not user.has_usable_password()


def test_it_refuses_an_email_the_provider_has_not_checked(client, sso):
    nadia = UserFactory(username="nadia", email="nadia@example.org")
    back, _ = sign_in(client, {"email": nadia.email, "email_verified": False})
    assert back["Location"] == "/accounts/login/?sso=failed"
    assert signed_in_user(client) is None
    page = client.get(back["Location"]).content.decode()
    assert "Signing in with Acme ID did not work" in page


def test_an_invitee_signs_in_with_the_provider_and_comes_back_to_join(client, sso):
    owner = UserFactory(username="owen")
    team = team_create(name="Platform", creator=owner)
    _, token = invitation_create(team=team, by=owner)
    link = reverse("workshops:invitation-accept", kwargs={"token": token})
    back, _ = sign_in(client, {"email": "zoe@example.org"}, next_url=link)
    assert back["Location"] == link
    assert client.post(link)["Location"] == team.get_absolute_url()
    assert team.members.filter(email="zoe@example.org").exists()


def test_password_logins_still_work_and_are_still_throttled(client, sso):
    UserFactory(username="nadia")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "nadia", "password": "wrong"})
    assert response.status_code == 429
    other = client.post(
        reverse("login"), {"username": "nadia", "password": "correct horse battery"}
    )
    assert other.status_code == 429


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"OIDC_RP_CLIENT_ID": "parsecgo"}, "OIDC_RP_CLIENT_SECRET"),
        (
            {
                "OIDC_RP_CLIENT_ID": "parsecgo",
                "OIDC_RP_CLIENT_SECRET": "s",
                "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{PROVIDER}/authorize",
                "OIDC_OP_TOKEN_ENDPOINT": f"{PROVIDER}/token",
                "OIDC_OP_USER_ENDPOINT": f"{PROVIDER}/userinfo",
            },
            "OIDC_OP_JWKS_ENDPOINT",
        ),
        (
            {
                "OIDC_RP_CLIENT_ID": "parsecgo",
                "OIDC_RP_CLIENT_SECRET": "s",
                "OIDC_OP_AUTHORIZATION_ENDPOINT": "id.example.org/authorize",
                "OIDC_OP_TOKEN_ENDPOINT": f"{PROVIDER}/token",
                "OIDC_OP_USER_ENDPOINT": f"{PROVIDER}/userinfo",
                "OIDC_OP_JWKS_ENDPOINT": f"{PROVIDER}/jwks",
            },
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
        ),
        (
            {
                "OIDC_RP_CLIENT_ID": "parsecgo",
                "OIDC_RP_CLIENT_SECRET": "s",
                "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{PROVIDER}/authorize",
                "OIDC_OP_TOKEN_ENDPOINT": f"{PROVIDER}/token",
                "OIDC_OP_USER_ENDPOINT": f"{PROVIDER}/userinfo",
                "OIDC_RP_SIGN_ALGO": "none",
            },
            "OIDC_RP_SIGN_ALGO",
        ),
    ],
)
def test_an_incomplete_configuration_stops_start_up_naming_the_variable(env, variable):
    done = manage(env, "check")
    assert done.returncode != 0
    last_line = done.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert f"environment variable {variable}" in last_line


def test_a_complete_configuration_serves_the_sign_in_addresses():
    env = {
        "OIDC_RP_CLIENT_ID": "parsecgo",
        "OIDC_RP_CLIENT_SECRET": "s",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{PROVIDER}/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": f"{PROVIDER}/token",
        "OIDC_OP_USER_ENDPOINT": f"{PROVIDER}/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": f"{PROVIDER}/jwks",
        "OIDC_PROVIDER_NAME": "Acme ID",
    }
    done = manage(
        env,
        "shell",
        "-c",
        "from django.urls import reverse; from django.conf import settings as s\n"
        "print(reverse('oidc_authentication_init'), s.OIDC_RP_SIGN_ALGO,"
        " s.AUTHENTICATION_BACKENDS[-1])",
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1].split() == [
        "/oidc/authenticate/",
        "RS256",
        "parsecgo_site.oidc.EmailOIDCBackend",
    ]
