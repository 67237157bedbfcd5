"""Teams: who is in them decides who sees their workshops."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workshops.models import Membership, Team

pytestmark = pytest.mark.django_db


def test_it_lists_only_my_teams(facilitator_client, team, outsider):
    from workshops.services.teams import team_create

    team_create(name="Someone else's", creator=outsider)
    content = facilitator_client.get(reverse("workshops:team-list")).content.decode()
    assert "Platform" in content
    assert "Someone else" not in content


def test_it_creates_a_team_with_me_in_it(facilitator_client, facilitator):
    response = facilitator_client.post(reverse("workshops:team-list"), {"name": "  Data   team "})
    team = Team.objects.get(name="Data team")
    assert response.status_code == 302
    assert response["Location"] == team.get_absolute_url()
    assert Membership.objects.filter(team=team, user=facilitator).exists()


def test_it_allows_a_team_name_another_team_has_without_a_word(
    facilitator_client, facilitator, outsider
):
    from workshops.services.teams import team_create

    team_create(name="Platform", creator=outsider)  # someone else's team
    response = facilitator_client.post(reverse("workshops:team-list"), {"name": "platform"})
    assert response.status_code == 302
    assert Team.objects.filter(name__iexact="platform").count() == 2
    mine = Team.objects.get(memberships__user=facilitator)
    assert response["Location"] == mine.get_absolute_url()
    page = facilitator_client.get(response["Location"]).content.decode()
    assert "already exists" not in page


def test_it_keeps_a_blank_team_name_beside_the_field(facilitator_client):
    response = facilitator_client.post(reverse("workshops:team-list"), {"name": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Team.objects.exists()


def test_it_no_longer_adds_members_by_username(facilitator_client, team, outsider):
    url = reverse("workshops:team-detail", kwargs={"team_id": team.pk})
    response = facilitator_client.post(url, {"username": "olga"})
    assert response.status_code == 405
    assert not team.members.filter(pk=outsider.pk).exists()
    assert 'name="username"' not in facilitator_client.get(url).content.decode()


def test_it_returns_404_to_outsiders_and_changes_nothing(outsider_client, team):
    url = reverse("workshops:team-detail", kwargs={"team_id": team.pk})
    assert outsider_client.get(url).status_code == 404
    assert team.memberships.count() == 2


def test_it_sends_anonymous_visitors_to_log_in(client, team):
    response = client.get(reverse("workshops:team-detail", kwargs={"team_id": team.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_other_methods(facilitator_client, team):
    url = reverse("workshops:team-detail", kwargs={"team_id": team.pk})
    assert facilitator_client.put(url).status_code == 405
