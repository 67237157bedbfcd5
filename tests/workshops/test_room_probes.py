"""Hostile input to every form and URL of the room (joining, the participant's page, the
facilitator's controls, the live panel, the projector), on SQLite and PostgreSQL: each probe
asserts what a person would see, a message beside the field or a 4xx page, never a 500, and
that nothing was half-written; and the races people will try, run with threads."""

from __future__ import annotations

import threading
import time
from typing import NamedTuple

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.factories import UserFactory
from tests.workshops.builders import decide, profile
from tests.workshops.room import Member, join, remember
from workshops.models import (
    Consent,
    Decision,
    DimensionVote,
    JoinThrottle,
    Participant,
    Risk,
    RiskDot,
    RiskProposal,
    Workflow,
    Workshop,
)
from workshops.services import room as room_services
from workshops.services.teams import team_member_join
from workshops.services.workshops import phase_go, workshop_create, workshop_start
from workshops.views.console import DECIDED_MESSAGE
from workshops.views.live import CONFLICT, STALE
from workshops.views.room_access import SESSION_KEY

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NUL = "Null characters are not allowed."
LONG = "x" * 10_000
# Ids as people and scripts forge them: int() takes some ("1_0", " 1"), isdigit() others ("²").
BAD_IDS = ["", "1e3", "²", "١", " 1", "1_0", "0x10", "-1", "0", str(2**63), str(10**30), "9" * 5000]


def url(name: str, workshop: Workshop, **kwargs) -> str:
    return reverse(f"workshops:{name}", kwargs={"workshop_id": workshop.pk, **kwargs})


def room_version(workshop: Workshop) -> int:
    """The workshop's change marker: every write the room could see moves it."""
    return Workshop.objects.values_list("room_version", flat=True).get(pk=workshop.pk)


def shows(response, text: str) -> bool:
    """The page says `text` (as the template escapes it)."""
    return escape(text) in response.content.decode()


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def room(workshop):
    """Profiled (batch and streaming are its candidates), its clock running."""
    profile(workshop)
    return workshop_start(workshop=workshop)


@pytest.fixture
def whole(room) -> Workflow:
    return room.workflows.get(parent=None)


@pytest.fixture
def dana(room) -> Member:
    return join(room, "Dana", "operations", "decision_maker")


@pytest.fixture
def zoe(room) -> Member:
    return join(room, "Zoë", "business", "consulted")


@pytest.fixture
def proposal(dana, whole) -> RiskProposal:
    return room_services.risk_propose(
        participant=dana.participant, workflow=whole, pattern_slug="batch", title="Late files"
    )


@pytest.fixture
def proposed(room, facilitator) -> Decision:
    return decide(room, facilitator, status="proposed")


class Elsewhere(NamedTuple):
    workshop: Workshop
    workflow: Workflow
    participant: Participant
    proposal: RiskProposal
    decision: Decision


@pytest.fixture
def elsewhere(team, facilitator) -> Elsewhere:
    """Another workshop of the same team, with a participant, a proposed risk and a proposed
    decision: its ids must open nothing in the room under test."""
    workshop = workshop_create(
        team=team, title="Payments feed", scheduled_at=timezone.now(), facilitator=facilitator
    )
    profile(workshop)
    workshop_start(workshop=workshop)
    workflow = workshop.workflows.get()
    participant = room_services.participant_join(
        workshop=workshop, name="Olga", role="security", involvement="decision_maker"
    )
    proposal = room_services.risk_propose(
        participant=participant, workflow=workflow, pattern_slug="batch", title="Elsewhere"
    )
    decision = decide(workshop, facilitator, status="proposed")
    return Elsewhere(workshop, workflow, participant, proposal, decision)


# --- text: NUL, 10,000 characters, empty, lone surrogates -------------------------------------


