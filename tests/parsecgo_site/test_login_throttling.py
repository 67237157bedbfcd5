"""Login throttling (django-axes): a username and client pair is paused after too many failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # UserFactory's
LIMIT = settings.AXES_FAILURE_LIMIT


def log_in(client, username: str, password: str = PASSWORD, *, url: str = "", **extra):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, **extra
    )


def fail(client, username: str, times: int, **extra):
    return [log_in(client, username, "wrong", **extra) for _ in range(times)][-1]


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def assert_lockout_page(response) -> None:
    assert response.status_code == 429
    content = response.content.decode()
    assert "Too many failed logins" in content
    assert f"try again in {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in content
    assert "An administrator can unlock you straight away" in content
    assert "· Parsecgo Workshop</title>" in content  # our layout, not a bare message


def test_it_explains_the_failures_before_the_limit(client, user):
    response = fail(client, user.username, LIMIT - 1)
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert log_in(client, user.username).status_code == 302


def test_it_refuses_the_right_password_after_too_many_wrong_ones(client, user):
    assert_lockout_page(fail(client, user.username, LIMIT))

    response = log_in(client, user.username)

    assert_lockout_page(response)
    assert user.username in response.content.decode()
    assert not is_signed_in(client)


def test_it_escapes_the_username_on_the_lockout_page(client):
    response = fail(client, "<b>mallory</b>", LIMIT)
    assert "&lt;b&gt;mallory&lt;/b&gt;" in response.content.decode()


def test_it_keeps_another_username_from_the_same_client_open(client, user):
    other = UserFactory()
    fail(client, user.username, LIMIT)

    assert log_in(client, other.username).status_code == 302
    assert is_signed_in(client)


def test_it_keeps_the_same_username_from_another_client_open(client, user):
    fail(client, user.username, LIMIT, REMOTE_ADDR="203.0.113.7")

    assert log_in(client, user.username, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_it_throttles_the_admin_login_too(client, staff_user):
    admin_login = reverse("admin:login")
    for _ in range(LIMIT):
        response = log_in(client, staff_user.username, "wrong", url=admin_login)

    assert_lockout_page(response)
    assert_lockout_page(log_in(client, staff_user.username, url=admin_login))
    assert not is_signed_in(client)


def test_it_counts_the_site_and_admin_logins_together(client, staff_user):
    fail(client, staff_user.username, LIMIT - 1)
    response = log_in(client, staff_user.username, "wrong", url=reverse("admin:login"))
    assert_lockout_page(response)


def test_it_forgets_the_failures_after_a_successful_login(client, user):
    fail(client, user.username, LIMIT - 1)
    assert log_in(client, user.username).status_code == 302
    client.post(reverse("logout"))

    fail(client, user.username, LIMIT - 1)

    assert log_in(client, user.username).status_code == 302


def wind_back(attempts: int, by: timedelta) -> None:
    """As if the last failure had been `by` ago."""
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == attempts
    AccessAttempt.objects.update(attempt_time=attempt.attempt_time - by)


def test_it_lets_them_in_after_the_cool_off(client, user):
    fail(client, user.username, LIMIT)
    wind_back(LIMIT, settings.AXES_COOLOFF_TIME + timedelta(seconds=1))

    assert log_in(client, user.username).status_code == 302


def test_it_starts_the_wait_again_on_each_attempt_while_locked(client, user):
    fail(client, user.username, LIMIT)
    wind_back(LIMIT, settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert_lockout_page(log_in(client, user.username))

    wind_back(LIMIT + 1, timedelta(minutes=2))

    assert_lockout_page(log_in(client, user.username))


def test_it_lets_them_in_once_an_administrator_deletes_the_attempts(client, user, staff_user):
    fail(client, user.username, LIMIT)
    attempt = AccessAttempt.objects.get(username=user.username)

    admin = client.__class__()
    admin.force_login(staff_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert user.username in admin.get(changelist).content.decode()
    response = admin.post(
        changelist, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    assert log_in(client, user.username).status_code == 302


def test_it_lets_them_in_after_axes_reset_username(client, user):
    fail(client, user.username, LIMIT)

    call_command("axes_reset_username", user.username, verbosity=0)

    assert log_in(client, user.username).status_code == 302


def test_it_needs_the_request_so_tests_sign_in_through_the_form_or_force_login(client, user):
    # The test client's login() calls authenticate() without a request; django-axes refuses
    # to guess whose attempt it is. Tests post the login form or use force_login().
    with pytest.raises(ValueError, match="requires a request"):
        client.login(username=user.username, password=PASSWORD)
