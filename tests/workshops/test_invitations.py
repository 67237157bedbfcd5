"""Teams grow by invitation links: a member makes one (shown once), sees the open ones and
revokes one; whoever holds a link signs up or signs in and joins; a dead link changes nothing."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from workshops.models import Invitation, Membership
from workshops.services import invitations as invitation_services
from workshops.services.invitations import (
    InvitationRefused,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    invitation_token_hash,
)
from workshops.services.teams import team_create

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # UserFactory's
SIGN_UP = {
    "username": "nadia",
    "email": "nadia@example.org",
    "password1": "a long and unusual phrase",
    "password2": "a long and unusual phrase",
}


def invite(team, by, **options) -> str:
    return invitation_create(team=team, by=by, **options)[1]


def accept_url(token: str) -> str:
    return reverse("workshops:invitation-accept", kwargs={"token": token})


def create_url(team) -> str:
    return reverse("workshops:team-invitation-create", kwargs={"team_id": team.pk})


def revoke_url(invitation) -> str:
    return reverse(
        "workshops:team-invitation-revoke",
        kwargs={"team_id": invitation.team_id, "invitation_id": invitation.pk},
    )


def snapshot() -> tuple:
    return (
        get_user_model().objects.count(),
        Membership.objects.count(),
        sorted(Invitation.objects.values_list("pk", "uses", "revoked_at")),
    )


# --- making, listing and revoking links (the team page) -------------------------------------


class TestMaking:
    def test_it_shows_a_new_link_once_and_keeps_only_its_hash(self, facilitator_client, team):
        data = {"note": "For Nadia", "days": "7", "max_uses": "1"}
        response = facilitator_client.post(create_url(team), data)
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("max-age=0")
        link = response.context["link"]
        token = link.rsplit("/", 2)[-2]
        assert link == f"http://testserver{accept_url(token)}"
        assert len(token) >= 43  # 32 bytes from `secrets`: 256 bits
        assert f'value="{link}"' in response.content.decode()
        invitation = Invitation.objects.get()
        assert invitation.token_hash == invitation_token_hash(token) != token
        assert invitation.note == "For Nadia"
        assert invitation.max_uses == 1
        assert timedelta(days=7) - (invitation.expires_at - timezone.now()) < timedelta(minutes=1)
        page = facilitator_client.get(team.get_absolute_url()).content.decode()
        assert token not in page
        assert "For Nadia" in page and "1 of 1" in page

    def test_it_offers_seven_days_and_one_use_by_default(self, facilitator_client, team):
        page = facilitator_client.get(team.get_absolute_url()).content.decode()
        assert 'name="days" value="7"' in page
        assert 'name="max_uses" value="1"' in page

    def test_two_links_differ(self, team, facilitator):
        assert invite(team, facilitator) != invite(team, facilitator)

    def test_it_keeps_bad_input_beside_the_fields(self, facilitator_client, team):
        data = {"note": "For the ops team", "days": "0", "max_uses": "many"}
        response = facilitator_client.post(create_url(team), data)
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["days"] == ["Ensure this value is greater than or equal to 1."]
        assert form.errors["max_uses"] == ["Enter a whole number."]
        content = response.content.decode()
        assert 'value="For the ops team"' in content
        assert 'value="many"' in content
        assert 'id="error_1_id_days"' in content  # crispy's error, beside its field
        assert not Invitation.objects.exists()

    def test_it_refuses_more_than_the_longest_expiry(self, facilitator_client, team):
        data = {"days": str(invitation_services.MAX_DAYS + 1), "max_uses": "1"}
        response = facilitator_client.post(create_url(team), data)
        assert "Ensure this value is less than or equal to 30." in response.content.decode()
        assert not Invitation.objects.exists()

    def test_it_lists_only_open_invitations(self, facilitator_client, team, facilitator):
        invite(team, facilitator, note="open one")
        revoked, _ = invitation_create(team=team, by=facilitator, note="revoked one")
        invitation_revoke(invitation=revoked)
        expired, _ = invitation_create(team=team, by=facilitator, note="expired one")
        Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
        used, _ = invitation_create(team=team, by=facilitator, note="used one")
        Invitation.objects.filter(pk=used.pk).update(uses=1)
        page = facilitator_client.get(team.get_absolute_url()).content.decode()
        assert "open one" in page
        assert "revoked one" not in page and "expired one" not in page and "used one" not in page

    def test_the_team_page_costs_the_same_with_many_invitations(
        self, facilitator_client, team, facilitator, django_assert_max_num_queries
    ):
        for number in range(12):
            invite(team, UserFactory() if number % 2 else facilitator, note=f"n{number}")
        with django_assert_max_num_queries(8):
            response = facilitator_client.get(team.get_absolute_url())
        assert response.content.decode().count("data-invitation=") == 12

    def test_a_member_revokes_a_link_and_it_lets_nobody_in(
        self, facilitator_client, team, facilitator, outsider
    ):
        token = invite(team, facilitator, note="For Olga")
        invitation = Invitation.objects.get()
        response = facilitator_client.post(revoke_url(invitation))
        assert response.status_code == 302
        assert response["Location"] == team.get_absolute_url()
        invitation.refresh_from_db()
        assert invitation.revoked_at is not None
        assert "For Olga" not in facilitator_client.get(team.get_absolute_url()).content.decode()
        with pytest.raises(InvitationRefused, match="revoked"):
            invitation_accept(token=token, user=outsider)

    def test_it_returns_404_to_outsiders_and_changes_nothing(
        self, outsider_client, outsider, team, facilitator
    ):
        invite(team, facilitator)
        invitation = Invitation.objects.get()
        own_team = team_create(name="Olga's", creator=outsider)
        before = snapshot()
        assert outsider_client.post(create_url(team), {"days": 7, "max_uses": 1}).status_code == 404
        assert outsider_client.post(revoke_url(invitation)).status_code == 404
        # Another team's invitation through a team of one's own is not found either.
        through_own = reverse(
            "workshops:team-invitation-revoke",
            kwargs={"team_id": own_team.pk, "invitation_id": invitation.pk},
        )
        assert outsider_client.post(through_own).status_code == 404
        assert snapshot() == before

    def test_it_sends_anonymous_visitors_to_log_in(self, client, team, facilitator):
        invite(team, facilitator)
        invitation = Invitation.objects.get()
        before = snapshot()
        for url in (create_url(team), revoke_url(invitation)):
            response = client.post(url, {"days": 7, "max_uses": 1})
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
        assert snapshot() == before

    def test_it_refuses_other_methods(self, facilitator_client, team, facilitator):
        token = invite(team, facilitator)
        assert facilitator_client.get(create_url(team)).status_code == 405
        assert facilitator_client.get(revoke_url(Invitation.objects.get())).status_code == 405
        assert facilitator_client.put(accept_url(token)).status_code == 405


# --- using a link -----------------------------------------------------------------------------


class TestJoiningSignedIn:
    def test_a_signed_in_person_joins_with_one_click(self, outsider_client, outsider, team):
        token = invite(team, team.members.first())
        page = outsider_client.get(accept_url(token)).content.decode()
        assert "Join Platform as olga" in page
        assert not team.members.filter(pk=outsider.pk).exists()  # opening it changes nothing
        response = outsider_client.post(accept_url(token))
        assert response.status_code == 302
        assert response["Location"] == team.get_absolute_url()
        assert team.members.filter(pk=outsider.pk).exists()
        assert Invitation.objects.get().uses == 1
        assert outsider_client.get(team.get_absolute_url()).status_code == 200

    def test_a_member_already_in_the_team_uses_nothing_up(self, facilitator_client, team):
        token = invite(team, team.members.first())
        assert (
            "You are in Platform already"
            in facilitator_client.get(accept_url(token)).content.decode()
        )
        response = facilitator_client.post(accept_url(token))
        assert response.status_code == 302
        assert Invitation.objects.get().uses == 0
        assert team.memberships.count() == 2

    def test_a_single_use_link_lets_one_person_in(self, team, facilitator, outsider, client):
        token = invite(team, facilitator)
        client.force_login(outsider)
        client.post(accept_url(token))
        second = UserFactory(username="sven")
        client.force_login(second)
        before = snapshot()
        response = client.post(accept_url(token))
        assert response.status_code == 410
        assert "This invitation has been used" in response.content.decode()
        assert "Nothing was changed" in response.content.decode()
        assert snapshot() == before
        assert not team.members.filter(pk=second.pk).exists()

    def test_a_link_for_three_lets_three_in(self, team, facilitator):
        token = invite(team, facilitator, max_uses=3)
        people = [UserFactory() for _ in range(4)]
        for person in people[:3]:
            assert invitation_accept(token=token, user=person).joined
        with pytest.raises(InvitationRefused, match="used"):
            invitation_accept(token=token, user=people[3])
        assert team.memberships.count() == 5

    def test_the_log_in_link_comes_back_to_the_invitation(
        self, client, team, facilitator, outsider
    ):
        token = invite(team, facilitator)
        page = client.get(accept_url(token))
        login_url = page.context["login_url"]
        assert login_url == reverse("login") + "?next=" + accept_url(token).replace("/", "%2F")
        response = client.post(
            login_url, {"username": "olga", "password": PASSWORD, "next": accept_url(token)}
        )
        assert response["Location"] == accept_url(token)
        assert "Join Platform as olga" in client.get(accept_url(token)).content.decode()


class TestSigningUp:
    def test_a_new_person_signs_up_and_joins(self, client, team, facilitator):
        token = invite(team, facilitator)
        assert "Create account and join" in client.get(accept_url(token)).content.decode()
        response = client.post(accept_url(token), SIGN_UP)
        assert response.status_code == 302
        assert response["Location"] == team.get_absolute_url()
        nadia = get_user_model().objects.get(username="nadia")
        assert nadia.email == "nadia@example.org"
        assert nadia.check_password(SIGN_UP["password1"])
        assert team.members.filter(pk=nadia.pk).exists()
        assert client.get(team.get_absolute_url()).status_code == 200  # signed in
        assert Invitation.objects.get().uses == 1

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"password2": "something else"}, "password2", "The two password fields didn"),
            ({"password1": "password", "password2": "password"}, "password2", "too common"),
            ({"password1": "nadia", "password2": "nadia"}, "password2", "too short"),
            ({"email": "not an address"}, "email", "Enter a valid email address."),
            ({"email": ""}, "email", "This field is required."),
            ({"username": "nadia smith"}, "username", "Enter a valid username."),
        ],
    )
    def test_it_keeps_input_and_shows_errors_beside_fields(
        self, client, team, facilitator, changes, field, message
    ):
        token = invite(team, facilitator)
        before = snapshot()
        data = {**SIGN_UP, **changes}
        response = client.post(accept_url(token), data)
        assert response.status_code == 200
        form = response.context["form"]
        assert any(message in error for error in form.errors[field])
        content = response.content.decode()
        assert f'id="error_1_id_{field}"' in content
        if field != "username":
            assert f'value="{data["username"]}"' in content
        if field != "email" and data["email"]:
            assert f'value="{data["email"]}"' in content
        assert snapshot() == before

    def test_a_taken_username_is_refused_beside_the_field(self, client, team, facilitator):
        UserFactory(username="nadia")
        token = invite(team, facilitator)
        before = snapshot()
        response = client.post(accept_url(token), SIGN_UP)
        assert response.context["form"].errors["username"] == [
            "A user with that username already exists."
        ]
        assert 'value="nadia@example.org"' in response.content.decode()
        assert snapshot() == before

    def test_the_sign_up_of_a_dead_link_creates_no_account(self, client, team, facilitator):
        token = invite(team, facilitator)
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        before = snapshot()
        response = client.post(accept_url(token), SIGN_UP)
        assert response.status_code == 410
        assert snapshot() == before


class TestDeadLinks:
    @pytest.mark.parametrize(
        ("kill", "heading"),
        [
            (lambda i: i.update(expires_at=timezone.now()), "This invitation has expired"),
            (lambda i: i.update(revoked_at=timezone.now()), "This invitation was withdrawn"),
            (lambda i: i.update(uses=1), "This invitation has been used"),
        ],
    )
    def test_a_dead_link_answers_a_clear_page_and_changes_nothing(
        self, client, outsider, team, facilitator, kill, heading
    ):
        token = invite(team, facilitator)
        kill(Invitation.objects.all())
        before = snapshot()
        for person in (None, outsider):
            if person:
                client.force_login(person)
            for response in (
                client.get(accept_url(token)),
                client.post(accept_url(token), SIGN_UP),
            ):
                assert response.status_code == 410
                content = response.content.decode()
                assert heading in content
                assert "· Parsecgo Workshop</title>" in content  # our page, not a traceback
                assert "Platform" not in content  # a stale link does not name its team
        assert snapshot() == before

    def test_an_unknown_link_says_it_does_not_work(self, client, team, facilitator):
        invite(team, facilitator)
        before = snapshot()
        for token in ("not-a-token", "x" * 300):
            response = client.get(accept_url(token))
            assert response.status_code == 404
            assert "This invitation link does not work" in response.content.decode()
        assert client.post(accept_url("not-a-token"), SIGN_UP).status_code == 404
        assert snapshot() == before


# --- two people on one single-use link at once ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_single_use_link_admits_one_of_two_concurrent_requests(monkeypatch):
    owner, first, second = (UserFactory(username=name) for name in ("owen", "ann", "bob"))
    team = team_create(name="Concurrent", creator=owner)
    token = invite(team, owner)
    real_join = invitation_services.team_member_join

    def slow_join(**kwargs):
        # Hold the lock a moment, so that the other request certainly arrives while it is held:
        # without the row lock both would read "0 uses" and both would join.
        time.sleep(0.3)
        return real_join(**kwargs)

    monkeypatch.setattr(invitation_services, "team_member_join", slow_join)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def accept(user):
        try:
            start.wait()
            invitation_accept(token=token, user=user)
            outcomes[user.username] = "joined"
        except InvitationRefused as refused:
            outcomes[user.username] = refused.reason
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["joined", "used"]
    assert Invitation.objects.get().uses == 1
    assert team.memberships.count() == 2


# --- nothing tells an outsider which usernames exist ------------------------------------------


def test_a_failed_login_reads_the_same_for_a_real_and_a_made_up_username(client, outsider):
    answers = []
    for username in ("olga", "nobody-here"):
        response = client.post(reverse("login"), {"username": username, "password": "wrong"})
        page = response.content.decode().replace(username, "NAME")
        answers.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page))
    assert answers[0] == answers[1]
    assert "Please enter a correct username and password" in answers[0]


def test_the_admin_team_page_lists_its_invitations_to_read(client, staff_user, team, facilitator):
    token = invite(team, facilitator, note="For the auditors")
    client.force_login(staff_user)
    page = client.get(reverse("admin:workshops_team_change", args=[team.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "For the auditors" in content
    assert token not in content
