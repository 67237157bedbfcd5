"""Joining from one's own device: the short code at /join/, the invite link, name and role,
the refusals (closed, decided, unknown) and the rate limit on failed joins."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from workshops.models import JoinThrottle, Participant, Workshop
from workshops.services.room import invite_rotate, joining_set, participant_join
from workshops.services.workshops import participant_remove
from workshops.views.room_access import SESSION_KEY

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
JOIN = reverse("workshops:join")


def invite_url(workshop: Workshop) -> str:
    return reverse("workshops:join-invite", kwargs={"invite": workshop.invite_code})


def participant_url(workshop: Workshop) -> str:
    return reverse("workshops:participant", kwargs={"workshop_id": workshop.pk})


def spaced(code: str) -> str:
    return f"{code[:3].lower()} - {code[3:].lower()}"


def decide(workshop: Workshop) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.DECIDED)


ADA = {"name": "  Ada Lovelace ", "role": "operations", "involvement": "consulted"}


class TestTheCode:
    def test_it_shows_the_code_form(self, client):
        response = client.get(JOIN)
        assert response.status_code == 200
        assert 'for="id_code"' in response.content.decode()

    def test_a_known_code_leads_to_the_invite_whatever_its_case_spaces_and_dashes(
        self, client, workshop
    ):
        response = client.post(JOIN, {"code": spaced(workshop.join_code)})
        assert response.status_code == 302
        assert response["Location"] == invite_url(workshop)

    def test_an_unknown_code_is_refused_beside_the_field_and_kept(self, client, workshop):
        response = client.post(JOIN, {"code": "ZZZ-999"})
        content = response.content.decode()
        assert response.status_code == 200
        assert "No workshop has this code" in content
        assert 'value="ZZZ-999"' in content
        assert 'aria-invalid="true"' in content
        assert JoinThrottle.objects.get().failures == 1

    def test_a_blank_code_asks_for_one_and_counts_nothing(self, client):
        response = client.post(JOIN, {"code": " - "})
        assert "Type the code" in response.content.decode()
        assert not JoinThrottle.objects.exists()

    def test_a_closed_workshop_says_so(self, client, workshop):
        joining_set(workshop=workshop, open=False)
        response = client.post(JOIN, {"code": workshop.join_code})
        assert response.status_code == 403
        assert "closed joining" in response.content.decode()

    def test_a_decided_workshop_says_so(self, client, workshop):
        decide(workshop)
        response = client.post(JOIN, {"code": workshop.join_code})
        assert response.status_code == 410
        assert "This workshop is decided" in response.content.decode()

    def test_a_rotated_code_no_longer_works(self, client, workshop):
        old = workshop.join_code
        invite_rotate(workshop=workshop)
        response = client.post(JOIN, {"code": old})
        assert "No workshop has this code" in response.content.decode()

    def test_htmx_gets_the_form_with_its_error_alone(self, client, workshop):
        response = client.post(JOIN, {"code": "ZZZ999"}, headers=HTMX)
        content = response.content.decode()
        assert response.status_code == 200
        assert content.lstrip().startswith('<form id="code-form"')
        assert "No workshop has this code" in content

    def test_htmx_is_sent_on_to_the_invite(self, client, workshop):
        response = client.post(JOIN, {"code": workshop.join_code}, headers=HTMX)
        assert response["HX-Redirect"] == invite_url(workshop)

    def test_other_methods_are_refused(self, client):
        assert client.put(JOIN).status_code == 405
        assert client.delete(JOIN).status_code == 405


class TestTheInvite:
    def test_it_asks_for_name_role_and_involvement(self, client, workshop):
        content = client.get(invite_url(workshop)).content.decode()
        assert "Nightly inventory sync" in content
        assert 'for="id_name"' in content
        assert 'for="id_role"' in content
        assert "Spectator: I watch and do not vote" in content
        assert 'value="consulted"  id="id_involvement_1" required checked' in content

    def test_joining_lets_this_browser_in_and_on_to_its_page(self, client, workshop):
        response = client.post(invite_url(workshop), ADA)
        assert response.status_code == 302
        assert response["Location"] == participant_url(workshop)
        ada = Participant.objects.get()
        assert (ada.name, ada.role, ada.involvement) == ("Ada Lovelace", "operations", "consulted")
        assert ada.joined
        assert client.session[SESSION_KEY] == {str(workshop.pk): [ada.pk, ada.device_token]}

    def test_a_spectator_is_recorded_as_informed(self, client, workshop):
        client.post(invite_url(workshop), {**ADA, "involvement": "informed"})
        assert Participant.objects.get().involvement == Participant.Involvement.INFORMED

    def test_joining_rotates_the_session_key_and_a_team_member_stays_signed_in(
        self, facilitator_client, workshop
    ):
        before = facilitator_client.cookies["sessionid"].value
        facilitator_client.post(invite_url(workshop), ADA)
        assert facilitator_client.cookies["sessionid"].value != before
        assert facilitator_client.get(workshop.get_absolute_url()).status_code == 200

    def test_a_participant_reaches_nothing_else_of_the_team(self, client, workshop, team):
        client.post(invite_url(workshop), ADA)
        # Not signed in: the console and the room view send to the login page.
        assert client.get(workshop.get_absolute_url()).status_code == 302
        room = reverse("workshops:room", kwargs={"workshop_id": workshop.pk})
        assert client.get(room).status_code == 302
        assert client.get(team.get_absolute_url()).status_code == 302

    def test_a_browser_already_in_goes_straight_to_its_page(self, client, workshop):
        client.post(invite_url(workshop), ADA)
        response = client.get(invite_url(workshop))
        assert response["Location"] == participant_url(workshop)
        assert Participant.objects.count() == 1

    def test_a_removed_participant_may_join_again(self, client, workshop):
        client.post(invite_url(workshop), ADA)
        participant_remove(participant=Participant.objects.get())
        response = client.get(invite_url(workshop))
        assert response.status_code == 200
        assert 'for="id_name"' in response.content.decode()

    @pytest.mark.parametrize(
        ("name", "error"),
        [
            ("", "This field is required."),
            ("   ", "This field is required."),
            ("Ada\x00", "Null characters are not allowed."),
            ("A" * 101, "Ensure this value has at most 100 characters (it has 101)."),
        ],
        ids=["empty", "blank", "nul", "long"],
    )
    def test_a_bad_name_is_refused_beside_the_field(self, client, workshop, name, error):
        response = client.post(invite_url(workshop), {**ADA, "name": name, "role": "security"})
        content = response.content.decode()
        assert response.status_code == 200
        assert error in content
        assert '<option value="security" selected>' in content  # the rest is kept
        assert not Participant.objects.exists()

    def test_a_role_outside_the_list_is_refused(self, client, workshop):
        response = client.post(invite_url(workshop), {**ADA, "role": "admin"})
        assert "Select a valid choice" in response.content.decode()
        assert not Participant.objects.exists()

    def test_names_are_escaped(self, client, workshop):
        response = client.post(invite_url(workshop), {**ADA, "name": "<b>x</b>" * 20})
        assert "<b>x</b>" not in response.content.decode()

    def test_an_unknown_link_is_a_friendly_404_and_counts(self, client, workshop):
        response = client.get(reverse("workshops:join-invite", kwargs={"invite": "nope"}))
        assert response.status_code == 404
        assert "does not open a workshop" in response.content.decode()
        assert JoinThrottle.objects.get().failures == 1

    def test_a_rotated_link_no_longer_works_and_who_joined_stays(self, client, workshop):
        old = invite_url(workshop)
        client.post(old, ADA)
        invite_rotate(workshop=workshop)
        assert Client().get(old).status_code == 404
        assert client.get(old).status_code == 404  # the old link opens nothing, even here
        assert Participant.objects.count() == 1

    def test_closed_joining_refuses_with_403(self, client, workshop):
        joining_set(workshop=workshop, open=False)
        response = client.post(invite_url(workshop), ADA)
        assert response.status_code == 403
        assert "Joining is closed" in response.content.decode()
        assert not Participant.objects.exists()

    def test_a_decided_workshop_refuses_with_410(self, client, workshop):
        decide(workshop)
        response = client.get(invite_url(workshop))
        assert response.status_code == 410
        assert "reached its decision" in response.content.decode()

    def test_htmx_gets_the_form_with_its_errors_alone(self, client, workshop):
        response = client.post(invite_url(workshop), {**ADA, "name": ""}, headers=HTMX)
        content = response.content.decode()
        assert content.lstrip().startswith('<form id="join-form"')
        assert "This field is required." in content

    def test_htmx_is_sent_on_to_the_participant_page(self, client, workshop):
        response = client.post(invite_url(workshop), ADA, headers=HTMX)
        assert response["HX-Redirect"] == participant_url(workshop)
        assert Participant.objects.count() == 1

    def test_htmx_reloads_to_show_a_refusal(self, client, workshop):
        joining_set(workshop=workshop, open=False)
        response = client.post(invite_url(workshop), ADA, headers=HTMX)
        assert response["HX-Refresh"] == "true"
        assert not Participant.objects.exists()

    def test_other_methods_are_refused(self, client, workshop):
        assert client.put(invite_url(workshop)).status_code == 405


class TestTheRateLimit:
    @pytest.fixture(autouse=True)
    def _limit(self, settings):
        settings.JOIN_FAILURE_LIMIT = 3
        settings.JOIN_FAILURE_WINDOW_MINUTES = 15

    def fail(self, client, times: int) -> None:
        for _ in range(times):
            client.post(JOIN, {"code": "ZZZ999"})

    def test_too_many_failures_pause_the_client_with_a_friendly_429(self, client, workshop):
        self.fail(client, 3)
        response = client.post(JOIN, {"code": workshop.join_code})
        content = response.content.decode()
        assert response.status_code == 429
        assert "Please wait 15 minutes" in content
        assert 14 * 60 <= int(response["Retry-After"]) <= 15 * 60
        # The form page and the invite link wait too, right or wrong.
        assert client.get(JOIN).status_code == 429
        assert client.get(invite_url(workshop)).status_code == 429
        assert (
            client.get(reverse("workshops:join-invite", kwargs={"invite": "x"})).status_code == 429
        )

    def test_the_failure_that_reaches_the_limit_says_so_at_once(self, client):
        self.fail(client, 2)
        assert client.post(JOIN, {"code": "ZZZ999"}).status_code == 429

    def test_failed_invite_links_count_too(self, client, workshop):
        for _ in range(3):
            client.get(reverse("workshops:join-invite", kwargs={"invite": "guess"}))
        assert client.get(invite_url(workshop)).status_code == 429

    def test_other_clients_join_as_usual(self, client, workshop):
        self.fail(client, 5)
        other = Client(REMOTE_ADDR="198.51.100.2")
        response = other.post(JOIN, {"code": workshop.join_code})
        assert response["Location"] == invite_url(workshop)
        assert other.post(invite_url(workshop), ADA)["Location"] == participant_url(workshop)

    def test_someone_already_in_is_not_locked_out_by_their_network(self, client, workshop):
        client.post(invite_url(workshop), ADA)
        self.fail(Client(), 3)  # another device behind the same address
        assert client.get(invite_url(workshop))["Location"] == participant_url(workshop)

    def test_htmx_reloads_to_the_wait_page(self, client):
        self.fail(client, 3)
        response = client.post(JOIN, {"code": "ZZZ999"}, headers=HTMX)
        assert response["HX-Refresh"] == "true"

    def test_a_typo_and_then_the_right_code_is_fine(self, client, workshop):
        self.fail(client, 2)
        assert client.post(JOIN, {"code": workshop.join_code}).status_code == 302


def test_joining_from_two_devices_makes_two_participants(workshop):
    participant_join(workshop=workshop, name="Bo", role="business")
    Client().post(invite_url(workshop), ADA)
    assert Participant.objects.count() == 2
