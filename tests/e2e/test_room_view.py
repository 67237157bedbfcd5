"""The projector's room view and joining from a phone, in a real browser: what the room reads
from the back, the clock ticking between polls, people appearing as they join."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_accessibility import BLOCKING, axe_script, axe_violations, describe
from tests.factories import UserFactory
from workshops.models import Participant, Workshop
from workshops.services.room import dimension_vote, participant_join, ready_set, votes_reveal
from workshops.services.teams import team_create, team_member_join
from workshops.services.workflows import workflow_update
from workshops.services.workshops import phase_go, workshop_create, workshop_start

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
__all__ = ["axe_script"]  # the fixture, imported for the accessibility check below


@pytest.fixture
def room(catalogue):
    facilitator = UserFactory(username="fiona")
    team = team_create(name="Ride platform", creator=facilitator)
    team_member_join(team=team, user=UserFactory(username="tariq"))
    from django.utils import timezone

    workshop = workshop_create(
        team=team,
        title="Driver location updates",
        scheduled_at=timezone.now(),
        facilitator=facilitator,
        description="Drivers' phones send their position to dispatch.",
    )
    workflow = workshop.workflows.get()
    workflow_update(workflow=workflow, version=workflow.version, fields={"name": "Locations"})
    workshop_start(workshop=workshop)
    phase_go(workshop=workshop, phase=2)
    people = [
        participant_join(workshop=workshop, name="Ada", role="operations"),
        participant_join(workshop=workshop, name="Bo", role="business"),
        participant_join(workshop=workshop, name="Cy", role="engineering"),
    ]
    votes = {
        "Ada": ("event", "record", "eventual", "retry"),
        "Bo": ("event", "record", "strong", "dead_letter"),
        "Cy": ("scheduled", "record", "eventual", "retry"),
    }
    for person in people:
        for dimension, value in zip(
            ("trigger", "granularity", "consistency", "failure"), votes[person.name], strict=True
        ):
            dimension_vote(participant=person, workflow=workflow, dimension=dimension, value=value)
    # The participants as a request loads them: with the workshop as it is now (phase 2).
    for person in people[:2]:
        ready_set(
            participant=Participant.objects.select_related("workshop").get(pk=person.pk), ready=True
        )
    return Workshop.objects.get(pk=workshop.pk)


def test_the_room_view_reads_from_the_back_and_follows_the_room(page, live_server, room):
    page.set_viewport_size(PROJECTOR)
    log_in(page, live_server, room.facilitator)
    page.goto(f"/workshops/{room.pk}/room/")

    view = page.get_by_test_id("room-view")
    expect(view.get_by_role("heading", level=1)).to_have_text("Driver location updates")
    expect(view).to_contain_text("Phase 2: Map to the four dimensions")
    expect(page.get_by_test_id("room-ready")).to_have_text("2 of 3 ready")
    expect(page.get_by_role("img", name="QR code to join")).to_be_visible()
    code = room.join_code
    expect(page.get_by_test_id("room-code")).to_have_text(f"{code[:3]} {code[3:]}")
    expect(view).to_contain_text(f"{live_server.url.split('://')[1]}/join/")
    # Everyone has voted on everything: the spread shows, with the majority and the split.
    votes = page.get_by_test_id("room-votes")
    expect(votes.locator("[data-dimension=Trigger]")).to_contain_text("Majority")
    expect(votes.locator("[data-dimension=Granularity] .is-majority")).to_contain_text("Record")
    expect(page.locator("[data-dimension=Trigger] .is-majority .rv-vote-count")).to_contain_text(
        "2"
    )
    assert page.get_by_role("button").count() == 0  # no controls
    assert page.get_by_role("navigation").count() == 0

    # The heading is large enough to read from the back of a room.
    size = page.locator(".room-title").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    clock_size = page.locator("[data-clock]").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 56 and clock_size >= 160, (size, clock_size)
    # Nothing spills off the projector's screen sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PROJECTOR["width"]

    # The clock ticks between polls, which answer 304 while nothing changes.
    clock = page.locator("[data-clock]")
    first = clock.inner_text()
    assert re.fullmatch(r"\d\d:\d\d", first), first
    expect(clock).not_to_have_text(first, timeout=3000)
    screenshot(page, "room-view")

    # Someone joins: the room view shows it without a reload.
    participant_join(workshop=room, name="Dee", role="security")
    expect(page.get_by_test_id("room-ready")).to_have_text("2 of 4 ready", timeout=6000)
    # Votes on a revealed workflow stay shown; Dee has not voted yet.
    votes_reveal(workflow=room.workflows.get())
    expect(votes.locator("[data-dimension=Trigger]")).to_contain_text("Majority", timeout=6000)
    assert not page.console_errors, page.console_errors


def test_hidden_votes_say_only_how_many_have_voted(page, live_server, room):
    participant_join(workshop=room, name="Dee", role="security")
    page.set_viewport_size(PROJECTOR)
    log_in(page, live_server, room.facilitator)
    page.goto(f"/workshops/{room.pk}/room/")
    expect(page.get_by_test_id("votes-hidden")).to_have_text("Votes are hidden: 3 of 4 have voted")
    expect(page.locator("[data-dimension]")).to_have_count(0)
    screenshot(page, "room-view-hidden-votes")


def test_joining_from_a_phone_with_the_code(browser, live_server, room):
    phone = browser.new_context(viewport=PHONE, base_url=live_server.url)
    page = phone.new_page()
    try:
        page.goto("/join/")
        page.get_by_label("Join code").fill("nope")
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_text("No workshop has this code")).to_be_visible()
        expect(page.get_by_label("Join code")).to_have_value("nope")  # kept to correct
        page.get_by_label("Join code").fill(room.join_code.lower())
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("heading", name="Driver location updates")).to_be_visible()
        page.get_by_role("button", name="Join the workshop").click()
        expect(page.get_by_text("This field is required.").first).to_be_visible()
        page.get_by_label("Your name").fill("Eve")
        page.get_by_label("Your role").select_option("security")
        page.get_by_label("Spectator: I watch and do not vote").check()
        screenshot(page, "join-phone")
        page.get_by_role("button", name="Join the workshop").click()
        expect(page).to_have_url(re.compile(rf"/live/{room.pk}/$"))
        assert room.participants.get(name="Eve").involvement == "informed"
    finally:
        phone.close()


def test_the_console_card_shows_people_join_and_get_ready(page, live_server, room):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, room.facilitator)
    page.goto(f"/workshops/{room.pk}/")
    card = page.locator("#room-card")
    expect(card.get_by_test_id("room-ready")).to_have_text("2 of 3 ready for phase 2")
    expect(card.get_by_label("Invite link (copy it into the meeting chat)")).to_have_value(
        f"{live_server.url}/join/{room.invite_code}/"
    )
    page.get_by_label("Hand the facilitator role to").select_option(label="tariq")
    dee = participant_join(workshop=room, name="Dee", role="security")
    expect(card.get_by_test_id("joined-person")).to_have_count(4, timeout=6000)
    ready_set(participant=dee, ready=True)
    expect(card.get_by_test_id("room-ready")).to_have_text("3 of 4 ready for phase 2", timeout=6000)
    # The poll never redraws the choice being made.
    expect(page.get_by_label("Hand the facilitator role to")).to_have_value(
        str(room.team.members.get(username="tariq").pk)
    )
    # Pausing the clock with htmx: the card and the console's timer say so.
    card.get_by_role("button", name="Pause the clock").click()
    expect(card.get_by_test_id("clock-paused")).to_be_visible()
    expect(page.get_by_test_id("timer-paused")).to_be_visible()
    screenshot(page, "console-room-card")
    assert not page.console_errors, page.console_errors


def test_the_room_pages_have_no_serious_accessibility_violation(
    browser, live_server, room, axe_script
):
    failures: list[str] = []
    for name, viewport in (("projector", PROJECTOR), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.add_init_script(path=str(axe_script))
        page = context.new_page()
        try:
            for path, signed_in in (
                ("/join/", False),
                (f"/join/{room.invite_code}/", False),
                (f"/workshops/{room.pk}/room/", True),
                (f"/workshops/{room.pk}/", True),
            ):
                if signed_in:
                    log_in(page, live_server, room.facilitator)
                assert page.goto(path).ok
                failures += [
                    describe(f"{name} {path}", violation)
                    for violation in axe_violations(page)
                    if violation["impact"] in BLOCKING
                ]
        finally:
            context.close()
    assert not failures, "\n".join(failures)