class TestHostileText:
    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("Ada\x00", NUL),
            (LONG, "Ensure this value has at most 100 characters (it has 10000)."),
            ("", "This field is required."),
            ("   ", "This field is required."),
        ],
    )
    @pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
    def test_a_bad_name_to_join_is_refused_beside_the_field(
        self, client, room, name, message, headers
    ):
        data = {"name": name, "role": "operations", "involvement": "consulted"}
        response = client.post(
            reverse("workshops:join-invite", kwargs={"invite": room.invite_code}),
            data,
            headers=headers,
        )
        assert response.status_code == 200
        assert shows(response, message)
        assert not room.participants.exists()

    @pytest.mark.parametrize(
        ("code", "message"),
        [
            ("K7P\x00M2Q", NUL),
            (LONG, "Ensure this value has at most 32 characters (it has 10000)."),
            ("", "This field is required."),
            ("- -", "Type the code's letters and digits."),
        ],
    )
    def test_a_bad_join_code_is_refused_beside_the_field(self, client, room, code, message):
        response = client.post(reverse("workshops:join"), {"code": code})
        assert response.status_code == 200
        assert shows(response, message)

    def test_lone_surrogates_in_a_name_arrive_replaced_and_join(self, client, room):
        # A browser cannot send U+D800 as UTF-8: its bytes arrive, invalid, and are replaced.
        body = b"name=Ada%ED%A0%80&role=operations&involvement=consulted"
        response = client.post(
            reverse("workshops:join-invite", kwargs={"invite": room.invite_code}),
            body,
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 302
        name = room.participants.get().name
        assert name.startswith("Ada")
        name.encode("utf-8")  # storable anywhere: no surrogate left

    def test_lone_surrogates_in_a_multipart_reason_arrive_replaced(self, dana, room, proposed):
        boundary = "XyZ"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="decision"\r\n\r\n'
                f"{proposed.pk}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f'name="consent-answer"\r\n\r\nobject\r\n--{boundary}\r\n'
                'Content-Disposition: form-data; name="consent-reason"\r\n\r\n'
            ).encode()
            + b"No\xed\xa0\x80"
            + f"\r\n--{boundary}--\r\n".encode()
        )
        response = dana.client.post(
            url("participant-consent", room),
            body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        assert response.status_code == 302
        reason = Consent.objects.get().reason
        assert reason.startswith("No")
        reason.encode("utf-8")

    @pytest.mark.parametrize(
        ("reason", "message"),
        [("why\x00", NUL), (LONG, "Ensure this value has at most 200 characters (it has 10000).")],
    )
    @pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
    def test_a_bad_vote_reason_is_refused_and_no_vote_is_cast(
        self, dana, room, whole, reason, message, headers
    ):
        phase_go(workshop=room, phase=2)
        before = room_version(room)
        prefix = f"vote{whole.pk}"
        data = {
            "workflow": whole.pk,
            f"{prefix}-trigger": "event",
            f"{prefix}-trigger_reason": reason,
        }
        response = dana.client.post(url("participant-vote", room), data, headers=headers)
        assert response.status_code == 200
        assert shows(response, message)
        assert not DimensionVote.objects.exists()
        assert room_version(room) == before

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("title", "Late\x00", NUL),
            ("mitigation", "Retry\x00", NUL),
            ("title", LONG, "Ensure this value has at most 200 characters (it has 10000)."),
            ("mitigation", LONG, "Ensure this value has at most 300 characters (it has 10000)."),
            ("title", "", "Say what could go wrong."),
            ("title", "   ", "Say what could go wrong."),
        ],
    )
    @pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
    def test_a_bad_proposed_risk_is_refused_and_kept(
        self, dana, room, whole, field, value, message, headers
    ):
        phase_go(workshop=room, phase=4)
        prefix = f"risk{whole.pk}-batch"
        data = {"workflow": whole.pk, "pattern": "batch", f"{prefix}-title": "Late files"}
        data[f"{prefix}-{field}"] = value
        response = dana.client.post(url("participant-risk", room), data, headers=headers)
        content = response.content.decode()
        assert response.status_code == 200
        assert message in content
        if field == "mitigation":
            assert 'value="Late files"' in content  # what was typed stays
        assert not RiskProposal.objects.exists()

    @pytest.mark.parametrize(
        ("reason", "message"),
        [
            ("no\x00", NUL),
            (LONG, "Ensure this value has at most 300 characters (it has 10000)."),
            ("", "Say why you object, so that the group can answer it."),
        ],
    )
    @pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
    def test_a_bad_objection_is_refused_beside_the_field(
        self, dana, room, proposed, reason, message, headers
    ):
        data = {"decision": proposed.pk, "consent-answer": "object", "consent-reason": reason}
        response = dana.client.post(url("participant-consent", room), data, headers=headers)
        assert response.status_code == 200
        assert shows(response, message)
        assert not Consent.objects.exists()
        proposed.refresh_from_db()
        assert proposed.snapshot["consent"] == []


# --- unknown choices --------------------------------------------------------------------------


