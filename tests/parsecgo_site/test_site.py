"""Health check, front page, dashboard, logging in and out, and the demo facilitator."""

from __future__ import annotations

from datetime import date
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from tests.workshops.builders import decide
from workshops.services.teams import team_create
from workshops.services.workshops import workshop_create

pytestmark = pytest.mark.django_db


class TestHealthz:
    def test_it_answers_ok_after_a_database_round_trip(self, client, django_assert_num_queries):
        with django_assert_num_queries(1):
            response = client.get(reverse("healthz"))
        assert response.status_code == 200
        assert response.content == b"ok"
        assert response["Content-Type"].startswith("text/plain")

    def test_it_answers_503_when_the_database_is_down(self, client):
        with mock.patch(
            "django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError
        ):
            response = client.get(reverse("healthz"))
        assert response.status_code == 503

    def test_it_refuses_post(self, client):
        assert client.post(reverse("healthz")).status_code == 405


class TestHome:
    def test_it_says_what_the_product_does_and_shows_the_catalogue(self, client):
        content = client.get(reverse("home")).content.decode()
        assert "30 minutes" in content
        assert "Real-time streaming" in content
        assert 'href="/accounts/login/"' in content

    def test_it_sends_a_strict_content_security_policy(self, client):
        policy = client.get(reverse("home"))["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy

    def test_it_serves_bootstrap_and_htmx_from_this_site(self, client):
        content = client.get(reverse("home")).content.decode()
        assert "/static/bootstrap/css/bootstrap.min.css" in content
        assert "/static/django_htmx/htmx" in content
        assert "cdn" not in content.lower()


class TestDashboard:
    def test_it_shows_my_workshops_due_reviews_and_recent_decisions(
        self, facilitator_client, facilitator, team, workshop, outsider
    ):
        decision = decide(workshop, facilitator, review_date=date(2020, 1, 1))
        other_team = team_create(name="Elsewhere", creator=outsider)
        workshop_create(
            team=other_team, title="Not yours", scheduled_at=timezone.now(), facilitator=outsider
        )
        workshop_create(
            team=team,
            title="Order events",
            scheduled_at=timezone.now(),
            facilitator=facilitator,
        )
        content = facilitator_client.get(reverse("home")).content.decode()
        assert "Order events" in content
        assert "Not yours" not in content
        assert "overdue since" in content
        assert decision.get_absolute_url() in content

    def test_anonymous_visitors_get_the_product_page(self, client):
        content = client.get(reverse("home")).content.decode()
        assert "Decide how two systems should talk" in content


class TestLogin:
    def test_it_logs_a_facilitator_in_and_out(self, client, user):
        response = client.post(
            reverse("login"), {"username": user.username, "password": "correct horse battery"}
        )
        assert response.status_code == 302
        page = client.get(reverse("home")).content.decode()
        assert user.username in page
        assert "Log out" in page
        client.post(reverse("logout"))
        assert "Log out" not in client.get(reverse("home")).content.decode()

    def test_it_keeps_the_username_and_explains_a_wrong_password(self, client, user):
        response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
        assert response.status_code == 200
        content = response.content.decode()
        assert "Please enter a correct username and password" in content
        assert f'value="{user.username}"' in content


class TestDemoFacilitator:
    def test_it_creates_the_account_once_and_prints_the_password_once(self, client):
        first, second = StringIO(), StringIO()
        call_command("ensure_demo_facilitator", stdout=first)
        call_command("ensure_demo_facilitator", stdout=second)
        assert get_user_model().objects.filter(username="demo").count() == 1
        password = first.getvalue().split("password '")[1].split("'")[0]
        assert password not in second.getvalue()
        assert "already exists" in second.getvalue()
        # Through the login form, as a person would (django-axes needs the request, which
        # the test client's login() does not pass to authenticate()).
        response = client.post(reverse("login"), {"username": "demo", "password": password})
        assert response.status_code == 302


@pytest.mark.django_db
def test_the_demo_login_names_the_address_the_server_answers_on():
    out = StringIO()
    call_command("ensure_demo_facilitator", "--site", "http://127.0.0.1:8765/", stdout=out)
    assert "Log in at http://127.0.0.1:8765/accounts/login/ with username 'demo'" in out.getvalue()
