"""The facilitator's live panel of the room's answers on the console, its poll, and settling
on the room's answers: revealing votes, the group's delay answers, the majority profile and
the top proposed risks."""

from __future__ import annotations

import html

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from tests.workshops.builders import decide, profile, save_risk
from workshops.models import Participant, Risk, Workflow, Workshop
from workshops.services import room as room_services
from workshops.services.workflows import workflow_split, workflow_update
from workshops.services.workshops import participant_add, phase_go, workshop_create
from workshops.views.console import DECIDED_MESSAGE
from workshops.views.live import CONFLICT, STALE

pytestmark = pytest.mark.django_db

ROLES = ("operations", "business", "engineering", "security", "other")


def join(workshop, name: str, role: str, involvement: str = "consulted") -> Participant:
    return room_services.participant_join(
        workshop=workshop, name=name, role=role, involvement=involvement
    )


def room(workshop, count: int) -> list[Participant]:
    """`count` participants who joined from their devices, their roles taking turns."""
    return [join(workshop, f"Person {n}", ROLES[n % len(ROLES)]) for n in range(count)]


def fresh(workflow: Workflow) -> Workflow:
    workflow.refresh_from_db()
    return workflow


def console(client, workshop, part: Workflow | None = None) -> str:
    url = reverse("workshops:console", kwargs={"workshop_id": workshop.pk})
    response = client.get(url + (f"?part={part.pk}" if part else ""))
    assert response.status_code == 200
    return response.content.decode()


def panel_url(workshop, phase: int, part: Workflow | None = None) -> str:
    url = reverse("workshops:live-panel", kwargs={"workshop_id": workshop.pk})
    return f"{url}?phase={phase}" + (f"&part={part.pk}" if part else "")


def action_url(name: str, workflow: Workflow, **kwargs) -> str:
    return reverse(
        f"workshops:{name}",
        kwargs={"workshop_id": workflow.workshop_id, "workflow_id": workflow.pk, **kwargs},
    )


def panel_of(page: str) -> str:
    """The live panel's HTML within the console (it ends where the right column starts)."""
    return page.split('<section id="live-panel"')[1].split('<div class="col-lg-4">')[0]


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def text(content: str) -> str:
    """What a reader sees of `content`: its words, without the markup."""
    return html.unescape(" ".join(strip_tags(content).split()))


@pytest.fixture
def teammate_client(teammate):
    client = Client()
    client.force_login(teammate)
    return client


@pytest.fixture
def voters(workshop):
    """Dana (operations), Bea (business) and Eli (engineering) joined; Sam only watches."""
    people = [
        join(workshop, "Dana", "operations"),
        join(workshop, "Bea", "business"),
        join(workshop, "Eli", "engineering", involvement="decision_maker"),
    ]
    join(workshop, "Sam", "security", involvement="informed")
    return people


def answer(person, workflow, ten_s="", ten_m="", one_h=""):
    room_services.delay_answer(
        participant=person,
        workflow=workflow,
        answers={"delay_10s": ten_s, "delay_10m": ten_m, "delay_1h": one_h},
    )


def vote_all(person, workflow, values: dict[str, str], reason: str = ""):
    for dimension, value in values.items():
        room_services.dimension_vote(
            participant=person, workflow=workflow, dimension=dimension, value=value, reason=reason
        )


BATCH = {
    "trigger": "scheduled",
    "granularity": "batch",
    "consistency": "strong",
    "failure": "retry",
}
STREAM = {"trigger": "event", "granularity": "record", "consistency": "eventual"}


# --- before anyone joins ---------------------------------------------------------------------


class TestEmptyRoom:
    def test_it_hints_where_the_answers_will_appear(self, facilitator_client, workshop):
        panel = panel_of(console(facilitator_client, workshop))
        assert "Participants who join answer here" in panel
        assert 'data-hx-trigger="every 2s"' in panel and "data-live" in panel

    def test_spectators_alone_answer_nothing(self, facilitator_client, workshop):
        join(workshop, "Sam", "security", involvement="informed")
        assert "Participants who join answer here" in panel_of(
            console(facilitator_client, workshop)
        )

    def test_attendees_the_facilitator_listed_do_not_count_as_joined(
        self, facilitator_client, workshop
    ):
        participant_add(workshop=workshop, name="Ann", role="business", involvement="consulted")
        assert "Participants who join answer here" in panel_of(
            console(facilitator_client, workshop)
        )