class TestUnknownChoices:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("role", "ceo", "Select a valid choice. ceo is not one of the available choices."),
            ("role", "", "This field is required."),
            ("involvement", "boss", "Select a valid choice."),
            ("involvement", "\x00", "Select a valid choice."),
        ],
    )
    def test_joining_with_an_unknown_role_or_involvement_is_refused(
        self, client, room, field, value, message
    ):
        data = {"name": "Ada", "role": "operations", "involvement": "consulted", field: value}
        response = client.post(
            reverse("workshops:join-invite", kwargs={"invite": room.invite_code}), data
        )
        assert response.status_code == 200
        assert shows(response, message)
        assert not room.participants.exists()

    @pytest.mark.parametrize("answer", ["maybe", "\x00", LONG, "FINE"])
    def test_an_unknown_delay_answer_is_refused_beside_its_question(
        self, dana, room, whole, answer
    ):
        data = {"workflow": whole.pk, "delay-delay_10s": answer}
        response = dana.client.post(url("participant-delay", room), data)
        assert response.status_code == 200
        assert "Choose fine, degraded or unacceptable." in response.content.decode()
        assert not whole.delay_responses.exists()

    @pytest.mark.parametrize("value", ["sideways", "\x00", LONG, "Event"])
    def test_an_unknown_dimension_value_is_refused(self, dana, room, whole, value):
        phase_go(workshop=room, phase=2)
        data = {"workflow": whole.pk, f"vote{whole.pk}-trigger": value}
        response = dana.client.post(url("participant-vote", room), data)
        assert response.status_code == 200
        assert shows(response, "Choose one of this dimension's values.")
        assert not DimensionVote.objects.exists()

    @pytest.mark.parametrize("answer", ["perhaps", "\x00", "", LONG])
    def test_an_unknown_consent_answer_is_refused(self, dana, room, proposed, answer):
        data = {"decision": proposed.pk, "consent-answer": answer}
        response = dana.client.post(url("participant-consent", room), data)
        assert response.status_code == 200
        assert "Choose agree, abstain or object." in response.content.decode()
        assert not Consent.objects.exists()

    @pytest.mark.parametrize("value", ["2", "", "yes", "\x00", LONG])
    def test_an_unknown_ready_signal_is_a_400(self, dana, room, value):
        response = dana.client.post(url("participant-ready", room), {"ready": value})
        assert response.status_code == 400
        assert b"Say ready (1) or not ready (0)." in response.content
        dana.participant.refresh_from_db()
        assert dana.participant.ready_phase is None

    @pytest.mark.parametrize(
        ("name", "field", "message"),
        [
            ("joining-toggle", "open", "Choose to open or to close joining."),
            ("clock-toggle", "clock", "Choose to pause or to resume the clock."),
        ],
    )
    @pytest.mark.parametrize("value", ["maybe", "\x00", LONG, ""])
    def test_an_unknown_control_value_is_said_and_changes_nothing(
        self, facilitator_client, room, name, field, value, message
    ):
        before = room_version(room)
        response = facilitator_client.post(url(name, room), {field: value})
        assert response.status_code == 302
        assert said(response) == [message]
        assert room_version(room) == before
        response = facilitator_client.post(url(name, room), {field: value}, headers=HTMX)
        assert response.status_code == 200
        assert shows(response, message)


# --- ids: posted, in the URL, of other workshops ------------------------------------------------


class TestPostedIds:
    @pytest.mark.parametrize("value", BAD_IDS)
    @pytest.mark.parametrize(
        ("name", "key"),
        [
            ("participant-delay", "workflow"),
            ("participant-vote", "workflow"),
            ("participant-risk", "workflow"),
            ("participant-consent", "decision"),
        ],
    )
    def test_a_malformed_id_is_a_404(self, dana, room, whole, proposed, name, key, value):
        data = {
            "workflow": whole.pk,
            "decision": proposed.pk,
            "pattern": "batch",
            "delay-delay_10s": "fine",
            "consent-answer": "agree",
            key: value,
        }
        before = room_version(room)
        response = dana.client.post(url(name, room), data)
        assert response.status_code == 404
        assert room_version(room) == before

    @pytest.mark.parametrize(
        ("name", "key", "field"),
        [
            ("participant-delay", "workflow", "workflow"),
            ("participant-vote", "workflow", "workflow"),
            ("participant-risk", "workflow", "workflow"),
            ("participant-consent", "decision", "decision"),
        ],
    )
    def test_another_workshops_id_is_a_404_even_as_the_last_of_repeated_keys(
        self, dana, room, whole, proposed, elsewhere, name, key, field
    ):
        theirs = getattr(elsewhere, field).pk
        ours = whole.pk if key == "workflow" else proposed.pk
        for values in ([theirs], [ours, theirs]):
            data = {
                "workflow": whole.pk,
                "decision": proposed.pk,
                "pattern": "batch",
                "delay-delay_10s": "fine",
                "consent-answer": "agree",
                key: values,
            }
            response = dana.client.post(url(name, room), data)
            assert response.status_code == 404
        assert not Consent.objects.exists()
        assert not elsewhere.workflow.delay_responses.exists()

    def test_another_workshops_proposed_risk_takes_no_dot(self, dana, room, elsewhere):
        response = dana.client.post(url("participant-dot", room, proposal_id=elsewhere.proposal.pk))
        assert response.status_code == 404
        assert not RiskDot.objects.exists()

    @pytest.mark.parametrize("value", [*BAD_IDS, "\x00", "fiona"])
    def test_a_malformed_hand_off_is_refused_beside_the_field(
        self, facilitator_client, room, facilitator, value
    ):
        response = facilitator_client.post(url("facilitator-hand-off", room), {"to_user": value})
        assert response.status_code == 200
        message = {
            "": "This field is required.",
            "\x00": NUL,
        }.get(value, "Choose a member of this workshop's team.")
        assert shows(response, message)
        room.refresh_from_db()
        assert room.facilitator_id == facilitator.pk


