"""What participants contribute through services.room: delay answers, dimension votes, proposed
risks and their dots, consent, and the ready signal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.workshops.builders import decide, profile
from workshops.models import (
    Consent,
    DelayResponse,
    DimensionVote,
    Participant,
    RiskDot,
    RiskProposal,
    Workshop,
)
from workshops.services.room import (
    consent_record,
    delay_answer,
    dimension_vote,
    participant_join,
    ready_set,
    risk_dot_toggle,
    risk_propose,
)
from workshops.services.workshops import phase_go, workshop_create, workshop_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(workshop):
    profile(workshop)  # batch and streaming are the candidates
    return workshop_start(workshop=workshop)


@pytest.fixture
def whole(room):
    return room.workflows.get(parent=None)


def joined(workshop, name="Dana", role="operations", involvement="consulted") -> Participant:
    return participant_join(workshop=workshop, name=name, role=role, involvement=involvement)


@pytest.fixture
def dana(room):
    return joined(room, "Dana", "operations", "decision_maker")


@pytest.fixture
def sam(room):
    return joined(room, "Sam", "security", "informed")


@pytest.fixture
def elsewhere(team, facilitator):
    """Another workshop of the same team, profiled the same way."""
    other = workshop_create(
        team=team, title="Order events", scheduled_at=timezone.now(), facilitator=facilitator
    )
    return profile(other)


def version(workshop) -> int:
    return Workshop.objects.values_list("room_version", flat=True).get(pk=workshop.pk)


class TestDelayAnswer:
    def test_it_records_the_answers_given_and_keeps_the_others(self, dana, whole, room):
        before = version(room)
        delay_answer(participant=dana, workflow=whole, answers={"delay_10s": "fine"})
        delay_answer(participant=dana, workflow=whole, answers={"delay_1h": "unacceptable"})
        response = DelayResponse.objects.get(participant=dana, workflow=whole)
        assert (response.delay_10s, response.delay_10m, response.delay_1h) == (
            "fine",
            "",
            "unacceptable",
        )
        assert version(room) == before + 2

    def test_it_refuses_an_unknown_answer(self, dana, whole):
        with pytest.raises(ValidationError) as refused:
            delay_answer(participant=dana, workflow=whole, answers={"delay_10m": "forever"})
        assert "delay_10m" in refused.value.message_dict
        assert not DelayResponse.objects.exists()

    def test_it_refuses_a_spectator(self, sam, whole):
        with pytest.raises(ValidationError, match="Spectators"):
            delay_answer(participant=sam, workflow=whole, answers={"delay_10s": "fine"})

    def test_it_refuses_another_workshops_workflow(self, dana, elsewhere):
        with pytest.raises(ValidationError, match="not part of your workshop"):
            delay_answer(
                participant=dana, workflow=elsewhere.workflows.get(), answers={"delay_10s": "fine"}
            )

    def test_it_refuses_once_decided(self, dana, whole, room, facilitator):
        decide(room, facilitator)
        dana.refresh_from_db()
        with pytest.raises(ValidationError, match="decided"):
            delay_answer(participant=dana, workflow=whole, answers={"delay_10s": "fine"})


class TestDimensionVote:
    def test_it_casts_and_changes_a_vote_with_its_reason(self, dana, whole):
        dimension_vote(participant=dana, workflow=whole, dimension="trigger", value="event")
        dimension_vote(
            participant=dana,
            workflow=whole,
            dimension="trigger",
            value="scheduled",
            reason="  Nightly is enough ",
        )
        vote = DimensionVote.objects.get()
        assert (vote.value, vote.reason) == ("scheduled", "Nightly is enough")

    @pytest.mark.parametrize(
        ("dimension", "value", "field"),
        [("colour", "blue", "dimension"), ("trigger", "batch", "value"), ("failure", "", "value")],
    )
    def test_it_refuses_what_is_not_a_dimensions_value(self, dana, whole, dimension, value, field):
        with pytest.raises(ValidationError) as refused:
            dimension_vote(participant=dana, workflow=whole, dimension=dimension, value=value)
        assert field in refused.value.message_dict
        assert not DimensionVote.objects.exists()

    def test_it_refuses_a_spectator(self, sam, whole):
        with pytest.raises(ValidationError, match="Spectators"):
            dimension_vote(participant=sam, workflow=whole, dimension="trigger", value="event")

    def test_it_refuses_another_workshops_workflow(self, dana, elsewhere):
        with pytest.raises(ValidationError):
            dimension_vote(
                participant=dana,
                workflow=elsewhere.workflows.get(),
                dimension="trigger",
                value="event",
            )


class TestRiskPropose:
    def test_it_proposes_a_risk_for_a_candidate(self, dana, whole, room):
        before = version(room)
        proposal = risk_propose(
            participant=dana,
            workflow=whole,
            pattern_slug="batch",
            title="  The run overruns  ",
            mitigation=" Alert at 80% ",
        )
        assert (proposal.title, proposal.mitigation) == ("The run overruns", "Alert at 80%")
        assert version(room) == before + 1

    def test_it_refuses_a_pattern_that_is_no_candidate(self, dana, whole):
        with pytest.raises(ValidationError) as refused:
            risk_propose(participant=dana, workflow=whole, pattern_slug="choreography", title="x")
        assert "pattern_slug" in refused.value.message_dict

    def test_it_needs_a_title(self, dana, whole):
        with pytest.raises(ValidationError) as refused:
            risk_propose(participant=dana, workflow=whole, pattern_slug="batch", title="   ")
        assert "title" in refused.value.message_dict
        assert not RiskProposal.objects.exists()

    def test_it_refuses_a_spectator(self, sam, whole):
        with pytest.raises(ValidationError, match="Spectators"):
            risk_propose(participant=sam, workflow=whole, pattern_slug="batch", title="Late")


class TestRiskDots:
    @pytest.fixture
    def proposals(self, room, whole):
        zoe = joined(room, "Zoë", "business")
        return [
            risk_propose(participant=zoe, workflow=whole, pattern_slug="batch", title=f"Risk {n}")
            for n in range(4)
        ]

    def test_it_puts_a_dot_and_takes_it_back(self, dana, proposals):
        assert risk_dot_toggle(participant=dana, proposal=proposals[0]) is True
        assert RiskDot.objects.filter(participant=dana, proposal=proposals[0]).exists()
        assert risk_dot_toggle(participant=dana, proposal=proposals[0]) is False
        assert not RiskDot.objects.exists()

    def test_three_dots_per_candidate_and_no_fourth(self, dana, proposals, whole):
        for proposal in proposals[:3]:
            risk_dot_toggle(participant=dana, proposal=proposal)
        with pytest.raises(ValidationError, match="placed your 3 dots"):
            risk_dot_toggle(participant=dana, proposal=proposals[3])
        assert RiskDot.objects.filter(participant=dana).count() == 3
        # Taking one back frees it for another risk.
        risk_dot_toggle(participant=dana, proposal=proposals[0])
        assert risk_dot_toggle(participant=dana, proposal=proposals[3]) is True
        # Another candidate has three dots of its own.
        streaming = risk_propose(
            participant=dana, workflow=whole, pattern_slug="streaming", title="Lag"
        )
        assert risk_dot_toggle(participant=dana, proposal=streaming) is True

    def test_it_refuses_a_spectator_and_another_workshop(self, sam, proposals, elsewhere):
        with pytest.raises(ValidationError, match="Spectators"):
            risk_dot_toggle(participant=sam, proposal=proposals[0])
        stranger = joined(elsewhere, "Stranger")
        with pytest.raises(ValidationError, match="not part of your workshop"):
            risk_dot_toggle(participant=stranger, proposal=proposals[0])
        assert not RiskDot.objects.exists()


class TestConsent:
    @pytest.fixture
    def proposed(self, room, facilitator):
        return decide(room, facilitator, status="proposed")

    def test_a_decision_maker_agrees_then_objects_with_a_reason(self, dana, proposed, room):
        before = version(room)
        consent_record(participant=dana, decision=proposed, answer="agree")
        consent = consent_record(
            participant=dana, decision=proposed, answer="object", reason=" Too slow "
        )
        assert Consent.objects.get() == consent
        assert (consent.answer, consent.reason) == ("object", "Too slow")
        assert version(room) == before + 2

    def test_an_objection_says_why(self, dana, proposed):
        with pytest.raises(ValidationError) as refused:
            consent_record(participant=dana, decision=proposed, answer="object", reason="  ")
        assert "reason" in refused.value.message_dict

    def test_it_refuses_an_unknown_answer(self, dana, proposed):
        with pytest.raises(ValidationError) as refused:
            consent_record(participant=dana, decision=proposed, answer="maybe")
        assert "answer" in refused.value.message_dict

    def test_only_decision_makers_consent(self, room, proposed, sam):
        consulted = joined(room, "Zoë", "business", "consulted")
        for participant in (consulted, sam):
            with pytest.raises(ValidationError, match="decision-makers"):
                consent_record(participant=participant, decision=proposed, answer="agree")

    def test_it_refuses_a_decision_not_proposed(self, dana, proposed, facilitator):
        from workshops.services.decisions import decision_transition

        draft = decision_transition(decision=proposed, to_status="draft", by=facilitator)
        with pytest.raises(ValidationError, match="while a decision is proposed"):
            consent_record(participant=dana, decision=draft, answer="agree")

    def test_it_refuses_another_workshops_decision(self, dana, team, facilitator):
        other = decide(team, facilitator, "Order events", status="proposed")
        with pytest.raises(ValidationError, match="not your workshop"):
            consent_record(participant=dana, decision=other, answer="agree")


class TestReady:
    def test_it_signals_ready_for_the_current_phase_only(self, dana, room):
        before = version(room)
        ready_set(participant=dana, ready=True)
        assert Participant.objects.get(pk=dana.pk).ready_phase == 1
        assert version(room) == before + 1
        ready_set(participant=dana, ready=False)
        assert Participant.objects.get(pk=dana.pk).ready_phase is None

    def test_moving_on_clears_everyones_signal(self, dana, room):
        ready_set(participant=dana, ready=True)
        phase_go(workshop=room, phase=2)
        dana = Participant.objects.select_related("workshop").get(pk=dana.pk)
        assert dana.ready_phase != dana.workshop.current_phase

    def test_it_refuses_a_spectator(self, sam):
        with pytest.raises(ValidationError, match="Spectators"):
            ready_set(participant=sam, ready=True)
        assert Participant.objects.get(pk=sam.pk).ready_phase is None

    def test_it_refuses_once_decided(self, dana, room, facilitator):
        decide(room, facilitator)
        dana = Participant.objects.select_related("workshop").get(pk=dana.pk)
        with pytest.raises(ValidationError, match="decided"):
            ready_set(participant=dana, ready=True)
