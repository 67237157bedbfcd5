"""A participant's page on their own device: what each phase shows and takes, the poll that
follows the facilitator, and who may post what."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workshops.builders import decide, profile
from tests.workshops.room import Member, join, join_as
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
    dimension_vote,
    risk_dot_toggle,
    risk_propose,
    votes_reveal,
)
from workshops.services.workflows import workflow_update
from workshops.services.workshops import (
    participant_remove,
    participant_update,
    phase_go,
    workshop_create,
    workshop_start,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
DIMENSIONS = ("trigger", "granularity", "consistency", "failure")
BATCH_VOTE = {"trigger": "scheduled", "granularity": "batch", "consistency": "strong"}


def url(name: str, workshop: Workshop, **kwargs) -> str:
    return reverse(f"workshops:{name}", kwargs={"workshop_id": workshop.pk, **kwargs})


def page(member: Member, **headers) -> str:
    response = member.client.get(url("participant", member.participant.workshop), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def vote_all(member: Member, workflow, values=None, reasons=None) -> None:
    values = {**BATCH_VOTE, "failure": "retry", **(values or {})}
    for dimension in DIMENSIONS:
        dimension_vote(
            participant=member.participant,
            workflow=workflow,
            dimension=dimension,
            value=values[dimension],
            reason=(reasons or {}).get(dimension, ""),
        )


def vote_data(workflow, **fields) -> dict:
    data = {"workflow": workflow.pk}
    for name, value in fields.items():
        data[f"vote{workflow.pk}-{name}"] = value
    return data


@pytest.fixture
def room(workshop):
    """The workshop profiled (batch and streaming are its candidates) and its clock running."""
    profile(workshop)
    return workshop_start(workshop=workshop)


@pytest.fixture
def whole(room):
    return room.workflows.get(parent=None)


@pytest.fixture
def dana(room) -> Member:
    """A decision-maker from operations."""
    return join(room, "Dana", "operations", "decision_maker")


@pytest.fixture
def zoe(room) -> Member:
    return join(room, "Zoë", "business", "consulted")


@pytest.fixture
def sam(room) -> Member:
    """A spectator: sees everything, votes on nothing."""
    return join(room, "Sam", "security", "informed")


def at_phase(workshop, phase: int) -> Workshop:
    return phase_go(workshop=workshop, phase=phase)


# --- access ---------------------------------------------------------------------------------

POSTS = [
    ("participant-delay", {}),
    ("participant-vote", {}),
    ("participant-risk", {}),
    ("participant-dot", {"proposal_id": 1}),
    ("participant-ready", {}),
    ("participant-consent", {}),
]
GETS = [("participant", {}), ("participant-state", {})]


class TestAccess:
    @pytest.mark.parametrize(("name", "kwargs"), GETS)
    def test_it_refuses_a_post_to_a_page(self, dana, name, kwargs):
        response = dana.client.post(url(name, dana.participant.workshop, **kwargs))
        assert response.status_code == 405

    @pytest.mark.parametrize(("name", "kwargs"), POSTS)
    def test_it_refuses_a_get_of_a_post(self, dana, name, kwargs):
        response = dana.client.get(url(name, dana.participant.workshop, **kwargs))
        assert response.status_code == 405

    @pytest.mark.parametrize(
        ("name", "kwargs", "method"), [(*g, "get") for g in GETS] + [(*p, "post") for p in POSTS]
    )
    def test_it_returns_404_to_a_browser_that_never_joined(
        self, client, room, name, kwargs, method
    ):
        response = getattr(client, method)(url(name, room, **kwargs))
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("name", "kwargs", "method"), [(*g, "get") for g in GETS] + [(*p, "post") for p in POSTS]
    )
    def test_it_returns_404_to_a_team_member_who_did_not_join(
        self, facilitator_client, room, name, kwargs, method
    ):
        response = getattr(facilitator_client, method)(url(name, room, **kwargs))
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("name", "kwargs", "method"), [(*g, "get") for g in GETS] + [(*p, "post") for p in POSTS]
    )
    def test_it_tells_a_removed_participant_so(self, dana, name, kwargs, method):
        participant_remove(participant=dana.participant)
        response = getattr(dana.client, method)(url(name, dana.participant.workshop, **kwargs))
        assert response.status_code == 403
        assert "You are no longer in this workshop" in response.content.decode()

    def test_it_reloads_a_removed_participants_polling_page(self, dana):
        participant_remove(participant=dana.participant)
        response = dana.client.get(
            url("participant-state", dana.participant.workshop), {"shown": 1}, headers=HTMX
        )
        assert response.status_code == 403
        assert response["HX-Refresh"] == "true"

    def test_a_participant_of_another_workshop_cannot_reach_this_one(self, dana, team, facilitator):
        other = workshop_create(
            team=team, title="Order events", scheduled_at=timezone.now(), facilitator=facilitator
        )
        for name, kwargs, method in [(*g, "get") for g in GETS] + [(*p, "post") for p in POSTS]:
            response = getattr(dana.client, method)(url(name, other, **kwargs))
            assert response.status_code == 404, name
        # Its own workshop still opens.
        assert "You are <strong>Dana</strong>" in page(dana)

    def test_one_browser_may_take_part_in_two_workshops(self, dana, team, facilitator):
        other = workshop_create(
            team=team, title="Order events", scheduled_at=timezone.now(), facilitator=facilitator
        )
        join_as(dana.client, other, "Dana at the other", "business")
        assert "Order events" in dana.client.get(url("participant", other)).content.decode()
        assert "Nightly inventory sync" in page(dana)


# --- the page -------------------------------------------------------------------------------


class TestPage:
    def test_it_shows_the_workshop_who_i_am_and_the_phase(self, dana, zoe):
        html = page(dana)
        assert "Nightly inventory sync" in html
        assert 'You are <strong>Dana</strong>, <span class="badge' in html
        assert ">Operations</span>" in html
        assert "Phase 1 of 5" in html
        assert "1. Gather requirements" in html
        assert "how long its data may be delayed" in html  # the phase's prompt
        assert 'data-testid="clock"' in html
        assert "0 of 2 ready" in html
        assert "I'm ready to move on" in html

    def test_it_escapes_what_participants_typed(self, room):
        mallory = join(room, "<script>alert(1)</script>", "other")
        html = page(mallory)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_it_polls_one_element_for_the_phase_it_shows(self, dana, room):
        html = page(dana)
        assert html.count("data-live") == 1
        assert html.count('data-hx-trigger="every 2s"') == 1
        assert f'data-hx-get="/live/{room.pk}/state/?shown=1&amp;decision="' in html
        assert f'data-etag="&quot;{dana.participant.pk}-' in html

    def test_the_page_works_without_javascript_through_htmx_too(self, dana):
        assert "How late may the data be?" in page(dana, **HTMX)


# --- phase 1: the delay questions -----------------------------------------------------------


class TestDelays:
    def test_it_asks_the_three_questions_about_the_whole_workflow(self, dana):
        html = page(dana)
        for delay in ("10 seconds", "10 minutes", "1 hour"):
            assert f"What happens if this data is delayed by {delay}?" in html
        assert html.count('type="radio"') == 9
        for answer in ("Fine", "Degraded", "Unacceptable"):
            assert f'<span class="answer-choice-label">{answer}</span>' in html

    def test_it_saves_the_answers_and_shows_them_chosen(self, dana, whole):
        response = dana.client.post(
            url("participant-delay", whole.workshop),
            {"workflow": whole.pk, "delay-delay_10s": "fine", "delay-delay_1h": "unacceptable"},
        )
        assert response.status_code == 302
        assert response["Location"].endswith("#phase-area")
        answers = DelayResponse.objects.get(participant=dana.participant, workflow=whole)
        assert (answers.delay_10s, answers.delay_10m, answers.delay_1h) == (
            "fine",
            "",
            "unacceptable",
        )
        html = page(dana)
        assert "Your answers are saved." in html
        assert 'value="fine" id="id_delay-delay_10s_0" checked' in html
        assert 'value="unacceptable" id="id_delay-delay_1h_2" checked' in html

    def test_with_htmx_it_answers_the_saved_status_and_no_input(self, dana, whole):
        response = dana.client.post(
            url("participant-delay", whole.workshop),
            {"workflow": whole.pk, "delay-delay_10m": "degraded"},
            headers=HTMX,
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="saved-delay"' in html
        assert "Saved at" in html
        assert "<input" not in html
        assert DelayResponse.objects.get(participant=dana.participant).delay_10m == "degraded"

    def test_it_puts_an_unknown_answer_beside_its_question(self, dana, whole):
        response = dana.client.post(
            url("participant-delay", whole.workshop),
            {"workflow": whole.pk, "delay-delay_10s": "forever", "delay-delay_1h": "fine"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="fb_id_delay-delay_10s"' in html
        assert "Choose fine, degraded or unacceptable." in html
        assert 'value="fine" id="id_delay-delay_1h_0" checked' in html  # the other answer kept
        assert not DelayResponse.objects.exists()

    def test_with_htmx_the_error_goes_beside_its_question(self, dana, whole):
        response = dana.client.post(
            url("participant-delay", whole.workshop),
            {"workflow": whole.pk, "delay-delay_10s": "\x00"},
            headers=HTMX,
        )
        html = response.content.decode()
        assert "Not saved" in html
        assert (
            '<div id="fb_id_delay-delay_10s" class="field-feedback" '
            'data-field="id_delay-delay_10s" data-hx-swap-oob="true">' in html
        )
        assert "Choose fine, degraded or unacceptable." in html
        assert "<input" not in html

    def test_it_returns_404_for_a_workflow_of_another_workshop(self, dana, team, facilitator):
        other = workshop_create(
            team=team, title="Order events", scheduled_at=timezone.now(), facilitator=facilitator
        )
        for workflow in (other.workflows.get().pk, "x", "", "²", "9" * 30):
            response = dana.client.post(
                url("participant-delay", dana.participant.workshop),
                {"workflow": workflow, "delay-delay_10s": "fine"},
            )
            assert response.status_code == 404
        assert not DelayResponse.objects.exists()


# --- phase 2: the votes ---------------------------------------------------------------------


class TestVotes:
    def test_it_offers_each_dimension_with_the_consoles_help(self, dana, room):
        at_phase(room, 2)
        html = page(dana)
        for legend in ("Trigger", "Granularity", "Consistency", "Failure handling"):
            assert f'<legend class="answer-legend">{legend}</legend>' in html
        assert "A timer starts each transfer: the target pulls at set times." in html
        assert "A unit that fails is parked aside so the rest can go on." in html
        assert html.count("Why? <span") == 4

    def test_it_saves_a_vote_with_its_reason(self, dana, room, whole):
        at_phase(room, 2)
        response = dana.client.post(
            url("participant-vote", room),
            vote_data(whole, trigger="scheduled", trigger_reason="  Nightly is enough  "),
        )
        assert response.status_code == 302
        vote = DimensionVote.objects.get(participant=dana.participant)
        assert (vote.dimension, vote.value, vote.reason) == (
            "trigger",
            "scheduled",
            "Nightly is enough",
        )
        html = page(dana)
        assert "You have voted on 1 of 4 dimensions." in html
        assert 'value="Nightly is enough"' in html

    def test_after_voting_on_every_dimension_my_vote_is_in(self, dana, zoe, room, whole):
        at_phase(room, 2)
        response = dana.client.post(
            url("participant-vote", room),
            vote_data(whole, **BATCH_VOTE, failure="retry"),
            headers=HTMX,
        )
        html = response.content.decode()
        assert "Saved at" in html
        assert "✓ Your vote is in." in html
        assert 'id="vote-results-' in html and 'data-hx-swap-oob="true"' in html
        assert "Votes are hidden" in html  # Zoë has not voted yet
        assert "<input" not in html
        assert DimensionVote.objects.filter(participant=dana.participant).count() == 4

    def test_it_hides_the_votes_until_the_facilitator_reveals_them(self, dana, zoe, room, whole):
        at_phase(room, 2)
        vote_all(zoe, whole, {"trigger": "event"}, {"trigger": "Stores push their sales"})
        html = page(dana)
        assert "Votes are hidden until the facilitator reveals them" in html
        assert "Stores push their sales" not in html
        assert "Majority" not in html
        assert 'aria-label="Event (push): 1 of 1 votes"' not in html
        assert "1 of 2 have voted on every dimension." in html

        votes_reveal(workflow=whole)
        html = page(dana)
        assert "The facilitator has revealed the votes." in html
        assert "Stores push their sales" in html
        assert "— Business" in html  # a reason with the role that gave it
        assert 'aria-label="Event (push): 1 of 1 votes"' in html
        assert "Majority: Event (push)" in html

    def test_it_shows_the_votes_once_everyone_has_voted(self, dana, zoe, sam, room, whole):
        at_phase(room, 2)
        vote_all(zoe, whole, {"trigger": "event"}, {"granularity": "Files, once a night"})
        assert "Files, once a night" not in page(dana)
        vote_all(dana, whole)
        html = page(dana)  # the spectator does not count: everyone who votes has voted
        assert "Everyone has voted: here is the spread." in html
        assert "Files, once a night" in html
        assert "Majority: Batch (file or table)" in html
        assert "Split" in html  # trigger: one scheduled, one event

    def test_it_keeps_a_too_long_reason_beside_its_field(self, dana, room, whole):
        at_phase(room, 2)
        long_reason = "because " * 30
        response = dana.client.post(
            url("participant-vote", room),
            vote_data(whole, trigger="event", trigger_reason=long_reason),
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Ensure this value has at most 200 characters" in html
        assert long_reason.strip() in html
        assert not DimensionVote.objects.exists()

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"trigger": "sometimes"}, "Choose one of this dimension&#x27;s values."),
            ({"trigger_reason": "Push is faster"}, "Choose a value to go with your reason."),
            ({"trigger": "event", "trigger_reason": "nul\x00"}, "Null characters are not allowed."),
        ],
    )
    def test_it_refuses_bad_votes_beside_the_field(self, dana, room, whole, fields, message):
        at_phase(room, 2)
        response = dana.client.post(
            url("participant-vote", room), vote_data(whole, **fields), headers=HTMX
        )
        html = response.content.decode()
        assert "Not saved" in html
        assert message in html
        assert not DimensionVote.objects.exists()

    def test_it_returns_404_for_a_workflow_of_another_workshop(self, dana, room, team, facilitator):
        at_phase(room, 2)
        other = workshop_create(
            team=team, title="Order events", scheduled_at=timezone.now(), facilitator=facilitator
        )
        workflow = other.workflows.get()
        response = dana.client.post(
            url("participant-vote", room), vote_data(workflow, trigger="event")
        )
        assert response.status_code == 404

    def test_it_asks_a_vote_on_each_part_of_a_split_workflow(self, dana, room, whole):
        from workshops.services.workflows import workflow_split

        parts = workflow_split(workflow=whole, names=("Stores", "Warehouse"))
        at_phase(room, 2)
        html = page(dana)
        assert "Whole workflow" in html
        assert ">Stores</h3>" in html and ">Warehouse</h3>" in html
        response = dana.client.post(
            url("participant-vote", room), vote_data(parts[1], trigger="event"), headers=HTMX
        )
        assert f'id="saved-vote{parts[1].pk}"' in response.content.decode()
        assert DimensionVote.objects.get().workflow == parts[1]


# --- phase 3 and 5: read-only ---------------------------------------------------------------


class TestReadOnlyPhases:
    def test_phase_3_shows_the_profile_and_the_candidates(self, dana, room):
        at_phase(room, 3)
        html = page(dana)
        assert "The facilitator is matching patterns" in html
        assert "Scheduled (pull)" in html and "Batch (file or table)" in html
        assert "<li>Batch processing</li>" in html
        assert "<li>Real-time streaming</li>" in html
        assert "<form" not in html.split('id="phase-area"')[1]

    def test_phase_5_shows_the_prototypes_targets(self, dana, room, whole):
        workflow_update(
            workflow=whole,
            version=whole.version,
            fields={"target_p95_seconds": 2.5, "target_error_rate": 0.1, "target_throughput": 900},
        )
        at_phase(room, 5)
        html = page(dana)
        assert "2.5 s or less" in html
        assert "900 records/s or more" in html
        assert "0.1 % or less" in html


# --- phase 4: proposed risks and dots -------------------------------------------------------


def propose(member: Member, workflow, title: str, pattern: str = "batch") -> RiskProposal:
    return risk_propose(
        participant=member.participant, workflow=workflow, pattern_slug=pattern, title=title
    )


def risk_data(workflow, pattern="batch", **fields) -> dict:
    data = {"workflow": workflow.pk, "pattern": pattern}
    for name, value in fields.items():
        data[f"risk{workflow.pk}-{pattern}-{name}"] = value
    return data


class TestRisks:
    def test_it_offers_a_form_and_dots_for_each_candidate(self, dana, room):
        at_phase(room, 4)
        html = page(dana)
        assert "Batch processing" in html and "Real-time streaming" in html
        assert html.count("Propose this risk") == 2
        assert html.count("Dots left: <strong>3 of 3</strong>") == 2

    def test_it_proposes_a_risk_that_the_room_sees_with_its_role(self, dana, zoe, room, whole):
        at_phase(room, 4)
        response = dana.client.post(
            url("participant-risk", room),
            risk_data(whole, title="The run overruns its window", mitigation="Alert at 80%"),
        )
        assert response.status_code == 302
        assert response["Location"].endswith(f"#candidate-{whole.pk}-batch")
        html = page(zoe)
        assert "The run overruns its window" in html
        assert "Lessen it: Alert at 80%" in html
        assert "Raised by Operations" in html
        assert 'Put a dot<span class="visually-hidden"> on: The run overruns its window' in html

    def test_with_htmx_it_answers_an_empty_form_and_the_new_list(self, dana, room, whole):
        at_phase(room, 4)
        response = dana.client.post(
            url("participant-risk", room), risk_data(whole, title="Files arrive late"), headers=HTMX
        )
        html = response.content.decode()
        assert "✓ Proposed" in html
        assert 'value="Files arrive late"' not in html  # the form is empty for the next one
        assert f'id="risks-{whole.pk}-batch"' in html and 'data-hx-swap-oob="true"' in html
        assert "Files arrive late" in html

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"title": "   "}, "Say what could go wrong."),
            ({"title": "x" * 201}, "Ensure this value has at most 200 characters"),
            ({"title": "Late", "mitigation": "y" * 301}, "at most 300 characters"),
            ({"title": "Late\x00"}, "Null characters are not allowed."),
        ],
    )
    def test_it_keeps_the_text_after_an_error(self, dana, room, whole, fields, message):
        at_phase(room, 4)
        for headers in ({}, HTMX):
            response = dana.client.post(
                url("participant-risk", room), risk_data(whole, **fields), headers=headers
            )
            html = response.content.decode()
            assert response.status_code == 200
            assert message in html
            if fields.get("mitigation"):
                assert fields["mitigation"] in html
        assert not RiskProposal.objects.exists()

    def test_it_refuses_a_pattern_that_is_not_a_candidate(self, dana, room, whole):
        at_phase(room, 4)
        response = dana.client.post(
            url("participant-risk", room),
            risk_data(whole, pattern="choreography", title="Lost events"),
            headers=HTMX,
        )
        html = response.content.decode()
        assert "Choose one of the candidate patterns." in html
        assert 'value="Lost events"' in html
        response = dana.client.post(
            url("participant-risk", room), risk_data(whole, pattern="<b>", title="Lost events")
        )
        assert response.status_code == 404
        assert not RiskProposal.objects.exists()

    def test_it_puts_a_dot_and_takes_it_back(self, dana, zoe, room, whole):
        at_phase(room, 4)
        risk = propose(zoe, whole, "Files arrive late")
        dot_url = url("participant-dot", room, proposal_id=risk.pk)
        response = dana.client.post(dot_url)
        assert response.status_code == 302
        assert RiskDot.objects.filter(participant=dana.participant, proposal=risk).exists()
        html = page(dana)
        assert "Your dot is on “Files arrive late”." in html
        assert "Dots left: <strong>2 of 3</strong>" in html
        assert "●</span> 1 dot</span>" in html
        assert 'Take back<span class="visually-hidden"> my dot from: Files arrive late' in html

        response = dana.client.post(dot_url, headers=HTMX)
        html = response.content.decode()
        assert "Dots left: <strong>3 of 3</strong>" in html
        assert "0 dots" in html
        assert not RiskDot.objects.exists()

    def test_it_says_so_when_i_try_a_fourth_dot(self, dana, zoe, room, whole):
        at_phase(room, 4)
        risks = [propose(zoe, whole, f"Risk {n}") for n in range(4)]
        for risk in risks[:3]:
            risk_dot_toggle(participant=dana.participant, proposal=risk)
        dot_url = url("participant-dot", room, proposal_id=risks[3].pk)
        response = dana.client.post(dot_url, headers=HTMX)
        html = response.content.decode()
        assert "You have placed your 3 dots for this candidate" in html
        assert "Dots left: <strong>0 of 3</strong>" in html
        response = dana.client.post(dot_url, follow=True)
        assert "You have placed your 3 dots for this candidate" in response.content.decode()
        assert RiskDot.objects.filter(participant=dana.participant).count() == 3
        # Another candidate has dots of its own.
        streaming = propose(zoe, whole, "Consumer lag", pattern="streaming")
        assert (
            dana.client.post(url("participant-dot", room, proposal_id=streaming.pk)).status_code
            == 302
        )
        assert RiskDot.objects.filter(participant=dana.participant).count() == 4

    def test_it_returns_404_for_a_risk_of_another_workshop(self, dana, team, facilitator):
        other = workshop_create(
            team=team, title="Order events", scheduled_at=timezone.now(), facilitator=facilitator
        )
        profile(other)
        stranger = join(other, "Stranger")
        risk = propose(stranger, other.workflows.get(), "Not yours")
        response = dana.client.post(
            url("participant-dot", dana.participant.workshop, proposal_id=risk.pk)
        )
        assert response.status_code == 404
        assert not RiskDot.objects.exists()


# --- ready ----------------------------------------------------------------------------------


class TestReady:
    def test_it_signals_ready_and_takes_it_back(self, dana, zoe, room):
        response = dana.client.post(url("participant-ready", room), {"ready": "1"})
        assert response.status_code == 302
        html = page(zoe)
        assert "1 of 2 ready" in html
        html = page(dana)
        assert "Ready ✓ — undo" in html
        dana.client.post(url("participant-ready", room), {"ready": "0"})
        assert "0 of 2 ready" in page(dana)

    def test_with_htmx_it_answers_the_status(self, dana, zoe, room):
        response = dana.client.post(url("participant-ready", room), {"ready": "1"}, headers=HTMX)
        html = response.content.decode()
        assert html.strip().startswith('<section id="live-status"')
        assert "1 of 2 ready" in html
        assert "Ready ✓ — undo" in html
        # It replaces the polling element only: the next poll redraws the rest in full.
        assert 'data-etag=""' in html

    def test_a_change_made_just_before_the_signal_still_reaches_the_page(
        self, dana, zoe, room, whole
    ):
        at_phase(room, 2)
        etag = poll(dana, shown=2)["ETag"]
        vote_all(zoe, whole)  # between dana's last poll and her "ready"
        ready = dana.client.post(url("participant-ready", room), {"ready": "1"}, headers=HTMX)
        # The next poll comes from the element the answer drew, with its change marker.
        drawn = re.search(r'data-etag="([^"]*)"', ready.content.decode()).group(1)
        after = poll(dana, shown=2, etag=html.unescape(drawn) or None)
        assert after.status_code == 200
        assert etag != after["ETag"]
        assert "1 of 2 have voted on every dimension." in after.content.decode()

    def test_moving_on_clears_the_signal(self, dana, room):
        dana.client.post(url("participant-ready", room), {"ready": "1"})
        at_phase(room, 2)
        assert "I'm ready to move on" in page(dana)

    @pytest.mark.parametrize("value", ["", "yes", "\x00"])
    def test_it_refuses_a_bad_value(self, dana, room, value):
        response = dana.client.post(url("participant-ready", room), {"ready": value})
        assert response.status_code == 400


# --- spectators, decided workshops ----------------------------------------------------------


class TestSpectator:
    def test_a_spectator_sees_everything_but_has_no_forms(self, sam, dana, room, whole):
        html = page(sam)
        assert "You are watching as a spectator" in html
        # Below the page's header, nothing to fill in or press.
        assert "<form" not in html.split('id="room-alert"')[1].split("</main>")[0]
        at_phase(room, 4)
        propose(dana, whole, "Files arrive late")
        html = page(sam)
        assert "Files arrive late" in html
        assert "Put a dot" not in html
        assert "Propose this risk" not in html

    @pytest.mark.parametrize(
        ("name", "data"),
        [
            ("participant-delay", {"delay-delay_10s": "fine"}),
            ("participant-vote", {"trigger": "event"}),
            ("participant-risk", {"title": "Late"}),
            ("participant-ready", {"ready": "1"}),
        ],
    )
    def test_a_spectators_posts_are_refused(self, sam, room, whole, name, data):
        at_phase(room, 4 if name == "participant-risk" else 2 if "vote" in name else 1)
        if name == "participant-vote":
            data = vote_data(whole, **data)
        elif name == "participant-risk":
            data = risk_data(whole, **data)
        else:
            data = {"workflow": whole.pk, **data}
        response = sam.client.post(url(name, room), data)
        assert response.status_code == 400
        assert "You are watching as a spectator" in response.content.decode()
        response = sam.client.post(url(name, room), data, headers=HTMX)
        assert response["HX-Retarget"] == "#room-alert"
        assert "spectators follow the workshop" in response.content.decode()
        assert not DelayResponse.objects.exists()
        assert not DimensionVote.objects.exists()
        assert not RiskProposal.objects.exists()
        assert Participant.objects.get(pk=sam.participant.pk).ready_phase is None

    def test_a_participant_made_a_spectator_is_refused_from_then_on(self, dana, room, whole):
        participant_update(participant=dana.participant, fields={"involvement": "informed"})
        response = dana.client.post(
            url("participant-delay", room), {"workflow": whole.pk, "delay-delay_10s": "fine"}
        )
        assert response.status_code == 400
        assert not DelayResponse.objects.exists()


class TestDecided:
    def test_the_page_says_it_is_decided_with_the_chosen_pattern(self, dana, room, facilitator):
        decide(room, facilitator)
        html = page(dana)
        assert "This workshop is decided" in html
        assert "Chosen pattern: <strong>Batch processing</strong>" in html
        assert "I'm ready to move on" not in html
        assert "Save my answers" not in html

    def test_its_posts_are_refused(self, dana, zoe, room, whole, facilitator):
        at_phase(room, 4)
        risk = propose(zoe, whole, "Files arrive late")
        decide(room, facilitator)
        posts = [
            ("participant-delay", {}, {"workflow": whole.pk, "delay-delay_10s": "fine"}),
            ("participant-risk", {}, risk_data(whole, title="Late")),
            ("participant-dot", {"proposal_id": risk.pk}, {}),
            ("participant-ready", {}, {"ready": "1"}),
        ]
        for name, kwargs, data in posts:
            response = dana.client.post(url(name, room, **kwargs), data)
            assert response.status_code == 400, name
            assert "This workshop is decided" in response.content.decode()
        assert RiskProposal.objects.count() == 1
        assert not RiskDot.objects.exists()


# --- consent --------------------------------------------------------------------------------


@pytest.fixture
def proposed(room, facilitator):
    return decide(
        room, facilitator, status="proposed", rationale="it meets the nightly window cheaply."
    )


class TestConsent:
    def test_a_decision_maker_sees_the_proposal_and_the_answers(self, dana, proposed):
        html = page(dana)
        assert "Proposed decision" in html
        assert proposed.title in html
        assert (
            "Chosen option: <strong>Batch processing</strong>, because it meets the nightly" in html
        )
        assert "0 of 1 decision-maker answered" in html
        for answer in ("Agree", "Abstain", "Object"):
            assert f'value="{answer.lower()}"' in html

    def test_others_see_that_the_decision_makers_are_consenting(self, zoe, dana, proposed):
        html = page(zoe)
        assert "Proposed: the decision-makers are recording their consent" in html
        assert 'name="consent-answer"' not in html

    def test_it_records_consent(self, dana, proposed):
        response = dana.client.post(
            url("participant-consent", proposed.workshop),
            {"decision": proposed.pk, "consent-answer": "agree"},
        )
        assert response.status_code == 302
        assert Consent.objects.get(participant=dana.participant).answer == "agree"
        html = page(dana)
        assert "Your answer: <strong>Agree</strong>" in html
        assert "1 of 1 decision-maker answered: 1 agree." in html

    def test_with_htmx_it_answers_the_form_and_the_status(self, dana, proposed):
        response = dana.client.post(
            url("participant-consent", proposed.workshop),
            {"decision": proposed.pk, "consent-answer": "abstain"},
            headers=HTMX,
        )
        html = response.content.decode()
        assert "✓ Recorded at" in html
        assert 'id="consent-status" class="consent-status mb-3" data-hx-swap-oob="true"' in html
        assert "Your answer: <strong>Abstain</strong>" in html

    def test_an_objection_needs_a_reason_beside_the_field(self, dana, proposed):
        for headers in ({}, HTMX):
            response = dana.client.post(
                url("participant-consent", proposed.workshop),
                {"decision": proposed.pk, "consent-answer": "object", "consent-reason": "  "},
                headers=headers,
            )
            html = response.content.decode()
            assert response.status_code == 200
            assert 'id="fb_id_consent-reason"' in html
            assert "Say why you object" in html
        assert not Consent.objects.exists()

    def test_it_keeps_a_too_long_reason(self, dana, proposed):
        reason = "The window is too short. " * 13
        response = dana.client.post(
            url("participant-consent", proposed.workshop),
            {"decision": proposed.pk, "consent-answer": "object", "consent-reason": reason},
        )
        html = response.content.decode()
        assert "at most 300 characters" in html
        assert reason.strip() in html
        assert not Consent.objects.exists()

    def test_it_refuses_an_unknown_answer(self, dana, proposed):
        response = dana.client.post(
            url("participant-consent", proposed.workshop),
            {"decision": proposed.pk, "consent-answer": "maybe"},
        )
        assert "Choose agree, abstain or object." in response.content.decode()
        assert not Consent.objects.exists()

    def test_only_decision_makers_consent(self, zoe, sam, proposed):
        for member in (zoe, sam):
            response = member.client.post(
                url("participant-consent", proposed.workshop),
                {"decision": proposed.pk, "consent-answer": "agree"},
            )
            assert response.status_code == 400
        assert not Consent.objects.exists()

    def test_it_returns_404_for_a_decision_of_another_workshop(
        self, dana, proposed, team, facilitator
    ):
        other = decide(team, facilitator, "Order events", status="proposed")
        for decision in (other.pk, "x", "²"):
            response = dana.client.post(
                url("participant-consent", proposed.workshop),
                {"decision": decision, "consent-answer": "agree"},
            )
            assert response.status_code == 404
        assert not Consent.objects.exists()

    def test_a_decision_no_longer_proposed_is_not_answered(self, dana, proposed, facilitator):
        from workshops.services.decisions import decision_transition

        decision_transition(decision=proposed, to_status="draft", by=facilitator)
        response = dana.client.post(
            url("participant-consent", proposed.workshop),
            {"decision": proposed.pk, "consent-answer": "agree"},
        )
        assert "Consent is asked while a decision is proposed" in response.content.decode()
        assert not Consent.objects.exists()


# --- the poll -------------------------------------------------------------------------------


def poll(member: Member, shown: int = 1, decision: str = "", etag: str | None = None):
    headers = dict(HTMX)
    if etag is not None:
        headers["If-None-Match"] = etag
    return member.client.get(
        url("participant-state", member.participant.workshop),
        {"shown": shown, "decision": decision},
        headers=headers,
    )


class TestPoll:
    def test_it_answers_304_while_nothing_changed(self, dana, django_assert_max_num_queries):
        first = poll(dana)
        assert first.status_code == 200
        etag = first["ETag"]
        assert first["Cache-Control"] == "private, no-cache"
        # The session (one read of the database cache) and the participant with its workshop.
        with django_assert_max_num_queries(2):
            again = poll(dana, etag=etag)
        assert again.status_code == 304
        assert again["ETag"] == etag
        assert again.content == b""

    def test_it_draws_again_when_the_room_changed(self, dana, zoe, room):
        etag = poll(dana)["ETag"]
        zoe.client.post(url("participant-ready", room), {"ready": "1"})
        response = poll(dana, etag=etag)
        assert response.status_code == 200
        assert response["ETag"] != etag
        html = response.content.decode()
        assert "1 of 2 ready" in html
        # The phase is the same and has inputs: its area is left alone.
        assert 'id="phase-area"' not in html
        assert '<input type="radio"' not in html

    def test_it_swaps_the_phase_area_in_when_the_phase_changed(self, dana, room):
        etag = poll(dana)["ETag"]
        at_phase(room, 2)
        response = poll(dana, shown=1, etag=etag)
        html = response.content.decode()
        assert response.status_code == 200
        assert "2. Map to the four dimensions" in html
        assert (
            '<div id="phase-area" class="room-phase-area" data-hx-swap-oob="true" data-phase="2">'
            in html
        )
        assert "Failure handling" in html  # the new phase's form
        assert f'data-hx-get="/live/{room.pk}/state/?shown=2&amp;decision="' in html

    def test_it_swaps_the_consent_form_in_when_a_decision_is_proposed(
        self, dana, room, facilitator
    ):
        etag = poll(dana)["ETag"]
        decision = decide(room, facilitator, status="proposed")
        html = poll(dana, etag=etag).content.decode()
        assert '<div id="decision-area" data-hx-swap-oob="true">' in html
        assert 'name="consent-answer"' in html
        assert f"decision={decision.pk}" in html
        # Once shown, another decision-maker's answer redraws only the status, not the form.
        other = join(room, "Ines", "business", "decision_maker")
        consent_record(participant=other.participant, decision=decision, answer="agree")
        html = poll(dana, decision=str(decision.pk)).content.decode()
        assert 'id="decision-area"' not in html
        assert 'id="consent-status" class="consent-status mb-3" data-hx-swap-oob="true"' in html
        assert "1 of 2 decision-makers answered: 1 agree." in html

    def test_in_phase_2_it_updates_the_votes_beside_the_form(self, dana, zoe, room, whole):
        at_phase(room, 2)
        vote_all(zoe, whole)
        html = poll(dana, shown=2).content.decode()
        assert 'id="phase-area"' not in html
        assert (
            f'<div id="vote-results-{whole.pk}" class="vote-results mb-3" data-hx-swap-oob="true"'
            in html
        )
        assert "1 of 2 have voted on every dimension." in html
        votes_reveal(workflow=whole)
        assert "Majority: Scheduled (pull)" in poll(dana, shown=2).content.decode()

    def test_in_phase_4_it_updates_the_risk_lists(self, dana, zoe, room, whole):
        at_phase(room, 4)
        propose(zoe, whole, "Files arrive late")
        html = poll(dana, shown=4).content.decode()
        assert (
            f'<div id="risks-{whole.pk}-batch" class="risk-proposals" data-hx-swap-oob="true"'
            in html
        )
        assert "Files arrive late" in html
        assert "Propose this risk" not in html  # the form, where one types, stays as it is

    def test_a_read_only_phase_is_redrawn_whole(self, dana, room, whole):
        at_phase(room, 3)
        workflow_update(workflow=whole, version=whole.version, fields={"candidates": ["batch"]})
        html = poll(dana, shown=3).content.decode()
        assert (
            '<div id="phase-area" class="room-phase-area" data-hx-swap-oob="true" data-phase="3">'
            in html
        )
        assert "Real-time streaming" not in html

    def test_when_decided_the_forms_go(self, dana, room, facilitator):
        decide(room, facilitator)
        html = poll(dana, shown=1).content.decode()
        assert "This workshop is decided" in html
        assert 'id="phase-area"' in html
        assert "Save my answers" not in html
        assert "decision=decided" in html

    @pytest.mark.parametrize("shown", ["", "x", "999999", "-1", "²", "0"])
    def test_it_treats_a_strange_shown_as_nothing_shown(self, dana, shown):
        response = dana.client.get(
            url("participant-state", dana.participant.workshop), {"shown": shown, "decision": "<x>"}
        )
        assert response.status_code == 200
        assert 'data-hx-swap-oob="true" data-phase="1"' in response.content.decode()
        assert response["ETag"].endswith('-0-"')


# --- query counts ---------------------------------------------------------------------------


def crowd(workshop, count: int, whole, *, phase: int) -> None:
    """`count` participants who each did what the phase asks."""
    for n in range(count):
        member = join(workshop, f"Person {n}", ("engineering", "business", "security")[n % 3])
        if phase == 2:
            vote_all(member, whole, reasons={"trigger": f"reason {n}"})
        if phase == 4:
            risk = propose(member, whole, f"Risk {n}")
            risk_dot_toggle(participant=member.participant, proposal=risk)


# The session, the participant with its workshop, the workflows, the participants, the proposed
# decision, then each phase's own reads: 1 its own delay answers; 2 the votes; 3 and 4 the
# catalogue's names, and 4 the proposed risks and its dots; with a proposed decision, its
# parts' patterns and its consents.
@pytest.mark.parametrize(("phase", "queries"), [(1, 6), (2, 6), (3, 6), (4, 8), (5, 5)])
def test_the_page_costs_the_same_with_3_or_30_participants(
    dana, room, whole, phase, queries, django_assert_max_num_queries
):
    at_phase(room, phase)
    crowd(room, 2, whole, phase=phase)
    with django_assert_max_num_queries(queries) as few:
        page(dana)
    crowd(room, 27, whole, phase=phase)
    with django_assert_max_num_queries(len(few)):
        html = page(dana)
    assert "0 of 30 ready" in html


def test_a_proposed_decision_costs_two_queries_more_whatever_the_room(
    dana, room, whole, facilitator, django_assert_max_num_queries
):
    decision = decide(room, facilitator, status="proposed")
    with django_assert_max_num_queries(8) as few:
        page(dana)
    for n in range(20):
        member = join(room, f"Decider {n}", "business", "decision_maker")
        consent_record(participant=member.participant, decision=decision, answer="agree")
    with django_assert_max_num_queries(len(few)):
        assert "20 of 21 decision-makers answered" in page(dana)


def test_the_poll_costs_the_same_as_the_page(dana, room, whole, django_assert_max_num_queries):
    at_phase(room, 4)
    crowd(room, 3, whole, phase=4)
    with django_assert_max_num_queries(8) as few:
        poll(dana, shown=4)
    crowd(room, 20, whole, phase=4)
    with django_assert_max_num_queries(len(few)):
        assert poll(dana, shown=4).status_code == 200


def test_the_participant_page_needs_no_account(room):
    member = join(room, "Guest")
    assert "Log in" in page(member)
    assert member.participant.user is None