class TestIdsInTheUrl:
    @pytest.mark.parametrize("big", [2**31, 2**63 - 1, 2**63, 10**30])
    def test_huge_ids_in_the_path_are_404(self, dana, facilitator_client, room, whole, big):
        for path in (f"/live/{big}/", f"/live/{big}/state/"):
            assert dana.client.get(path).status_code == 404, path
        for path in (
            f"/workshops/{big}/room/",
            f"/workshops/{big}/room/state/",
            f"/workshops/{big}/live/?phase=1",
        ):
            assert facilitator_client.get(path).status_code == 404, path
        posts = (
            f"/live/{room.pk}/risks/{big}/dot/",
            f"/workshops/{room.pk}/workflows/{big}/reveal/",
            f"/workshops/{room.pk}/workflows/{big}/room-delays/",
            f"/workshops/{room.pk}/workflows/{big}/room-profile/",
            f"/workshops/{room.pk}/workflows/{big}/risks/batch/adopt/",
            f"/workshops/{room.pk}/participants/{big}/remove/",
            f"/workshops/{big}/invite/rotate/",
            f"/workshops/{big}/clock/",
        )
        for path in posts:
            client = dana.client if path.startswith("/live/") else facilitator_client
            assert client.post(path, {"version": "1"}).status_code == 404, path

    def test_another_workshops_workflow_and_participant_are_404(
        self, facilitator_client, room, elsewhere
    ):
        theirs = elsewhere.workflow.pk
        for name in ("votes-reveal", "room-delays-apply", "room-profile-apply"):
            response = facilitator_client.post(url(name, room, workflow_id=theirs), {"version": 1})
            assert response.status_code == 404, name
        response = facilitator_client.post(
            url("risks-adopt", room, workflow_id=theirs, slug="batch"), {"version": 1}
        )
        assert response.status_code == 404
        response = facilitator_client.post(
            url("participant-remove", room, participant_id=elsewhere.participant.pk)
        )
        assert response.status_code == 404
        assert Participant.objects.filter(pk=elsewhere.participant.pk).exists()
        assert not Workflow.objects.get(pk=theirs).votes_revealed


# --- query strings ---------------------------------------------------------------------------

HOSTILE_QUERY = ["", "0", "-1", "1e3", "²", " 1", "0x10", "\x00", str(10**30), "9" * 5000, LONG]


class TestQueryStrings:
    @pytest.mark.parametrize("value", HOSTILE_QUERY)
    def test_the_participants_poll_draws_whatever_it_is_told_it_shows(self, dana, room, value):
        for query in ({"shown": value}, {"decision": value}, {"shown": value, "decision": value}):
            response = dana.client.get(url("participant-state", room), query)
            assert response.status_code == 200
            assert response.content.decode().strip()

    @pytest.mark.parametrize("value", HOSTILE_QUERY)
    def test_the_room_views_poll_takes_any_card(self, facilitator_client, room, value):
        response = facilitator_client.get(url("room-state", room), {"card": value})
        assert response.status_code == 200

    # " 1" is phase 1 to int(), and drawn as such: harmless.
    @pytest.mark.parametrize("value", [v for v in HOSTILE_QUERY if v != " 1"])
    def test_the_live_panel_refuses_an_unknown_phase(self, facilitator_client, room, value):
        response = facilitator_client.get(url("live-panel", room), {"phase": value})
        assert response.status_code == 404

    @pytest.mark.parametrize("value", ["²", "9" * 5000, " 1", "0x10", "-1", "\x00", "١"])
    def test_the_live_panel_refuses_an_unknown_part(self, facilitator_client, room, value):
        # "²" and 5,000 digits pass isdigit() and broke int(): a 500 before.
        response = facilitator_client.get(url("live-panel", room), {"phase": 1, "part": value})
        assert response.status_code == 404

    def test_the_live_panel_refuses_another_workshops_part(
        self, facilitator_client, room, elsewhere
    ):
        query = {"phase": 1, "part": elsewhere.workflow.pk}
        assert facilitator_client.get(url("live-panel", room), query).status_code == 404

    @pytest.mark.parametrize("value", ["²", "9" * 5000, " 1", "\x00", str(10**30)])
    def test_the_console_refuses_an_unknown_part(self, facilitator_client, room, value):
        assert facilitator_client.get(url("console", room), {"part": value}).status_code == 404

    @pytest.mark.parametrize("value", [v for v in HOSTILE_QUERY if v != " 1"])
    def test_the_move_question_refuses_an_unknown_phase_with_a_message(
        self, facilitator_client, room, value
    ):
        response = facilitator_client.get(url("phase-go", room), {"phase": value})
        assert response.status_code == 302
        assert said(response) == ["Choose a phase from 1 to 5."]
        room.refresh_from_db()
        assert room.current_phase == 1

    @pytest.mark.parametrize("part", ["\x00", "<b>x</b>", "9" * 5000, "\r\nX-Evil: 1"])
    def test_the_move_question_draws_an_odd_part_escaped(
        self, facilitator_client, room, dana, part
    ):
        # Someone is not ready: moving on asks first, and the question carries the part.
        response = facilitator_client.get(url("phase-go", room), {"phase": 2, "part": part})
        assert response.status_code == 200
        assert "<b>x</b>" not in response.content.decode()
        response = facilitator_client.post(url("phase-go", room), {"phase": 2, "part": part})
        assert response.status_code == 200
        assert "X-Evil" not in response.headers


