"""An htmx request that finds the session expired sends the whole page to the login form."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def live_panel(workshop) -> str:
    return reverse("workshops:live-panel", kwargs={"workshop_id": workshop.pk}) + "?phase=1"


def test_it_sends_an_expired_poll_to_the_login_page_of_the_page_it_came_from(client, workshop):
    console = workshop.get_absolute_url()
    response = client.get(
        live_panel(workshop),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{console}?part=7",
    )
    assert response.status_code == 204
    assert response.content == b""
    target = unquote(response["HX-Redirect"])
    assert target.startswith(reverse("login"))
    assert target.endswith(f"next={console}?part=7")


def test_it_leaves_a_plain_request_to_the_usual_redirect(client, workshop):
    response = client.get(live_panel(workshop))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_leaves_other_htmx_redirects_alone(facilitator_client, workshop):
    # Moving to a phase answers a redirect to the console, which htmx may follow as it likes.
    response = facilitator_client.post(
        reverse("workshops:phase-go", kwargs={"workshop_id": workshop.pk}),
        {"phase": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 302
    assert "HX-Redirect" not in response