# --- phase 1: the delay answers -------------------------------------------------------------


class TestDelays:
    def test_it_shows_the_spread_by_role_the_tolerance_and_the_disagreement(
        self, facilitator_client, workshop, workflow, voters
    ):
        dana, bea, _eli = voters
        answer(dana, workflow, "fine", "fine", "degraded")
        answer(bea, workflow, "degraded", "unacceptable", "unacceptable")
        panel = text(panel_of(console(facilitator_client, workshop)))
        assert "2 of 3 answered." in panel
        assert "0 of 3 ready" in panel
        assert "Operations" in panel and "Business" in panel
        assert (
            "Roles disagree: Operations says a 10-minute delay is fine; "
            "Business says it is unacceptable." in panel
        )
        assert "Use the room's answers" in panel

    def test_it_names_the_tolerance_the_answers_imply(
        self, facilitator_client, workshop, workflow, voters
    ):
        for person in voters:
            answer(person, workflow, "fine", "degraded", "unacceptable")
        panel = text(panel_of(console(facilitator_client, workshop)))
        assert "The group can wait up to 10 seconds" in panel
        assert "disagree" not in panel

    def test_using_the_rooms_answers_fills_the_form(
        self, facilitator_client, workshop, workflow, voters
    ):
        for person in voters:
            answer(person, workflow, "fine", "degraded", "unacceptable")
        response = facilitator_client.post(
            action_url("room-delays-apply", workflow), {"version": workflow.version}
        )
        assert response.status_code == 302
        assert response["Location"] == workshop.get_absolute_url()
        assert said(response) == [
            "The room's answers are in: 10 seconds fine, 10 minutes degraded, 1 hour unacceptable."
        ]
        workflow = fresh(workflow)
        assert (workflow.delay_10s, workflow.delay_10m, workflow.delay_1h) == (
            "fine",
            "degraded",
            "unacceptable",
        )
        page = console(facilitator_client, workshop)
        assert '<option value="degraded" selected>' in page  # the form shows them
        assert "✓ The form has the room's answers." in text(panel_of(page))
        assert f'name="p1-version" value="{workflow.version}"' in page

    def test_a_question_nobody_answered_keeps_the_forms_answer(
        self, facilitator_client, workflow, voters
    ):
        workflow_update(workflow=workflow, version=workflow.version, fields={"delay_1h": "fine"})
        answer(voters[0], workflow, ten_s="degraded")
        workflow = fresh(workflow)
        facilitator_client.post(
            action_url("room-delays-apply", workflow), {"version": workflow.version}
        )
        workflow = fresh(workflow)
        assert (workflow.delay_10s, workflow.delay_1h) == ("degraded", "fine")

    def test_it_keeps_everything_when_someone_saved_meanwhile(
        self, facilitator_client, workflow, voters
    ):
        answer(voters[0], workflow, "unacceptable", "unacceptable", "unacceptable")
        seen = workflow.version
        workflow_update(workflow=workflow, version=seen, fields={"delay_10s": "fine"})
        response = facilitator_client.post(
            action_url("room-delays-apply", workflow), {"version": seen}
        )
        assert response.status_code == 302
        assert said(response) == [CONFLICT]
        assert fresh(workflow).delay_10s == "fine"

    @pytest.mark.parametrize("version", ["", "seven"])
    def test_it_refuses_a_post_without_a_version(
        self, facilitator_client, workflow, voters, version
    ):
        answer(voters[0], workflow, "fine")
        response = facilitator_client.post(
            action_url("room-delays-apply", workflow), {"version": version}
        )
        assert response.status_code == 302
        assert said(response) == [STALE]
        assert fresh(workflow).delay_10s == ""

    def test_it_says_so_when_nobody_answered(self, facilitator_client, workflow, voters):
        response = facilitator_client.post(
            action_url("room-delays-apply", workflow), {"version": workflow.version}
        )
        assert said(response) == ["Nobody in the room has answered the delay questions yet."]

    def test_a_parts_answers_are_its_own_and_land_on_its_tab(
        self, facilitator_client, workshop, workflow, voters
    ):
        profile(workshop)
        part = workflow_split(workflow=fresh(workflow), names=("Stores", "Warehouse"))[0]
        answer(voters[0], part, "unacceptable")
        answer(voters[1], fresh(workflow), "fine")
        panel = text(panel_of(console(facilitator_client, workshop, part)))
        assert "1 of 3 answered." in panel and "Unacceptable" in panel
        assert f"part={part.pk}" in panel_of(console(facilitator_client, workshop, part))
        response = facilitator_client.post(
            action_url("room-delays-apply", part), {"version": fresh(part).version}
        )
        assert response["Location"] == f"{workshop.get_absolute_url()}?part={part.pk}"
        assert fresh(part).delay_10s == "unacceptable"
        assert fresh(workflow).delay_10s == ""  # the whole's answers are its own