class TestInvitePaths:
    @pytest.mark.parametrize(
        "token",
        ["x" * 5000, "é", "%00", "a%00b", "..", ".", "%2e%2e", "a.b", "%ED%A0%80", "%FF", "\u202e"],
    )
    def test_an_odd_invite_link_opens_nothing_and_counts_a_failure(self, room, token):
        # A NUL in the link went to the database: PostgreSQL refused it with a 500.
        client = Client()
        response = client.get(f"/join/{token}/")
        assert response.status_code == 404
        assert "This invite link does not open a workshop" in response.content.decode()
        form = {"name": "Ada", "role": "operations", "involvement": "consulted"}
        assert client.post(f"/join/{token}/", form).status_code == 404
        assert JoinThrottle.objects.get().failures == 2
        assert not room.participants.exists()

    def test_an_invite_link_one_character_off_opens_nothing(self, client, room):
        assert client.get(f"/join/{room.invite_code}x/").status_code == 404


# --- wrong methods ----------------------------------------------------------------------------

PARTICIPANT_POSTS = [
    "participant-delay",
    "participant-vote",
    "participant-risk",
    "participant-ready",
    "participant-consent",
]
FACILITATOR_POSTS = ["invite-rotate", "joining-toggle", "clock-toggle", "facilitator-hand-off"]
PANEL_POSTS = ["votes-reveal", "room-delays-apply", "room-profile-apply"]


class TestWrongMethods:
    def test_every_post_of_the_room_refuses_a_get(self, dana, facilitator_client, room, whole):
        for name in PARTICIPANT_POSTS:
            assert dana.client.get(url(name, room)).status_code == 405, name
        assert dana.client.get(url("participant-dot", room, proposal_id=1)).status_code == 405
        for name in FACILITATOR_POSTS:
            assert facilitator_client.get(url(name, room)).status_code == 405, name
        for name in PANEL_POSTS:
            response = facilitator_client.get(url(name, room, workflow_id=whole.pk))
            assert response.status_code == 405, name
        adopt = url("risks-adopt", room, workflow_id=whole.pk, slug="batch")
        assert facilitator_client.get(adopt).status_code == 405

    def test_every_page_of_the_room_refuses_a_post(self, dana, facilitator_client, room):
        for name in ("participant", "participant-state"):
            assert dana.client.post(url(name, room)).status_code == 405, name
        for name in ("room", "room-state", "live-panel"):
            assert facilitator_client.post(url(name, room)).status_code == 405, name

    def test_joining_refuses_other_methods(self, client, room):
        invite = reverse("workshops:join-invite", kwargs={"invite": room.invite_code})
        for path in (reverse("workshops:join"), invite):
            assert client.put(path).status_code == 405
            assert client.delete(path).status_code == 405
        assert not room.participants.exists()


# --- a participant's session, forged or tampered with -----------------------------------------


