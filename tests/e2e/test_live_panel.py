"""The facilitator follows the room on the console's live panel in a real browser: answers
arrive without a reload, hidden votes are revealed in place without touching the form, and
the room's answers, majority and top risks land in the forms; the record shows consent and
what the room said. axe-core checks each of these screens."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_accessibility import BLOCKING, axe_script, axe_violations, describe
from tests.factories import UserFactory
from tests.workshops.builders import decide, profile
from workshops.models import Decision, Participant, Workflow
from workshops.services import room as room_services
from workshops.services.teams import team_create
from workshops.services.workshops import phase_go, workshop_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

__all__ = ["axe_script"]  # the fixture, shared with the accessibility test

BATCH = {"trigger": "scheduled", "granularity": "batch", "consistency": "strong"}


@pytest.fixture
def workshop(catalogue):
    facilitator = UserFactory(username="fiona")
    team = team_create(name="Retail platform", creator=facilitator)
    workshop = workshop_create(
        team=team,
        title="Nightly inventory sync",
        scheduled_at=timezone.now(),
        facilitator=facilitator,
    )
    profile(
        workshop,
        trigger="",
        granularity="",
        consistency="",
        failure="",
        candidates=["batch", "streaming"],
    )
    return workshop


@pytest.fixture
def room(workshop) -> list[Participant]:
    people = [
        ("Olga", "security", "decision_maker"),
        ("Dana", "operations", "decision_maker"),
        ("Bea", "business", "consulted"),
    ]
    return [
        room_services.participant_join(workshop=workshop, name=n, role=r, involvement=i)
        for n, r, i in people
    ]


@pytest.fixture
def axe_page(browser, live_server, axe_script):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    context.add_init_script(path=str(axe_script))
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page, where: str) -> None:
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(describe(where, violation) for violation in blocking)


def whole(workshop) -> Workflow:
    return workshop.workflows.get(parent=None)


def answer(person, workshop, answers):
    room_services.delay_answer(
        participant=person,
        workflow=whole(workshop),
        answers=dict(zip(room_services.DELAY_FIELDS, answers, strict=True)),
    )


def test_the_delay_answers_arrive_live_and_fill_the_form(axe_page, live_server, workshop, room):
    page = axe_page
    olga, dana, bea = room
    answer(olga, workshop, ("degraded", "unacceptable", "unacceptable"))
    answer(dana, workshop, ("fine", "fine", "degraded"))
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/workshops/{workshop.pk}/")
    panel = page.get_by_test_id("live-panel")
    expect(panel.get_by_test_id("live-answered")).to_have_text("2 of 3 answered.")

    answer(bea, workshop, ("fine", "unacceptable", "unacceptable"))  # from Bea's phone
    expect(panel.get_by_test_id("live-answered")).to_have_text("3 of 3 answered.", timeout=8000)
    expect(panel.get_by_test_id("live-disagreement").nth(1)).to_contain_text(
        "Operations says a 10-minute delay is fine; Business and Security say it is unacceptable."
    )
    assert_accessible(page, "console live panel, phase 1")
    screenshot(page, "console-live-phase1")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, "console live panel, phase 1, on a phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    panel.get_by_role("button", name="Use the room's answers").click()
    expect(page.get_by_text("The room's answers are in:")).to_be_visible()
    expect(page.get_by_label("Delayed by 10 minutes?")).to_have_value("unacceptable")
    expect(page.get_by_test_id("live-applied")).to_be_visible()


def test_hidden_votes_are_revealed_in_place_and_set_the_profile(
    axe_page, live_server, workshop, room
):
    page = axe_page
    olga, dana, bea = room
    phase_go(workshop=workshop, phase=2)
    workflow = whole(workshop)
    for person, failure in ((olga, "dead_letter"), (dana, "retry")):
        for dimension, value in {**BATCH, "failure": failure}.items():
            room_services.dimension_vote(
                participant=person,
                workflow=workflow,
                dimension=dimension,
                value=value,
                reason="A nightly load is enough" if person is dana else "",
            )
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/workshops/{workshop.pk}/")
    panel = page.get_by_test_id("live-panel")
    hidden = panel.get_by_test_id("live-votes-hidden")
    expect(hidden).to_contain_text("Trigger: 2 of 3 have voted")
    expect(panel).not_to_contain_text("Scheduled")

    room_services.dimension_vote(
        participant=bea, workflow=workflow, dimension="trigger", value="event"
    )
    expect(hidden).to_contain_text("Trigger: 3 of 3 have voted", timeout=8000)

    # Something typed in the form survives the reveal: only the panel is redrawn.
    notes = page.locator("#id_p2-trigger_notes")
    notes.fill("Stores close at 22:00")
    panel.get_by_role("button", name="Reveal the votes").click()
    expect(panel.get_by_test_id("live-votes")).to_contain_text("majority: Scheduled (pull)")
    expect(panel.locator('[data-dimension="failure"]')).to_contain_text("split")
    expect(panel).to_contain_text("“A nightly load is enough” — Dana (Operations)")
    expect(notes).to_have_value("Stores close at 22:00")
    assert_accessible(page, "console live panel, phase 2 revealed")
    screenshot(page, "console-live-phase2")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, "console live panel, phase 2 revealed, on a phone")
    screenshot(page, "console-live-phase2-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    expect(page.locator("#save-status")).to_contain_text("Saved at")  # the notes autosaved
    page.reload()
    page.get_by_test_id("live-panel").get_by_role(
        "button", name="Set the profile to the majority"
    ).click()
    expect(page.get_by_text("Failure handling is split: your choice.")).to_be_visible()
    form = page.locator("#phase-form")
    expect(form.get_by_label("Scheduled (pull)")).to_be_checked()
    expect(form.get_by_label("Batch (file or table)")).to_be_checked()
    expect(form.get_by_label("Retry")).not_to_be_checked()


def test_the_top_risks_become_the_candidates_risks(axe_page, live_server, workshop, room):
    page = axe_page
    olga, dana, bea = room
    phase_go(workshop=workshop, phase=4)
    workflow = whole(workshop)
    titles = ["The run overruns its window", "A store's file goes missing", "Duplicates on retry"]
    proposals = [
        room_services.risk_propose(
            participant=person, workflow=workflow, pattern_slug="batch", title=title
        )
        for person, title in zip(room, titles, strict=True)
    ]
    for person in room:
        room_services.risk_dot_toggle(participant=person, proposal=proposals[2])
    room_services.risk_dot_toggle(participant=olga, proposal=proposals[1])
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/workshops/{workshop.pk}/")
    panel = page.get_by_test_id("live-panel")
    expect(panel.get_by_test_id("live-proposal").first).to_contain_text("Duplicates on retry")
    expect(panel.get_by_test_id("live-proposal").first).to_contain_text("3 dots")
    assert_accessible(page, "console live panel, phase 4")
    screenshot(page, "console-live-phase4")

    panel.get_by_role("button", name="Make the top three Batch processing's risks").click()
    expect(page.get_by_text("now Batch processing's risks")).to_be_visible()
    batch = page.locator('[data-candidate="batch"]').first
    expect(batch.get_by_label("Risk 1: title")).to_have_value("Duplicates on retry")
    expect(batch.get_by_label("Risk 2: title")).to_have_value("A store's file goes missing")
    expect(batch.get_by_label("Risk 2: raised by")).to_have_value("operations")  # Dana's


def test_the_record_shows_consent_and_what_the_room_said(axe_page, live_server, workshop, room):
    page = axe_page
    olga, dana, bea = room
    answer(olga, workshop, ("degraded", "unacceptable", "unacceptable"))
    answer(dana, workshop, ("fine", "fine", "degraded"))
    decision = decide(workshop, workshop.facilitator, status=Decision.Status.PROPOSED)
    room_services.consent_record(
        participant=olga, decision=decision, answer="object", reason="The audit trail is missing"
    )
    room_services.consent_record(participant=dana, decision=decision, answer="agree")
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/decisions/{decision.pk}/")
    expect(page.get_by_test_id("consent")).to_contain_text(
        "Objects Olga (Security): The audit trail is missing"
    )
    expect(page.get_by_test_id("room-said")).to_contain_text("How late may the data be?")
    expect(page.get_by_test_id("accept-warnings")).to_contain_text(
        "Olga (Security) objects: The audit trail is missing."
    )
    assert_accessible(page, "decision record with the room")
    screenshot(page, "record-room")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, "decision record with the room, on a phone")