# --- phase 2: the dimension votes -----------------------------------------------------------


@pytest.fixture
def at_phase_2(workshop):
    phase_go(workshop=workshop, phase=2)
    return workshop


class TestVotes:
    def test_hidden_votes_show_how_many_voted_and_nothing_of_the_spread(
        self, facilitator_client, at_phase_2, workflow, voters
    ):
        vote_all(voters[0], workflow, BATCH, reason="The nightly window is enough")
        vote_all(voters[1], workflow, {"trigger": "event"}, reason="Shops want it live")
        panel = text(panel_of(console(facilitator_client, at_phase_2)))
        assert "Trigger: 2 of 3 have voted" in panel
        assert "Failure handling: 1 of 3 have voted" in panel
        for secret in ("nightly window", "Shops want", "Scheduled", "Event (push)", "majority"):
            assert secret not in panel
        assert "Reveal the votes" in panel

    def test_revealing_shows_the_spread_the_majority_and_the_reasons(
        self, facilitator_client, at_phase_2, workflow, voters
    ):
        vote_all(voters[0], workflow, BATCH, reason="The nightly window is enough")
        vote_all(voters[1], workflow, {**BATCH, "failure": "dead_letter"})
        vote_all(voters[2], workflow, {**STREAM, "failure": "retry"}, reason="Shops want it live")
        response = facilitator_client.post(action_url("votes-reveal", workflow))
        assert response.status_code == 302
        assert said(response) == ["The votes are revealed to everyone."]
        assert fresh(workflow).votes_revealed
        panel = text(panel_of(console(facilitator_client, at_phase_2)))
        assert "majority: Scheduled (pull)" in panel
        assert 'aria-label="Scheduled (pull): 2 of 3 votes"' in panel_of(
            console(facilitator_client, at_phase_2)
        )
        assert "“The nightly window is enough” — Dana (Operations), for Scheduled (pull)" in panel
        assert "“Shops want it live” — Eli (Engineering), for Event (push)" in panel
        assert "Reveal the votes" not in panel
        assert "Set the profile to the majority" in panel

    def test_revealing_through_htmx_redraws_the_panel_alone(
        self, facilitator_client, at_phase_2, workflow, voters
    ):
        vote_all(voters[0], workflow, BATCH)
        response = facilitator_client.post(
            action_url("votes-reveal", workflow), HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        content = response.content.decode()
        assert '<section id="live-panel"' in content and "phase-form" not in content
        assert "majority: Scheduled (pull)" in text(content)

    def test_votes_show_once_everyone_has_voted_on_everything(
        self, facilitator_client, at_phase_2, workflow, voters
    ):
        for person in voters:
            vote_all(person, workflow, BATCH)
        panel = text(panel_of(console(facilitator_client, at_phase_2)))
        assert "majority: Strong" in panel
        assert not fresh(workflow).votes_revealed

    def test_a_split_dimension_is_marked_and_left_to_the_facilitator(
        self, facilitator_client, at_phase_2, workflow, voters
    ):
        dana, bea, eli = voters
        vote_all(dana, workflow, {**BATCH, "failure": "retry"})
        vote_all(bea, workflow, {**BATCH, "failure": "dead_letter"})
        room_services.votes_reveal(workflow=workflow)
        panel = text(panel_of(console(facilitator_client, at_phase_2)))
        assert "Failure handling split" in panel
        assert "The split ones stay your choice: Failure handling." in panel
        workflow_update(
            workflow=fresh(workflow),
            version=fresh(workflow).version,
            fields={"failure": "dead_letter"},
        )
        response = facilitator_client.post(
            action_url("room-profile-apply", workflow), {"version": fresh(workflow).version}
        )
        assert said(response) == [
            "The profile follows the room's majority; Failure handling is split: your choice."
        ]
        workflow = fresh(workflow)
        assert (workflow.trigger, workflow.granularity, workflow.consistency) == (
            "scheduled",
            "batch",
            "strong",
        )
        assert workflow.failure == "dead_letter"  # the facilitator's, untouched

    def test_the_profile_is_not_set_from_hidden_votes(
        self, facilitator_client, at_phase_2, workflow, voters
    ):
        vote_all(voters[0], workflow, BATCH)
        response = facilitator_client.post(
            action_url("room-profile-apply", workflow), {"version": workflow.version}
        )
        assert said(response) == ["The votes are hidden: reveal them before setting the profile."]
        assert fresh(workflow).trigger == ""

    def test_it_says_so_when_no_dimension_has_a_majority(
        self, facilitator_client, at_phase_2, workflow, voters
    ):
        room_services.votes_reveal(workflow=workflow)
        response = facilitator_client.post(
            action_url("room-profile-apply", workflow), {"version": workflow.version}
        )
        assert said(response) == ["No dimension has a majority yet: choose the profile yourself."]

    def test_setting_the_profile_refuses_a_stale_panel(
        self, facilitator_client, at_phase_2, workflow, voters
    ):
        for person in voters:
            vote_all(person, workflow, BATCH)
        response = facilitator_client.post(
            action_url("room-profile-apply", workflow), {"version": workflow.version - 1}
        )
        assert said(response) == [CONFLICT]
        assert fresh(workflow).trigger == ""


# --- phase 4: the proposed risks ------------------------------------------------------------


@pytest.fixture
def at_phase_4(workshop, workflow):
    profile(workshop)
    phase_go(workshop=workshop, phase=4)
    return workshop


def propose(person, workflow, title, pattern="batch", mitigation=""):
    return room_services.risk_propose(
        participant=person,
        workflow=fresh(workflow),
        pattern_slug=pattern,
        title=title,
        mitigation=mitigation,
    )


def dot(people, proposal):
    for person in people:
        room_services.risk_dot_toggle(participant=person, proposal=proposal)


class TestRisks:
    @pytest.fixture
    def proposed(self, at_phase_4, workflow, voters):
        dana, bea, eli = voters
        late = propose(dana, workflow, "The run overruns its window", mitigation="Partition it.")
        lost = propose(bea, workflow, "A store's file goes missing")
        dupes = propose(eli, workflow, "Retries load duplicates", mitigation="Upsert on key.")
        quiet = propose(eli, workflow, "Nobody notices a failed night")
        propose(dana, workflow, "Brokers need tuning", pattern="streaming")
        dot([dana, bea, eli], dupes)
        dot([dana], late)
        dot([bea, eli], quiet)
        return late, lost, dupes, quiet

    def test_it_lists_each_candidates_proposals_most_dots_first(
        self, facilitator_client, at_phase_4, proposed
    ):
        panel = text(panel_of(console(facilitator_client, at_phase_4)))
        batch = panel.split("Risks the room proposes for Batch processing")[1].split(
            "Risks the room proposes for"
        )[0]
        order = [
            batch.index(title)
            for title in (
                "Retries load duplicates",
                "Nobody notices a failed night",
                "The run overruns its window",
                "A store's file goes missing",
            )
        ]
        assert order == sorted(order)
        assert "Raised by Engineering (Eli)" in batch and "3 dots" in batch
        assert "Mitigation: Upsert on key." in batch
        assert "Make the top three Batch processing's risks" in batch
        assert "Batch processing has no risks recorded yet." in batch
        assert "Brokers need tuning" in panel.split("Risks the room proposes for Real-time")[1]

    def test_adopting_replaces_the_candidates_risks_with_the_top_three(
        self, facilitator_client, at_phase_4, workflow, proposed
    ):
        save_risk(fresh(workflow), title="Old guess", mitigation="None.")
        assert "It replaces the 1 risk recorded for Batch processing now." in text(
            panel_of(console(facilitator_client, at_phase_4))
        )
        response = facilitator_client.post(
            action_url("risks-adopt", workflow, slug="batch"), {"version": fresh(workflow).version}
        )
        assert response.status_code == 302
        assert said(response) == [
            "The room's top 3 risks are now Batch processing's risks: edit them like any other."
        ]
        risks = list(Risk.objects.filter(workflow=workflow, pattern_slug="batch").order_by("rank"))
        assert [(r.rank, r.title, r.raised_by, r.mitigation) for r in risks] == [
            (1, "Retries load duplicates", "engineering", "Upsert on key."),
            (2, "Nobody notices a failed night", "engineering", ""),
            (3, "The run overruns its window", "operations", "Partition it."),
        ]
        assert not Risk.objects.filter(pattern_slug="streaming").exists()
        page = console(facilitator_client, at_phase_4)
        assert 'value="Retries load duplicates"' in page  # in the phase-4 form, editable

    def test_adopting_refuses_a_stale_panel(
        self, facilitator_client, at_phase_4, workflow, proposed
    ):
        response = facilitator_client.post(
            action_url("risks-adopt", workflow, slug="batch"),
            {"version": fresh(workflow).version - 1},
        )
        assert said(response) == [CONFLICT]
        assert not Risk.objects.exists()

    def test_adopting_needs_a_version(self, facilitator_client, at_phase_4, workflow, proposed):
        response = facilitator_client.post(action_url("risks-adopt", workflow, slug="batch"))
        assert said(response) == [STALE]
        assert not Risk.objects.exists()

    def test_it_says_so_when_nobody_proposed_a_risk(
        self, facilitator_client, at_phase_4, workflow, voters
    ):
        panel = text(panel_of(console(facilitator_client, at_phase_4)))
        assert "Nobody has proposed a risk for Batch processing yet." in panel
        response = facilitator_client.post(
            action_url("risks-adopt", workflow, slug="batch"), {"version": fresh(workflow).version}
        )
        assert said(response) == [
            "Nobody in the room has proposed a risk for Batch processing yet."
        ]

    def test_a_pattern_that_is_no_candidate_is_not_found(
        self, facilitator_client, at_phase_4, workflow, proposed
    ):
        response = facilitator_client.post(
            action_url("risks-adopt", workflow, slug="choreography"), {"version": 1}
        )
        assert response.status_code == 404

    def test_it_asks_for_candidates_first(self, facilitator_client, workshop, workflow, voters):
        phase_go(workshop=workshop, phase=4)
        workflow_update(
            workflow=fresh(workflow), version=fresh(workflow).version, fields={"candidates": []}
        )
        panel = text(panel_of(console(facilitator_client, workshop)))
        assert "Pick the candidates in phase 3 first" in panel


class TestOtherPhases:
    @pytest.mark.parametrize("phase", [3, 5])
    def test_it_shows_the_ready_count_only(self, facilitator_client, workshop, voters, phase):
        profile(workshop)
        phase_go(workshop=workshop, phase=phase)
        ready = Participant.objects.select_related("workshop").get(pk=voters[0].pk)
        room_services.ready_set(participant=ready, ready=True)
        panel = text(panel_of(console(facilitator_client, workshop)))
        assert "1 of 3 ready" in panel
        assert "The room takes no part in this phase" in panel
        assert "<form" not in panel_of(console(facilitator_client, workshop))


# --- the poll -------------------------------------------------------------------------------


class TestPoll:
    def test_it_draws_the_panel_alone_with_its_etag(self, facilitator_client, workshop, voters):
        response = facilitator_client.get(panel_url(workshop, 1))
        assert response.status_code == 200
        content = response.content.decode()
        assert '<section id="live-panel"' in content and "0 of 3 answered." in content
        assert "phase-form" not in content and "<html" not in content
        etag = response["ETag"]
        version = Workshop.objects.get(pk=workshop.pk).room_version
        assert etag == f'"live-{version}-whole-1"'
        assert f'data-etag="{html.escape(etag)}"' in content
        assert response["Cache-Control"] == "private, no-cache"

    def test_the_console_draws_the_etag_the_poll_answers(
        self, facilitator_client, workshop, voters
    ):
        page = console(facilitator_client, workshop)
        etag = html.unescape(page.split('data-etag="')[1].split('"')[0])
        assert etag.startswith('"live-')
        response = facilitator_client.get(panel_url(workshop, 1), HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304

    def test_it_answers_304_until_the_room_changes(
        self, facilitator_client, workshop, workflow, voters, django_assert_max_num_queries
    ):
        etag = facilitator_client.get(panel_url(workshop, 1))["ETag"]
        # Session, user, the workshop's change marker: not the workshop's attendees, nothing
        # of the room's answers.
        with django_assert_max_num_queries(3):
            response = facilitator_client.get(panel_url(workshop, 1), HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        assert response.content == b""
        answer(voters[0], workflow, "fine")
        response = facilitator_client.get(panel_url(workshop, 1), HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert response["ETag"] != etag
        assert "1 of 3 answered." in response.content.decode()

    def test_its_etag_names_the_part_and_the_phase(self, facilitator_client, workshop, voters):
        profile(workshop)
        part = workflow_split(workflow=workshop.workflows.get(), names=("Stores", "Warehouse"))[0]
        whole = facilitator_client.get(panel_url(workshop, 1))["ETag"]
        on_part = facilitator_client.get(panel_url(workshop, 1, part))
        assert on_part.status_code == 200 and on_part["ETag"] != whole
        assert facilitator_client.get(panel_url(workshop, 2))["ETag"] != whole
        assert (
            facilitator_client.get(panel_url(workshop, 2), HTTP_IF_NONE_MATCH=whole).status_code
            == 200
        )

    def test_it_draws_the_phase_asked_for(self, facilitator_client, at_phase_2, workflow, voters):
        vote_all(voters[0], workflow, BATCH)
        content = text(facilitator_client.get(panel_url(at_phase_2, 2)).content.decode())
        assert "Trigger: 1 of 3 have voted" in content
        content = text(facilitator_client.get(panel_url(at_phase_2, 1)).content.decode())
        assert "0 of 3 answered." in content

    @pytest.mark.parametrize("query", ["phase=9", "phase=x", "", "phase=1&part=x"])
    def test_it_refuses_bad_input_with_404(self, facilitator_client, workshop, query):
        url = reverse("workshops:live-panel", kwargs={"workshop_id": workshop.pk})
        assert facilitator_client.get(f"{url}?{query}").status_code == 404

    def test_a_part_of_another_workshop_is_not_found(
        self, facilitator_client, workshop, team, facilitator
    ):
        other = workshop_create(
            team=team, title="Other", scheduled_at=timezone.now(), facilitator=facilitator
        )
        foreign = other.workflows.get()
        assert facilitator_client.get(panel_url(workshop, 1, foreign)).status_code == 404

    def test_it_returns_404_to_outsiders(self, outsider_client, workshop):
        assert outsider_client.get(panel_url(workshop, 1)).status_code == 404

    def test_it_sends_anonymous_visitors_to_log_in(self, client, workshop):
        response = client.get(panel_url(workshop, 1))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_it_refuses_other_methods(self, facilitator_client, workshop):
        assert facilitator_client.post(panel_url(workshop, 1)).status_code == 405

    def test_teammates_see_the_answers_without_the_buttons(
        self, teammate_client, at_phase_2, workflow, voters
    ):
        for person in voters:
            vote_all(person, workflow, BATCH)
        content = text(teammate_client.get(panel_url(at_phase_2, 2)).content.decode())
        assert "majority: Scheduled (pull)" in content
        assert "Set the profile to the majority" not in content
        assert "Only the facilitator, fiona, settles on the room's answers." in content


# --- who may settle ---------------------------------------------------------------------------

SETTLING = [
    ("votes-reveal", {}),
    ("room-delays-apply", {}),
    ("room-profile-apply", {}),
    ("risks-adopt", {"slug": "batch"}),
]
DOING = {
    "votes-reveal": "reveal the votes",
    "room-delays-apply": "use the room's answers",
    "room-profile-apply": "set the profile to the room's majority",
    "risks-adopt": "adopt the room's risks",
}


@pytest.mark.parametrize(("name", "kwargs"), SETTLING)
class TestSettling:
    def test_it_refuses_a_teammate_and_changes_nothing(
        self, teammate_client, workshop, workflow, voters, name, kwargs
    ):
        profile(workshop)
        for person in voters:
            vote_all(person, fresh(workflow), BATCH)
            answer(person, fresh(workflow), "unacceptable")
        propose(voters[0], fresh(workflow), "A risk")
        before = fresh(workflow).version
        response = teammate_client.post(action_url(name, workflow, **kwargs), {"version": before})
        assert response.status_code == 302
        assert response["Location"] == workshop.get_absolute_url()
        assert said(response) == [f"Only the facilitator, fiona, can {DOING[name]}."]
        workflow = fresh(workflow)
        assert workflow.version == before and not workflow.votes_revealed
        assert not Risk.objects.exists()

    def test_it_sends_htmx_back_to_the_console_when_refused(
        self, teammate_client, workshop, workflow, name, kwargs
    ):
        profile(workshop)
        response = teammate_client.post(
            action_url(name, workflow, **kwargs), {"version": 1}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        assert response["HX-Redirect"] == workshop.get_absolute_url()

    def test_it_refuses_a_decided_workshop(
        self, facilitator_client, facilitator, workshop, workflow, voters, name, kwargs
    ):
        profile(workshop)
        answer(voters[0], fresh(workflow), "fine")
        decide(workshop, facilitator)
        before = fresh(workflow).version
        response = facilitator_client.post(
            action_url(name, workflow, **kwargs), {"version": before}
        )
        assert response.status_code == 302
        assert said(response) == [DECIDED_MESSAGE]
        assert fresh(workflow).version == before

    def test_it_returns_404_to_outsiders(self, outsider_client, workshop, workflow, name, kwargs):
        profile(workshop)
        assert outsider_client.post(action_url(name, workflow, **kwargs)).status_code == 404

    def test_it_returns_404_for_a_workflow_of_another_workshop(
        self, facilitator_client, workshop, team, facilitator, name, kwargs
    ):
        other = workshop_create(
            team=team, title="Other", scheduled_at=timezone.now(), facilitator=facilitator
        )
        url = reverse(
            f"workshops:{name}",
            kwargs={"workshop_id": workshop.pk, "workflow_id": other.workflows.get().pk, **kwargs},
        )
        assert facilitator_client.post(url).status_code == 404

    def test_it_refuses_other_methods(self, facilitator_client, workflow, name, kwargs):
        assert facilitator_client.get(action_url(name, workflow, **kwargs)).status_code == 405

    def test_it_sends_anonymous_visitors_to_log_in(self, client, workflow, name, kwargs):
        response = client.post(action_url(name, workflow, **kwargs))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_htmx_settle_sends_the_browser_to_the_console(
    facilitator_client, workshop, workflow, voters
):
    answer(voters[0], workflow, "fine")
    response = facilitator_client.post(
        action_url("room-delays-apply", workflow),
        {"version": workflow.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == workshop.get_absolute_url()
    assert fresh(workflow).delay_10s == "fine"


# --- query counts -----------------------------------------------------------------------------


def contributions(workshop, workflow, people):
    """Everyone answers, votes, proposes a risk and dots it: what each phase reads."""
    for person in people:
        answer(person, workflow, "fine", "degraded", "unacceptable")
        vote_all(person, workflow, BATCH, reason="Because")
        proposal = propose(person, workflow, f"Risk of {person.name}")
        room_services.risk_dot_toggle(participant=person, proposal=proposal)


@pytest.mark.parametrize(("phase", "queries"), [(1, 10), (2, 10), (3, 9), (4, 12)])
def test_the_console_costs_the_same_with_3_or_30_participants(
    facilitator_client, workshop, workflow, phase, queries, django_assert_max_num_queries
):
    # The console's own (test_console_queries.py, and the room card's hand-off choices) and
    # the phase's one read of the room's answers; phase 4 also reads the patterns' names.
    profile(workshop)
    contributions(workshop, fresh(workflow), room(workshop, 3))
    phase_go(workshop=workshop, phase=phase)
    with django_assert_max_num_queries(queries) as few:
        console(facilitator_client, workshop)
    contributions(workshop, fresh(workflow), room(workshop, 27))
    with django_assert_max_num_queries(len(few)):
        page = console(facilitator_client, workshop)
    assert "0 of 30 ready" in text(panel_of(page))


# One more than the console's: the poll reads the change marker before anything else.
@pytest.mark.parametrize(("phase", "queries"), [(1, 9), (2, 9), (3, 8), (4, 10)])
def test_the_panel_costs_the_same_with_3_or_30_participants(
    facilitator_client, workshop, workflow, phase, queries, django_assert_max_num_queries
):
    # Session, user, the change marker, the workshop with its attendees; the workflows with
    # their risks and costs; the phase's answers (and, in phase 4, the patterns' names).
    profile(workshop)
    contributions(workshop, fresh(workflow), room(workshop, 3))
    room_services.votes_reveal(workflow=fresh(workflow))
    with django_assert_max_num_queries(queries) as few:
        assert facilitator_client.get(panel_url(workshop, phase)).status_code == 200
    contributions(workshop, fresh(workflow), room(workshop, 27))
    with django_assert_max_num_queries(len(few)):
        response = facilitator_client.get(panel_url(workshop, phase))
    assert response.status_code == 200
    assert "0 of 30 ready" in text(response.content.decode())