def forged(joined) -> Client:
    """A browser whose session holds `joined` where the room keeps the workshops joined."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = joined
    session.save()
    return client


class TestForgedSessions:
    @pytest.mark.parametrize(
        "entry",
        [
            "ab",
            "a",
            5,
            None,
            [],
            [1],
            ["x", "y"],
            {"a": 1, "b": 2},
            [1.5, "t"],
            [True, "t"],
            [[1], [2]],
            "LIST OF THREE",
            "STRING ID",
            "INT TOKEN",
            "NUL TOKEN",
            "LIST TOKEN",
            "EMPTY TOKEN",
        ],
    )
    def test_a_malformed_entry_is_a_404_and_the_join_page_still_lets_in(self, dana, room, entry):
        pk, token = dana.participant.pk, dana.participant.device_token
        made = {
            "LIST OF THREE": [pk, token, token],
            "STRING ID": [str(pk), token],
            "INT TOKEN": [pk, 5],
            "NUL TOKEN": [pk, "\x00"],
            "LIST TOKEN": [pk, [token]],
            "EMPTY TOKEN": [pk, ""],
        }
        entry = made.get(entry, entry) if isinstance(entry, str) else entry
        client = forged({str(room.pk): entry})
        assert client.get(url("participant", room)).status_code == 404
        assert client.get(url("participant-state", room)).status_code == 404
        assert client.post(url("participant-ready", room), {"ready": "1"}).status_code == 404
        invite = reverse("workshops:join-invite", kwargs={"invite": room.invite_code})
        assert client.get(invite).status_code == 200  # the form, to join afresh
        form = {"name": "Ada", "role": "operations", "involvement": "consulted"}
        assert client.post(invite, form).status_code == 302
        assert client.get(url("participant", room)).status_code == 200

    @pytest.mark.parametrize("joined", ["str", 5, None, ["1"], [["1", "t"]], True])
    def test_a_session_key_that_is_not_a_mapping_counts_as_nothing_joined(self, dana, room, joined):
        client = forged(joined)
        assert client.get(url("participant", room)).status_code == 404
        assert client.post(url("participant-ready", room), {"ready": "1"}).status_code == 404
        invite = reverse("workshops:join-invite", kwargs={"invite": room.invite_code})
        form = {"name": "Ada", "role": "operations", "involvement": "consulted"}
        assert client.post(invite, form).status_code == 302
        assert client.get(url("participant", room)).status_code == 200

    @pytest.mark.parametrize("pk", ["OURS", 2**63, 10**30, -1])
    def test_a_wrong_token_or_an_unknown_id_is_the_removed_page(self, dana, room, pk):
        pk = dana.participant.pk if pk == "OURS" else pk
        client = forged({str(room.pk): [pk, "not-the-token"]})
        response = client.get(url("participant", room))
        assert response.status_code == 403
        assert "You are no longer in this workshop" in response.content.decode()

    def test_another_workshops_participant_is_the_removed_page(self, room, elsewhere):
        theirs = elsewhere.participant
        client = forged({str(room.pk): [theirs.pk, theirs.device_token]})
        assert client.get(url("participant", room)).status_code == 403
        assert client.post(url("participant-ready", room), {"ready": "1"}).status_code == 403
        theirs.refresh_from_db()
        assert theirs.ready_phase is None


# --- the facilitator's controls -----------------------------------------------------------------


class TestHandOff:
    @pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
    @pytest.mark.parametrize("who", ["outsider", "facilitator", "inactive"])
    def test_it_refuses_anyone_but_an_active_other_member_beside_the_field(
        self, facilitator_client, room, team, facilitator, outsider, who, headers
    ):
        inactive = UserFactory(username="ivan", is_active=False)
        team_member_join(team=team, user=inactive)
        to_user = {"outsider": outsider, "facilitator": facilitator, "inactive": inactive}[who]
        before = room_version(room)
        response = facilitator_client.post(
            url("facilitator-hand-off", room), {"to_user": to_user.pk}, headers=headers
        )
        assert response.status_code == 200
        assert shows(response, "Choose a member of this workshop's team.")
        room.refresh_from_db()
        assert room.facilitator_id == facilitator.pk
        assert room_version(room) == before

    def test_the_inactive_member_is_not_offered(self, facilitator_client, room, team):
        # Handing the room to an account that cannot sign in left nobody to steer it.
        team_member_join(team=team, user=UserFactory(username="ivan", is_active=False))
        content = facilitator_client.get(url("console", room)).content.decode()
        assert "tariq" in content
        assert "ivan" not in content

    def test_the_service_refuses_an_inactive_member(self, room, team):
        inactive = UserFactory(username="ivan", is_active=False)
        team_member_join(team=team, user=inactive)
        with pytest.raises(ValidationError):
            room_services.facilitator_hand_off(workshop=room, to_user=inactive)


@pytest.fixture
def draft(workshop):
    return workshop  # never started


@pytest.fixture
def decided(room, facilitator):
    decide(room, facilitator)
    room.refresh_from_db()
    return room


class TestControlsOnDraftAndDecided:
    def test_a_draft_takes_a_new_invite_and_closed_joining_but_has_no_clock_to_pause(
        self, facilitator_client, draft
    ):
        code = draft.invite_code
        response = facilitator_client.post(url("invite-rotate", draft))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.invite_code != code
        facilitator_client.post(url("joining-toggle", draft), {"open": "no"})
        draft.refresh_from_db()
        assert not draft.joining_open
        response = facilitator_client.post(url("clock-toggle", draft), {"clock": "pause"})
        assert said(response)[-1] == "Start the clock first: it runs once the workshop is live."
        draft.refresh_from_db()
        assert draft.paused_at is None

    @pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
    @pytest.mark.parametrize(
        ("name", "data"),
        [
            ("invite-rotate", {}),
            ("joining-toggle", {"open": "no"}),
            ("clock-toggle", {"clock": "pause"}),
            ("clock-toggle", {"clock": "resume"}),
            ("facilitator-hand-off", {"to_user": "TEAMMATE"}),
        ],
    )
    def test_a_decided_workshop_refuses_every_control(
        self, facilitator_client, decided, teammate, name, data, headers
    ):
        data = {k: teammate.pk if v == "TEAMMATE" else v for k, v in data.items()}
        before = Workshop.objects.values().get(pk=decided.pk)
        response = facilitator_client.post(url(name, decided), data, headers=headers)
        if headers:
            assert response.status_code == 200
            assert DECIDED_MESSAGE in response.content.decode()
        else:
            assert response.status_code == 302
            assert said(response) == [DECIDED_MESSAGE]
        assert Workshop.objects.values().get(pk=decided.pk) == before

    def test_a_decided_workshop_refuses_the_panels_actions(
        self, facilitator_client, decided, whole
    ):
        before = Workflow.objects.values().get(pk=whole.pk)
        for name in PANEL_POSTS:
            response = facilitator_client.post(
                url(name, decided, workflow_id=whole.pk), {"version": whole.version}
            )
            assert said(response)[-1] == DECIDED_MESSAGE, name
        adopt = url("risks-adopt", decided, workflow_id=whole.pk, slug="batch")
        response = facilitator_client.post(adopt, {"version": whole.version})
        assert said(response)[-1] == DECIDED_MESSAGE
        assert Workflow.objects.values().get(pk=whole.pk) == before


# --- the live panel's apply actions: the version they were drawn at ---------------------------


@pytest.fixture
def answered(room, whole, dana, zoe, proposal) -> Workflow:
    """The room has answered the delay questions, voted (revealed) and proposed a risk."""
    for member in (dana, zoe):
        room_services.delay_answer(
            participant=member.participant, workflow=whole, answers={"delay_10s": "degraded"}
        )
        for dimension, value in (("trigger", "event"), ("granularity", "record")):
            room_services.dimension_vote(
                participant=member.participant, workflow=whole, dimension=dimension, value=value
            )
    room_services.votes_reveal(workflow=whole)
    whole.refresh_from_db()
    return whole


class TestApplyVersions:
    @pytest.mark.parametrize(
        ("version", "message"),
        [
            (None, STALE),
            ("", STALE),
            ("abc", STALE),
            ("1e3", STALE),
            ("²", STALE),
            ("\x00", STALE),
            ("9" * 5000, STALE),
            ("-1", CONFLICT),
            ("0", CONFLICT),
            ("STALE", CONFLICT),
            (str(2**63), CONFLICT),
            (str(10**30), CONFLICT),
        ],
    )
    @pytest.mark.parametrize("name", ["room-delays-apply", "room-profile-apply", "risks-adopt"])
    def test_a_missing_stale_or_odd_version_applies_nothing(
        self, facilitator_client, room, answered, name, version, message
    ):
        kwargs = {"workflow_id": answered.pk} | ({"slug": "batch"} if name == "risks-adopt" else {})
        if version == "STALE":
            version = str(answered.version - 1)
        data = {} if version is None else {"version": version}
        before = Workflow.objects.values().get(pk=answered.pk)
        response = facilitator_client.post(url(name, room, **kwargs), data)
        assert response.status_code == 302
        assert said(response) == [message]
        assert Workflow.objects.values().get(pk=answered.pk) == before
        assert not Risk.objects.filter(workflow=answered).exists()

    def test_a_teammate_is_told_who_applies(self, client, teammate, room, answered):
        client.force_login(teammate)
        response = client.post(
            url("room-delays-apply", room, workflow_id=answered.pk), {"version": answered.version}
        )
        assert said(response) == ["Only the facilitator, fiona, can use the room's answers."]
        assert Workflow.objects.get(pk=answered.pk).version == answered.version

    def test_an_odd_candidate_slug_is_a_404(self, facilitator_client, room, answered):
        for slug in ("nope", "x" * 300, "batch-"):
            adopt = url("risks-adopt", room, workflow_id=answered.pk, slug=slug)
            assert facilitator_client.post(adopt, {"version": answered.version}).status_code == 404


# --- races -----------------------------------------------------------------------------------


class Post(NamedTuple):
    client: Client
    path: str
    data: dict
    headers: dict = {}
    after: float = 0.0  # seconds to wait once released: to sweep a race's window


def at_once(*posts: Post) -> list:
    """Send `posts` from threads released together: their responses, in order (whatever a
    thread raised in its place)."""
    start = threading.Barrier(len(posts))
    answers: list = [None] * len(posts)

    def run(index: int, post: Post) -> None:
        try:
            start.wait()
            time.sleep(post.after)
            answers[index] = post.client.post(post.path, post.data, headers=post.headers)
        except BaseException as error:  # noqa: BLE001 - the test reports any failure
            answers[index] = error
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.usefixtures("catalogue")
@pytest.mark.django_db(transaction=True)
class TestRaces:
    def test_two_clicks_for_the_last_dot_at_once_spend_it_once(self, room, whole, dana, zoe):
        phase_go(workshop=room, phase=4)
        for n in range(2):
            spent = room_services.risk_propose(
                participant=dana.participant, workflow=whole, pattern_slug="batch", title=f"R{n}"
            )
            room_services.risk_dot_toggle(participant=zoe.participant, proposal=spent)
        clients = [remember(Client(), zoe.participant) for _ in range(2)]
        for round_ in range(12):
            last = [
                room_services.risk_propose(
                    participant=dana.participant,
                    workflow=whole,
                    pattern_slug="batch",
                    title=f"Round {round_}: {n}",
                )
                for n in range(2)
            ]
            answers = at_once(
                *(
                    Post(client, url("participant-dot", room, proposal_id=p.pk), {}, HTMX)
                    for client, p in zip(clients, last, strict=True)
                )
            )
            assert [a.status_code for a in answers] == [200, 200]
            refused = [a for a in answers if "You have placed your 3 dots" in a.content.decode()]
            assert len(refused) == 1
            mine = RiskDot.objects.filter(participant=zoe.participant)
            assert mine.count() == 3
            mine.filter(proposal__in=last).delete()  # the dot back, for the next round

    def test_two_joins_at_once_with_the_same_name_both_get_in(self, room):
        invite = reverse("workshops:join-invite", kwargs={"invite": room.invite_code})
        form = {"name": "Dana", "role": "operations", "involvement": "consulted"}
        rounds = 8
        for _ in range(rounds):
            clients = [Client(), Client()]
            answers = at_once(*(Post(client, invite, form) for client in clients))
            assert [a.status_code for a in answers] == [302, 302]
            for client in clients:
                assert client.get(url("participant", room)).status_code == 200
        danas = room.participants.filter(name="Dana")
        assert danas.count() == 2 * rounds
        assert len(set(danas.values_list("device_token", flat=True))) == 2 * rounds

    def test_consent_and_accepting_at_once_keep_the_answer_in_the_record(self, team, facilitator):
        # The decide page composed the record from the consents it read before the objection
        # was committed, then saved over the record the objection had just updated: accepted,
        # the record said nobody objected (on PostgreSQL, 12 times in 20).
        facilitator_client = Client()
        facilitator_client.force_login(facilitator)
        for round_ in range(20):
            workshop = workshop_create(
                team=team, title=f"W{round_}", scheduled_at=timezone.now(), facilitator=facilitator
            )
            profile(workshop)
            workshop_start(workshop=workshop)
            dana = join(workshop, "Dana", "operations", "decision_maker")
            decision = decide(workshop, facilitator, status="proposed")
            workflow = workshop.workflows.get()
            accept = {
                f"chosen_{workflow.pk}": "batch",
                "rationale": "it fits",
                "review_date": decision.review_date.isoformat(),
                "action": "accepted",
                "accept_reason": "agreed in the room",
            }
            objection = {
                "decision": decision.pk,
                "consent-answer": "object",
                "consent-reason": "no",
            }
            decided, consented = at_once(
                Post(facilitator_client, url("decide", workshop), accept),
                # The objection lands ever later: before, during and after the acceptance.
                Post(
                    dana.client, url("participant-consent", workshop), objection, {}, round_ / 500
                ),
            )
            assert decided.status_code == 302
            decision.refresh_from_db()
            assert decision.status == Decision.Status.ACCEPTED
            recorded = Consent.objects.filter(decision=decision).count()
            if consented.status_code == 400:  # the acceptance came first
                # Refused either on the way in (the workshop is decided) or by the locked
                # read in the service (the decision is no longer proposed).
                said = consented.content.decode()
                assert (
                    "Consent is asked while a decision is proposed" in said
                    or "This workshop is decided" in said
                )
                assert recorded == 0
            else:
                assert consented.status_code == 302
                assert recorded == 1
            assert len(decision.snapshot["consent"]) == recorded


@override_settings(JOIN_FAILURE_LIMIT=1)
def test_a_throttled_client_is_told_how_long_to_wait_whatever_it_sends(client, room):
    assert client.get("/join/%00/").status_code == 404
    for path in ("/join/%00/", f"/join/{room.invite_code}/", reverse("workshops:join")):
        response = client.post(path, {"code": "\x00", "name": "\x00"})
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
    assert not room.participants.exists()
