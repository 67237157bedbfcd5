"""Password reset by email: the link from the login page, an answer that says nothing about
which addresses have accounts, the emailed link, and the email settings read from the
environment."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory
from tests.parsecgo_site.test_settings import manage
from tests.workers import HELD_TASKS

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a fresh and unusual phrase"


@pytest.fixture
def nadia(db):
    return UserFactory(username="nadia", email="nadia@example.org")


def ask_for_reset(client, email: str):
    return client.post(reverse("password_reset"), {"email": email})


def emailed_link() -> str:
    (message,) = mail.outbox
    return re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)


def test_the_login_page_links_to_the_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page
    assert "Forgot your password?" in page


def test_it_emails_a_link_to_the_address_of_an_account(client, nadia):
    response = ask_for_reset(client, "NADIA@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["nadia@example.org"]
    assert message.subject == "Reset your Parsecgo Workshop password"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Hello nadia," in message.body
    done = client.get(response["Location"]).content.decode()
    assert "If an account has that address" in done
    assert "for 24 hours" in done


def test_it_answers_the_same_for_an_address_no_account_has(client, nadia):
    known = ask_for_reset(client, "nadia@example.org")
    unknown = ask_for_reset(client, "nobody@example.org")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1  # only the real account got mail


def test_it_keeps_a_malformed_address_beside_the_field(client, nadia):
    response = ask_for_reset(client, "nadia at example")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Enter a valid email address." in content
    assert 'id="error_1_id_email"' in content
    assert 'value="nadia at example"' in content
    assert not mail.outbox


def test_the_emailed_link_sets_a_new_password_once(client, nadia):
    ask_for_reset(client, nadia.email)
    link = emailed_link()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]

    mismatch = {"new_password1": NEW_PASSWORD, "new_password2": "something else"}
    refused = client.post(set_password_url, mismatch)
    assert refused.status_code == 200
    assert 'id="error_1_id_new_password2"' in refused.content.decode()
    weak = client.post(set_password_url, {"new_password1": "123", "new_password2": "123"})
    assert "too short" in weak.content.decode()
    nadia.refresh_from_db()
    assert nadia.check_password("correct horse battery")  # refused: nothing changed

    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("password_reset_complete")
    nadia.refresh_from_db()
    assert nadia.check_password(NEW_PASSWORD)

    again = client.get(link, follow=True).content.decode()
    assert "This reset link does not work" in again
    assert "Nothing was changed" in again


def test_the_login_throttle_still_counts_after_a_reset(client, nadia):
    ask_for_reset(client, nadia.email)
    client.get(emailed_link(), follow=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "nadia", "password": "wrong"})
    assert response.status_code == 429


SHOW_EMAIL = (
    "from django.conf import settings as s\n"
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
    "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL)"
)


def test_mail_is_printed_on_the_console_unless_a_host_is_set():
    # (The test runner swaps in its own outbox, hence a fresh process.)
    done = manage({}, "shell", "-c", SHOW_EMAIL, check=True)
    assert done.stdout.strip().splitlines()[-1].split()[0] == (
        "django.core.mail.backends.console.EmailBackend"
    )


def test_it_sends_by_smtp_with_the_environment_settings():
    env = {
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "2525",
        "EMAIL_HOST_USER": "parsecgo",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": "false",
        "DEFAULT_FROM_EMAIL": "decisions@example.org",
    }
    done = manage(env, "shell", "-c", SHOW_EMAIL, check=True)
    assert done.stdout.split()[-7:] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "2525",
        "parsecgo",
        "s3cret",
        "False",
        "decisions@example.org",
    ]


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT"),
        ({"EMAIL_HOST": "smtp.example.org", "EMAIL_USE_TLS": "maybe"}, "EMAIL_USE_TLS"),
        ({"EMAIL_HOST_USER": "parsecgo"}, "EMAIL_HOST"),
        (
            {"EMAIL_HOST": "smtp.example.org", "EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"},
            "EMAIL_USE_TLS",
        ),
    ],
)
def test_a_bad_email_setting_stops_start_up_naming_it(env, variable):
    done = manage(env, "check")
    assert done.returncode != 0
    last_line = done.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert f"environment variable {variable}" in last_line


def test_the_mail_is_queued_for_the_worker_not_sent_in_the_request(client, nadia):
    with override_settings(TASKS=HELD_TASKS):
        from django_tasks import default_task_backend

        response = ask_for_reset(client, nadia.email)
        assert response.status_code == 302
        assert not mail.outbox  # nothing sent while the person waits
        (queued,) = default_task_backend.results
        assert queued.task.name == "send_mail_later"
        assert queued.args[3] == ["nadia@example.org"]
        assert "/accounts/reset/" in queued.args[1]
        ask_for_reset(client, "nobody@example.org")
        assert len(default_task_backend.results) == 1
