"""The room's writes about joining, the invite, the clock, the facilitator and being ready:
each does what the room sees and moves the workshop's room_version, which the polls follow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from workshops import selectors
from workshops.models import Participant, Workshop
from workshops.services.room import (
    clock_pause,
    clock_resume,
    facilitator_hand_off,
    invite_rotate,
    joining_set,
    participant_join,
    ready_set,
    workshop_joinable,
)
from workshops.services.workshops import phase_go, workshop_start

pytestmark = pytest.mark.django_db


def version(workshop: Workshop) -> int:
    return Workshop.objects.get(pk=workshop.pk).room_version


class TestJoining:
    def test_a_participant_joins_with_a_device_token(self, workshop):
        before = version(workshop)
        ada = participant_join(workshop=workshop, name="Ada", role="operations")
        assert ada.joined and len(ada.device_token) >= 40
        assert ada.involvement == Participant.Involvement.CONSULTED
        assert version(workshop) == before + 1

    def test_a_spectator_is_recorded_as_informed(self, workshop):
        sam = participant_join(
            workshop=workshop, name="Sam", role="business", involvement="informed"
        )
        assert sam.is_spectator and not sam.can_consent

    def test_closed_joining_refuses(self, workshop):
        joining_set(workshop=workshop, open=False)
        assert (
            workshop_joinable(workshop) == "The facilitator has closed joining for this workshop."
        )
        with pytest.raises(ValidationError):
            participant_join(workshop=workshop, name="Ada", role="operations")
        assert not workshop.participants.exists()

    def test_a_decided_workshop_refuses(self, workshop):
        Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.DECIDED)
        workshop.refresh_from_db()
        assert "decided" in workshop_joinable(workshop)
        with pytest.raises(ValidationError):
            participant_join(workshop=workshop, name="Ada", role="operations")


class TestTheInvite:
    def test_rotating_replaces_link_and_code_and_keeps_who_joined(self, workshop):
        ada = participant_join(workshop=workshop, name="Ada", role="operations")
        old_invite, old_code = workshop.invite_code, workshop.join_code
        invite_rotate(workshop=workshop)
        assert workshop.invite_code != old_invite and workshop.join_code != old_code
        assert selectors.workshop_by_invite(old_invite) is None
        assert selectors.workshop_by_join_code(old_code) is None
        assert selectors.workshop_by_join_code(workshop.join_code.lower()).pk == workshop.pk
        assert selectors.participant_by_device(
            workshop_id=workshop.pk, participant_id=ada.pk, device_token=ada.device_token
        )

    def test_invite_tokens_carry_at_least_128_bits(self, workshop):
        # token_urlsafe: 6 bits a character.
        assert len(workshop.invite_code) * 6 >= 128


class TestTheClock:
    def test_pausing_keeps_the_time_spent_and_resuming_goes_on_from_it(self, workshop):
        start = timezone.now() - timedelta(minutes=4)
        workshop_start(workshop=workshop, now=start)
        paused = clock_pause(workshop=workshop, now=start + timedelta(minutes=3))
        assert paused.paused_at is not None and paused.phase_started_at is None
        assert paused.phase_seconds["1"] == pytest.approx(180)
        # Time while paused is not counted.
        resumed = clock_resume(workshop=paused, now=start + timedelta(minutes=10))
        assert resumed.paused_at is None
        assert resumed.phase_started_at == start + timedelta(minutes=10)
        assert resumed.phase_seconds["1"] == pytest.approx(180)

    def test_a_paused_clock_stays_paused_in_the_next_phase(self, workshop):
        workshop_start(workshop=workshop)
        paused = clock_pause(workshop=workshop)
        moved = phase_go(workshop=paused, phase=2)
        assert moved.paused_at is not None and moved.phase_started_at is None

    def test_a_draft_workshop_has_no_clock_to_pause(self, workshop):
        before = version(workshop)
        assert clock_pause(workshop=workshop).paused_at is None
        assert version(workshop) == before

    def test_pausing_moves_the_room_on(self, workshop):
        workshop_start(workshop=workshop)
        before = version(workshop)
        clock_pause(workshop=workshop)
        assert version(workshop) == before + 1


class TestTheFacilitator:
    def test_the_role_goes_to_a_team_member(self, workshop, teammate):
        facilitator_hand_off(workshop=workshop, to_user=teammate)
        assert Workshop.objects.get(pk=workshop.pk).facilitator == teammate

    def test_nobody_outside_the_team_takes_it(self, workshop, facilitator, outsider):
        with pytest.raises(ValidationError):
            facilitator_hand_off(workshop=workshop, to_user=outsider)
        assert Workshop.objects.get(pk=workshop.pk).facilitator == facilitator


class TestReady:
    def test_ready_counts_for_the_current_phase_only(self, workshop):
        ada = participant_join(workshop=workshop, name="Ada", role="operations")
        participant_join(workshop=workshop, name="Bo", role="business")
        participant_join(workshop=workshop, name="Sam", role="other", involvement="informed")
        ready_set(participant=ada, ready=True)
        people = list(workshop.participants.all())
        assert str(selectors.ready_count(people, phase=1)) == "1 of 2 ready"
        phase_go(workshop=workshop, phase=2)
        people = list(Workshop.objects.get(pk=workshop.pk).participants.all())
        assert str(selectors.ready_count(people, phase=2)) == "0 of 2 ready"

    def test_taking_it_back(self, workshop):
        ada = participant_join(workshop=workshop, name="Ada", role="operations")
        ready_set(participant=ada, ready=True)
        ready_set(participant=ada, ready=False)
        assert Participant.objects.get(pk=ada.pk).ready_phase is None
