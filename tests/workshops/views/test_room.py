"""The room: the facilitator's controls (invite, joining, clock, hand-off), moving on before
everyone is ready, the console's room card, the projector's room view and its poll."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from workshops.models import Participant, Workflow, Workshop
from workshops.services.room import (
    clock_pause,
    dimension_vote,
    facilitator_hand_off,
    participant_join,
    ready_set,
    votes_reveal,
)
from workshops.services.workshops import participant_add, phase_go, workshop_start
from workshops.templatetags.room_tags import clock_text
from workshops.views.console import DECIDED_MESSAGE, workshop_timebox
from workshops.views.room_access import participant_remember

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(name: str, workshop: Workshop, **kwargs) -> str:
    return reverse(f"workshops:{name}", kwargs={"workshop_id": workshop.pk, **kwargs})


def fresh(workshop: Workshop) -> Workshop:
    return Workshop.objects.get(pk=workshop.pk)


def join(workshop: Workshop, name: str, role: str = "operations", **kwargs) -> Participant:
    return participant_join(workshop=workshop, name=name, role=role, **kwargs)


def decide(workshop: Workshop) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.DECIDED)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# Each control: its URL name, a valid post, and how to tell that nothing changed.
CONTROLS = {
    "invite-rotate": ({}, lambda w: (w.invite_code, w.join_code)),
    "joining-toggle": ({"open": "no"}, lambda w: w.joining_open),
    "clock-toggle": ({"clock": "pause"}, lambda w: w.paused_at),
    "facilitator-hand-off": (None, lambda w: w.facilitator_id),  # data needs the teammate
}


def control_data(name: str, teammate) -> dict:
    data = CONTROLS[name][0]
    return {"to_user": teammate.pk} if data is None else data


@pytest.fixture
def live(workshop):
    return workshop_start(workshop=workshop)


class TestTheControlsRefuse:
    @pytest.mark.parametrize("name", CONTROLS)
    def test_outsiders_get_404(self, outsider_client, live, teammate, name):
        state = CONTROLS[name][1]
        before = state(fresh(live))
        response = outsider_client.post(url(name, live), control_data(name, teammate))
        assert response.status_code == 404
        assert state(fresh(live)) == before

    @pytest.mark.parametrize("name", CONTROLS)
    def test_they_take_only_posts(self, facilitator_client, live, name):
        assert facilitator_client.get(url(name, live)).status_code == 405

    @pytest.mark.parametrize(
        ("name", "doing"),
        [
            ("invite-rotate", "replace the invite"),
            ("joining-toggle", "open or close joining"),
            ("clock-toggle", "pause or resume the clock"),
            ("facilitator-hand-off", "hand the facilitator role to someone else"),
        ],
    )
    def test_a_teammate_is_told_who_can(self, client, teammate, live, name, doing):
        client.force_login(teammate)
        state = CONTROLS[name][1]
        before = state(fresh(live))
        response = client.post(url(name, live), control_data(name, teammate), follow=True)
        assert f"Only the facilitator, fiona, can {doing}." in messages_of(response)
        assert state(fresh(live)) == before

    def test_a_teammate_is_told_inside_the_card_with_htmx(self, client, teammate, live):
        client.force_login(teammate)
        response = client.post(url("invite-rotate", live), headers=HTMX)
        content = response.content.decode()
        assert content.lstrip().startswith('<section id="room-card"')
        assert "Only the facilitator, fiona, can replace the invite." in content

    @pytest.mark.parametrize("name", CONTROLS)
    def test_a_decided_workshop_changes_no_more(self, facilitator_client, live, teammate, name):
        decide(live)
        state = CONTROLS[name][1]
        before = state(fresh(live))
        response = facilitator_client.post(
            url(name, live), control_data(name, teammate), follow=True
        )
        assert DECIDED_MESSAGE in messages_of(response)
        assert state(fresh(live)) == before

    def test_anonymous_visitors_are_sent_to_log_in(self, client, live):
        response = client.post(url("invite-rotate", live))
        assert response.status_code == 302 and "/login" in response["Location"]


class TestTheInvite:
    def test_rotating_gives_a_new_link_and_code(self, facilitator_client, workshop):
        ada = join(workshop, "Ada")
        old = (workshop.invite_code, workshop.join_code)
        response = facilitator_client.post(url("invite-rotate", workshop), follow=True)
        rotated = fresh(workshop)
        assert (rotated.invite_code, rotated.join_code) != old
        assert any("the old ones no longer work" in m for m in messages_of(response))
        assert rotated.join_code[:3] in response.content.decode()
        assert Participant.objects.filter(pk=ada.pk).exists()

    def test_htmx_gets_the_card_with_the_new_code(self, facilitator_client, workshop):
        response = facilitator_client.post(url("invite-rotate", workshop), headers=HTMX)
        content = response.content.decode()
        rotated = fresh(workshop)
        assert content.lstrip().startswith('<section id="room-card"')
        assert rotated.invite_code in content
        assert "the old ones no longer work" in content

    def test_closing_and_opening_joining(self, facilitator_client, workshop):
        facilitator_client.post(url("joining-toggle", workshop), {"open": "no"})
        assert fresh(workshop).joining_open is False
        response = facilitator_client.get(workshop.get_absolute_url())
        assert "Joining is closed" in response.content.decode()
        facilitator_client.post(url("joining-toggle", workshop), {"open": "yes"})
        assert fresh(workshop).joining_open is True

    def test_closing_with_htmx_redraws_the_card(self, facilitator_client, workshop):
        response = facilitator_client.post(
            url("joining-toggle", workshop), {"open": "no"}, headers=HTMX
        )
        content = response.content.decode()
        assert "Joining is closed" in content
        assert "Open joining" in content

    def test_a_bad_choice_changes_nothing(self, facilitator_client, workshop):
        response = facilitator_client.post(
            url("joining-toggle", workshop), {"open": "maybe"}, follow=True
        )
        assert "Choose to open or to close joining." in messages_of(response)
        assert fresh(workshop).joining_open is True


class TestTheClock:
    def test_pausing_and_resuming(self, facilitator_client, live):
        response = facilitator_client.post(
            url("clock-toggle", live), {"clock": "pause"}, follow=True
        )
        assert fresh(live).paused_at is not None
        content = response.content.decode()
        assert 'data-testid="timer-paused"' in content  # the console's timer says so
        assert "Resume the clock" in content
        facilitator_client.post(url("clock-toggle", live), {"clock": "resume"})
        assert fresh(live).paused_at is None

    def test_the_console_timer_says_paused_when_it_polls(self, facilitator_client, live):
        clock_pause(workshop=live)
        response = facilitator_client.get(url("console-timer", live))
        assert "Paused" in response.content.decode()

    def test_htmx_redraws_the_card_and_tells_the_timer(self, facilitator_client, live):
        response = facilitator_client.post(
            url("clock-toggle", live), {"clock": "pause"}, headers=HTMX
        )
        assert "room-clock-changed" in response["HX-Trigger"]
        assert "Resume the clock" in response.content.decode()

    def test_a_draft_workshop_has_no_clock_to_pause(self, facilitator_client, workshop):
        response = facilitator_client.post(
            url("clock-toggle", workshop), {"clock": "pause"}, follow=True
        )
        assert any("Start the clock first" in m for m in messages_of(response))
        assert fresh(workshop).paused_at is None

    def test_a_bad_choice_changes_nothing(self, facilitator_client, live):
        response = facilitator_client.post(
            url("clock-toggle", live), {"clock": "stop"}, follow=True
        )
        assert "Choose to pause or to resume the clock." in messages_of(response)
        assert fresh(live).paused_at is None


class TestTheHandOff:
    def test_the_new_facilitator_holds_the_controls(self, client, facilitator, teammate, workshop):
        client.force_login(facilitator)
        response = client.post(
            url("facilitator-hand-off", workshop), {"to_user": teammate.pk}, follow=True
        )
        assert fresh(workshop).facilitator == teammate
        assert any("tariq facilitates this workshop now" in m for m in messages_of(response))
        assert 'data-testid="not-facilitator"' in response.content.decode()
        client.force_login(teammate)
        content = client.get(workshop.get_absolute_url()).content.decode()
        assert "Rotate the code" in content
        assert 'data-testid="not-facilitator"' not in content
        # and the old facilitator's controls are refused from now on
        client.force_login(facilitator)
        client.post(url("joining-toggle", workshop), {"open": "no"})
        assert fresh(workshop).joining_open is True

    def test_htmx_reloads_the_console(self, facilitator_client, teammate, workshop):
        response = facilitator_client.post(
            url("facilitator-hand-off", workshop), {"to_user": teammate.pk}, headers=HTMX
        )
        assert response["HX-Redirect"] == f"{workshop.get_absolute_url()}#room-card"

    @pytest.mark.parametrize("who", ["nobody", "outsider", "self"])
    def test_only_another_team_member_can_take_it(
        self, facilitator_client, facilitator, outsider, workshop, who
    ):
        to_user = {"nobody": "", "outsider": outsider.pk, "self": facilitator.pk}[who]
        response = facilitator_client.post(
            url("facilitator-hand-off", workshop), {"to_user": to_user}
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert (
            "This field is required." in content
            or "Choose a member of this workshop&#x27;s team." in content
        )
        assert 'id="room-card"' in content  # the console again, the error beside the field
        assert fresh(workshop).facilitator == facilitator

    def test_htmx_gets_the_error_in_the_card(self, facilitator_client, outsider, workshop):
        response = facilitator_client.post(
            url("facilitator-hand-off", workshop), {"to_user": outsider.pk}, headers=HTMX
        )
        content = response.content.decode()
        assert content.lstrip().startswith('<section id="room-card"')
        assert "Choose a member of this workshop&#x27;s team." in content

    def test_the_choices_are_the_other_team_members(self, facilitator_client, outsider, workshop):
        content = facilitator_client.get(workshop.get_absolute_url()).content.decode()
        assert '<option value="' in content and ">tariq</option>" in content
        assert ">olga</option>" not in content and ">fiona</option>" not in content


class TestMovingOn:
    def test_only_the_facilitator_moves_the_workshop(self, client, teammate, workshop):
        client.force_login(teammate)
        response = client.post(url("phase-go", workshop), {"phase": "2"}, follow=True)
        assert fresh(workshop).current_phase == 1
        assert (
            "Only the facilitator, fiona, can move the workshop to another phase."
            in messages_of(response)
        )

    def test_it_asks_when_not_everyone_is_ready(self, facilitator_client, workshop):
        ada = join(workshop, "Ada")
        join(workshop, "Bo")
        join(workshop, "Sam", involvement="informed")  # spectators are not counted
        ready_set(participant=ada, ready=True)
        response = facilitator_client.post(url("phase-go", workshop), {"phase": "2"})
        content = response.content.decode()
        assert response.status_code == 200
        assert "1 of 2 are ready" in content
        assert "Move to phase 2 anyway?" in content
        assert 'name="confirm" value="yes"' in content
        assert f'href="{workshop.get_absolute_url()}"' in content  # the way back
        assert fresh(workshop).current_phase == 1
        facilitator_client.post(url("phase-go", workshop), {"phase": "2", "confirm": "yes"})
        assert fresh(workshop).current_phase == 2

    def test_it_moves_at_once_when_everyone_is_ready(self, facilitator_client, workshop):
        ready_set(participant=join(workshop, "Ada"), ready=True)
        response = facilitator_client.post(url("phase-go", workshop), {"phase": "2"})
        assert response.status_code == 302
        assert fresh(workshop).current_phase == 2

    def test_listed_attendees_who_did_not_join_do_not_hold_it_up(
        self, facilitator_client, workshop
    ):
        participant_add(workshop=workshop, name="Pat", role="business", involvement="consulted")
        facilitator_client.post(url("phase-go", workshop), {"phase": "3"})
        assert fresh(workshop).current_phase == 3

    def test_stepping_back_never_asks(self, facilitator_client, workshop):
        phase_go(workshop=workshop, phase=3)
        join(workshop, "Ada")
        facilitator_client.post(url("phase-go", workshop), {"phase": "2"})
        assert fresh(workshop).current_phase == 2

    def test_the_question_can_be_asked_with_a_get(self, facilitator_client, workshop):
        join(workshop, "Ada")
        response = facilitator_client.get(url("phase-go", workshop), {"phase": "2"})
        assert "0 of 1 are ready" in response.content.decode()
        assert fresh(workshop).current_phase == 1

    def test_a_part_keeps_its_tab(self, facilitator_client, workshop):
        join(workshop, "Ada")
        response = facilitator_client.post(url("phase-go", workshop), {"phase": "2", "part": "7"})
        assert 'name="part" value="7"' in response.content.decode()

    def test_a_bad_phase_is_refused(self, facilitator_client, workshop):
        response = facilitator_client.post(url("phase-go", workshop), {"phase": "9"}, follow=True)
        assert "Choose a phase from 1 to 5." in messages_of(response)


class TestSaveAndGo:
    def data(self, workflow: Workflow) -> dict:
        return {
            "p1-version": str(workflow.version),
            "p1-name": "Nightly sync",
            "p1-latency_unit": "hours",
            "p1-volume_unit": "day",
            "go": "2",
        }

    def test_the_save_happens_and_the_move_waits_for_the_answer(
        self, facilitator_client, workshop, workflow
    ):
        join(workshop, "Ada")
        phase_url = reverse(
            "workshops:phase-save",
            kwargs={"workshop_id": workshop.pk, "workflow_id": workflow.pk, "phase": 1},
        )
        response = facilitator_client.post(phase_url, self.data(workflow))
        assert Workflow.objects.get(pk=workflow.pk).name == "Nightly sync"
        assert "Move to phase 2 anyway?" in response.content.decode()
        assert "Saved." in messages_of(response)
        assert fresh(workshop).current_phase == 1

    def test_htmx_is_sent_to_the_question(self, facilitator_client, workshop, workflow):
        join(workshop, "Ada")
        phase_url = reverse(
            "workshops:phase-save",
            kwargs={"workshop_id": workshop.pk, "workflow_id": workflow.pk, "phase": 1},
        )
        response = facilitator_client.post(phase_url, self.data(workflow), headers=HTMX)
        assert response["HX-Redirect"] == f"{url('phase-go', workshop)}?phase=2"
        assert Workflow.objects.get(pk=workflow.pk).name == "Nightly sync"

    def test_a_teammate_saves_but_does_not_move(self, client, teammate, workshop, workflow):
        client.force_login(teammate)
        phase_url = reverse(
            "workshops:phase-save",
            kwargs={"workshop_id": workshop.pk, "workflow_id": workflow.pk, "phase": 1},
        )
        response = client.post(phase_url, self.data(workflow), follow=True)
        assert Workflow.objects.get(pk=workflow.pk).name == "Nightly sync"
        assert fresh(workshop).current_phase == 1
        assert any("Only the facilitator" in m for m in messages_of(response))


class TestTheRoomCard:
    def test_it_shows_the_invite_and_who_joined(self, facilitator_client, workshop):
        ada = join(workshop, "Ada", role="operations")
        join(workshop, "Bo", role="business", involvement="decision_maker")
        join(workshop, "Sam", role="other", involvement="informed")
        ready_set(participant=ada, ready=True)
        content = facilitator_client.get(workshop.get_absolute_url()).content.decode()
        code = workshop.join_code
        assert f"{code[:3]} {code[3:]}" in content
        assert f'value="http://testserver/join/{workshop.invite_code}/"' in content
        assert 'for="invite-link"' in content and "readonly" in content
        assert 'aria-label="QR code to join"' in content
        assert url("room", workshop) in content
        assert "1 of 2 ready for phase 1" in content
        assert "Ready: </span>Ada" in content
        assert "Decision-maker" in content and "Spectator" in content
        assert f'aria-label="Remove {ada.name}"' in content

    def test_a_teammate_sees_who_holds_the_controls(self, client, teammate, workshop):
        client.force_login(teammate)
        content = client.get(workshop.get_absolute_url()).content.decode()
        assert "fiona facilitates this workshop" in content
        assert "Rotate the code" not in content

    def test_it_refreshes_itself_with_a_conditional_poll(self, facilitator_client, workshop):
        content = facilitator_client.get(workshop.get_absolute_url()).content.decode()
        assert f"{url('room-state', workshop)}?card=1" in content
        assert f"data-etag='\"{fresh(workshop).room_version}\"'" in content

    def test_the_poll_draws_who_joined(self, facilitator_client, workshop):
        join(workshop, "Ada")
        response = facilitator_client.get(url("room-state", workshop), {"card": "1"})
        content = response.content.decode()
        assert content.lstrip().startswith('<div id="room-live"')
        assert "Ada" in content and "0 of 1 ready" in content
        assert "Hand over" not in content  # the select is never redrawn by a poll

    def test_the_poll_brings_the_consoles_attendee_list_up_to_date(
        self, facilitator_client, workshop
    ):
        page = facilitator_client.get(workshop.get_absolute_url()).content.decode()
        assert 'Attendees (<span id="attendee-count">0</span>)' in page
        assert page.count('id="attendee-count"') == 1  # no out-of-band copy in the page
        join(workshop, "Ada")
        content = facilitator_client.get(url("room-state", workshop), {"card": "1"}).content
        attendees = content.decode().split('<ul id="attendee-list"')[1]
        assert attendees.startswith(' class="list-unstyled small" data-hx-swap-oob="true">')
        assert "Ada" in attendees.split("</ul>")[0]
        assert '<span id="attendee-count" data-hx-swap-oob="true">1</span>' in attendees

    def test_removing_a_joined_participant_refuses_their_next_request(
        self, facilitator_client, workshop
    ):
        device = Client()
        device.post(
            reverse("workshops:join-invite", kwargs={"invite": workshop.invite_code}),
            {"name": "Ada", "role": "operations", "involvement": "consulted"},
        )
        ada = Participant.objects.get()
        facilitator_client.post(url("participant-remove", workshop, participant_id=ada.pk))
        assert not Participant.objects.exists()
        response = device.get(url("participant", workshop))
        assert response.status_code == 403
        assert "You are no longer in this workshop" in response.content.decode()

    def test_a_decided_workshop_shows_no_controls(self, facilitator_client, workshop):
        decide(workshop)
        content = facilitator_client.get(workshop.get_absolute_url()).content.decode()
        assert "Rotate the code" not in content
        assert 'for="invite-link"' not in content

    def test_the_console_costs_the_same_queries_with_3_or_50_joined(
        self, facilitator_client, workshop, django_assert_max_num_queries
    ):
        people = [join(workshop, f"Person {n}") for n in range(3)]
        ready_set(participant=people[0], ready=True)
        with django_assert_max_num_queries(50) as three:
            facilitator_client.get(workshop.get_absolute_url())
        for n in range(47):
            ready_set(participant=join(workshop, f"More {n}"), ready=n % 2 == 0)
        with django_assert_max_num_queries(len(three)):
            response = facilitator_client.get(workshop.get_absolute_url())
        assert "25 of 50 ready" in response.content.decode()


class TestTheRoomView:
    def test_it_shows_the_room_large_and_without_controls(self, facilitator_client, workshop):
        workshop_start(workshop=workshop)
        ready_set(participant=join(workshop, "Ada"), ready=True)
        join(workshop, "Bo")
        response = facilitator_client.get(url("room", workshop))
        content = response.content.decode()
        assert response.status_code == 200
        assert '<h1 class="room-title">Nightly inventory sync</h1>' in content
        assert "Phase 1: Gather requirements" in content
        assert "data-clock" in content and 'data-running="true"' in content
        assert 'aria-label="QR code to join"' in content
        assert "testserver/join/" in content
        assert f"{workshop.join_code[:3]} {workshop.join_code[3:]}" in content
        assert "1 of 2 ready" in content
        assert 'aria-label="Main"' not in content  # no navbar
        assert "<footer" not in content
        assert "<form" not in content and "<button" not in content

    def test_teammates_see_it_too(self, client, teammate, workshop):
        client.force_login(teammate)
        assert client.get(url("room", workshop)).status_code == 200

    def test_outsiders_get_404(self, outsider_client, workshop):
        assert outsider_client.get(url("room", workshop)).status_code == 404
        assert outsider_client.get(url("room-state", workshop)).status_code == 404

    def test_it_takes_only_gets(self, facilitator_client, workshop):
        assert facilitator_client.post(url("room", workshop)).status_code == 405
        assert facilitator_client.post(url("room-state", workshop)).status_code == 405

    def test_closed_joining_shows_no_code(self, facilitator_client, workshop):
        from workshops.services.room import joining_set

        joining_set(workshop=workshop, open=False)
        content = facilitator_client.get(url("room", workshop)).content.decode()
        assert "Joining is closed." in content
        assert "QR code to join" not in content

    def test_a_paused_clock_says_so(self, facilitator_client, live):
        clock_pause(workshop=live)
        content = facilitator_client.get(url("room", live)).content.decode()
        assert "Paused" in content and 'data-running="false"' in content

    def test_a_draft_workshop_has_not_started(self, facilitator_client, workshop):
        content = facilitator_client.get(url("room", workshop)).content.decode()
        assert "Not started" in content


class TestTheRoomsVotes:
    @pytest.fixture
    def voting(self, workshop, workflow):
        phase_go(workshop=workshop, phase=2)
        people = [join(workshop, name) for name in ("Ada", "Bo", "Cy")]
        join(workshop, "Sam", involvement="informed")
        return people

    def vote(self, person, workflow, **values) -> None:
        for dimension, value in values.items():
            dimension_vote(participant=person, workflow=workflow, dimension=dimension, value=value)

    ALL = {"trigger": "event", "granularity": "record", "consistency": "eventual"}

    def test_hidden_votes_show_only_how_many_have_voted(self, facilitator_client, workflow, voting):
        self.vote(voting[0], workflow, **self.ALL, failure="retry")
        self.vote(voting[1], workflow, trigger="scheduled")
        content = facilitator_client.get(url("room", workflow.workshop)).content.decode()
        assert "Votes are hidden: 1 of 3 have voted" in content
        assert "rv-vote-label" not in content

    def test_revealed_votes_show_the_spread_the_majority_and_splits(
        self, facilitator_client, workflow, voting
    ):
        self.vote(voting[0], workflow, **self.ALL, failure="retry")
        self.vote(voting[1], workflow, **self.ALL, failure="dead_letter")
        self.vote(voting[2], workflow, trigger="scheduled")
        votes_reveal(workflow=workflow)
        content = facilitator_client.get(url("room", workflow.workshop)).content.decode()
        assert "Votes are hidden" not in content
        assert '<span class="rv-vote-label">Scheduled</span>' in content
        assert re.search(
            r'rv-vote-value is-majority">\s*<span class="rv-vote-label">Event</span>', content
        )
        assert 'width="67"' in content  # two of three votes
        assert "Split" in content  # failure: one retry, one dead-letter

    def test_votes_show_once_everyone_has_voted(self, facilitator_client, workflow, voting):
        for person in voting:
            self.vote(person, workflow, **self.ALL, failure="retry")
        content = facilitator_client.get(url("room", workflow.workshop)).content.decode()
        assert "Votes are hidden" not in content
        assert "Majority" in content

    def test_each_part_has_its_own_votes(self, facilitator_client, workshop, workflow, voting):
        from workshops.services.workflows import workflow_split

        parts = workflow_split(workflow=workflow, names=("Stores", "Warehouse"))
        self.vote(voting[0], parts[0], trigger="event")
        content = facilitator_client.get(url("room", workshop)).content.decode()
        assert '<h3 class="room-h3">Whole workflow</h3>' in content
        assert '<h3 class="room-h3">Stores</h3>' in content
        assert '<h3 class="room-h3">Warehouse</h3>' in content

    def test_the_view_costs_the_same_queries_with_3_or_50_voters(
        self, facilitator_client, workshop, workflow, voting, django_assert_max_num_queries
    ):
        for person in voting:
            self.vote(person, workflow, trigger="event")
        with django_assert_max_num_queries(50) as three:
            facilitator_client.get(url("room", workshop))
        for n in range(47):
            self.vote(join(workshop, f"More {n}"), workflow, trigger="scheduled")
        with django_assert_max_num_queries(len(three)):
            response = facilitator_client.get(url("room", workshop))
        assert "Votes are hidden: 0 of 50 have voted" in response.content.decode()


class TestTheRoomPoll:
    def test_it_answers_304_while_nothing_changed(
        self, facilitator_client, workshop, django_assert_max_num_queries
    ):
        first = facilitator_client.get(url("room-state", workshop))
        etag = first["ETag"]
        assert first.status_code == 200
        assert etag == f'"{fresh(workshop).room_version}"'
        assert first["Cache-Control"] == "private, no-cache"
        assert first.content.decode().lstrip().startswith('<div id="room-state"')
        # Session, user, the workshop's room_version: nothing else for a 304.
        with django_assert_max_num_queries(3):
            again = facilitator_client.get(
                url("room-state", workshop), headers={"If-None-Match": etag}
            )
        assert again.status_code == 304
        assert again.content == b""

    def test_it_draws_again_once_the_room_moves(self, facilitator_client, workshop):
        etag = facilitator_client.get(url("room-state", workshop))["ETag"]
        join(workshop, "Ada")
        response = facilitator_client.get(
            url("room-state", workshop), headers={"If-None-Match": etag}
        )
        assert response.status_code == 200
        assert response["ETag"] != etag
        assert "1 joined" in response.content.decode()

    def test_the_card_poll_answers_304_too(self, facilitator_client, workshop):
        etag = facilitator_client.get(url("room-state", workshop), {"card": "1"})["ETag"]
        response = facilitator_client.get(
            url("room-state", workshop), {"card": "1"}, headers={"If-None-Match": etag}
        )
        assert response.status_code == 304

    def test_htmx_polls_get_the_same(self, facilitator_client, workshop):
        response = facilitator_client.get(url("room-state", workshop), headers=HTMX)
        assert response.status_code == 200
        assert 'id="room-state"' in response.content.decode()

    def test_anonymous_polls_are_sent_to_log_in(self, client, workshop):
        assert client.get(url("room-state", workshop)).status_code == 302


class TestTheClockPartial:
    @pytest.mark.parametrize(
        ("remaining", "text"),
        [(272.2, "04:33"), (0, "00:00"), (-65.4, "1:05 over"), (3600, "60:00")],
    )
    def test_its_text(self, remaining, text):
        assert clock_text(remaining) == text

    def test_an_overrun_phase_counts_on(self, facilitator_client, workshop):
        workshop_start(workshop=workshop, now=timezone.now() - timedelta(minutes=9))
        content = facilitator_client.get(url("room", workshop)).content.decode()
        assert " over</span>" in content
        assert "room-clock-over" in content
        timebox = workshop_timebox(fresh(workshop))
        assert timebox.current.overrun_seconds > 0


class TestTheQr:
    def test_it_is_inline_svg_without_style_attributes(self, facilitator_client, workshop):
        content = facilitator_client.get(url("room", workshop)).content.decode()
        svg = content[content.index('<svg role="img"') :]
        svg = svg[: svg.index("</svg>")]
        assert "style" not in svg
        assert "<title>QR code to join</title>" in svg
        assert 'class="qr qr-lg"' in svg


def test_the_session_remembers_participants_per_workshop(rf, workshop):
    """A browser in two workshops keeps both (room_access), used by the join views."""
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/")
    request.session = SessionStore()
    participant_remember(request, join(workshop, "Ada"))
    assert list(request.session["parsecgo_room"]) == [str(workshop.pk)]


def test_handing_off_keeps_the_room_running(workshop, teammate):
    ada = join(workshop, "Ada")
    facilitator_hand_off(workshop=workshop, to_user=teammate)
    assert Participant.objects.filter(pk=ada.pk).exists()
