"""A participant takes part from a phone in a real browser: joins through /join/, answers,
follows the facilitator's phase without a reload, votes blind, sees the votes once revealed,
proposes risks and puts dots on them."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_accessibility import BLOCKING, axe_script, axe_violations, describe
from tests.factories import UserFactory
from tests.workshops.builders import profile
from workshops.models import DelayResponse, DimensionVote, Participant, RiskDot
from workshops.services.room import (
    dimension_vote,
    participant_join,
    risk_propose,
    votes_reveal,
)
from workshops.services.teams import team_create
from workshops.services.workshops import phase_go, workshop_create, workshop_start

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
__all__ = ["axe_script"]  # the fixture, imported for the accessibility checks below
# A poll every 2 s: what the facilitator does shows within a few seconds.
FOLLOWS = 8_000
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def room(catalogue):
    facilitator = UserFactory(username="fiona")
    team = team_create(name="Retail platform", creator=facilitator)
    workshop = workshop_create(
        team=team,
        title="Nightly inventory sync",
        scheduled_at=timezone.now(),
        facilitator=facilitator,
    )
    profile(workshop, source_system="Store inventory database")
    return workshop_start(workshop=workshop)


@pytest.fixture
def phone(browser, live_server, axe_script):
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True
    )
    # Injected by the browser itself: the page's CSP stays on, as a user gets it.
    context.add_init_script(path=str(axe_script))
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console", lambda message: message.type == "error" and page.console_errors.append(message)
    )
    yield page
    context.close()


def join_from_the_phone(page, workshop, name: str, role: str) -> None:
    page.goto("/join/")
    page.get_by_label("Join code").press_sequentially(workshop.join_code.lower(), delay=20)
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("heading", name=workshop.title)).to_be_visible()
    page.get_by_label("Your name").press_sequentially(name, delay=20)
    page.get_by_label("Your role").select_option(role)
    page.get_by_role("button", name="Join the workshop").click()
    expect(page.get_by_test_id("whoami")).to_have_text(f"You are {name}, {role.title()}")


def choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_text(answer, exact=True).click()


def assert_accessible(page, stop: str) -> None:
    failures = [
        describe(stop, violation)
        for violation in axe_violations(page)
        if violation["impact"] in BLOCKING
    ]
    assert not failures, "\n".join(failures)


def test_a_participant_on_a_phone_follows_the_workshop_and_votes_blind(phone, room):
    page = phone
    join_from_the_phone(page, room, "Dana", "operations")
    dana = Participant.objects.get(name="Dana")
    expect(page.get_by_role("heading", name="1. Gather requirements")).to_be_visible()
    expect(page.get_by_test_id("clock")).to_be_visible()

    choose(page, "What happens if this data is delayed by 10 seconds?", "Fine")
    expect(page.locator("#saved-delay")).to_contain_text("Saved at")
    choose(page, "What happens if this data is delayed by 10 minutes?", "Fine")
    choose(page, "What happens if this data is delayed by 1 hour?", "Degraded")
    expect(page.get_by_role("radio", name="Degraded").nth(2)).to_be_checked()
    page.wait_for_load_state("networkidle")
    answers = DelayResponse.objects.get(participant=dana)
    assert (answers.delay_10s, answers.delay_10m, answers.delay_1h) == ("fine", "fine", "degraded")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page, "participant phase 1")
    screenshot(page, "participant-phone-phase-1")

    # The facilitator moves on: the page follows by itself, without a reload.
    page.evaluate("window.notReloaded = true")
    whole = room.workflows.get()
    zoe = participant_join(workshop=room, name="Zoë", role="business")
    phase_go(workshop=room, phase=2)
    expect(page.get_by_role("heading", name="2. Map to the four dimensions")).to_be_visible(
        timeout=FOLLOWS
    )
    assert page.evaluate("window.notReloaded") is True
    expect(page.get_by_test_id("ready-count")).to_contain_text("0 of 2 ready")

    choose(page, "Trigger", "Scheduled (pull)")
    choose(page, "Granularity", "Batch (file or table)")
    # A reason typed at human speed while the room changes around it: nothing is lost.
    reason = page.get_by_label("Why? (optional, one line) — Granularity")
    reason.press_sequentially("Stores close at ", delay=40)
    dimension_vote(participant=zoe, workflow=whole, dimension="trigger", value="event")
    time.sleep(2.5)  # a poll answers with the room's change meanwhile
    reason.press_sequentially("ten, files are ready", delay=40)
    expect(reason).to_have_value("Stores close at ten, files are ready")
    choose(page, "Consistency", "Strong")
    choose(page, "Failure handling", "Retry")
    expect(page.get_by_test_id("vote-in")).to_have_text("✓ Your vote is in.")
    expect(page.get_by_test_id("votes-hidden")).to_be_visible()
    expect(page.get_by_test_id("majority")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    granularity = DimensionVote.objects.get(participant=dana, dimension="granularity")
    assert granularity.reason == "Stores close at ten, files are ready"

    # Revealed by the facilitator: the spread, the majority, the reasons with their roles.
    votes_reveal(workflow=whole)
    expect(page.get_by_test_id("votes-shown")).to_have_text(
        "The facilitator has revealed the votes.", timeout=FOLLOWS
    )
    expect(page.get_by_test_id("split")).to_have_count(1)  # trigger: scheduled against event
    expect(page.get_by_text("“Stores close at ten, files are ready” — Operations")).to_be_visible()
    expect(reason).to_have_value("Stores close at ten, files are ready")

    page.get_by_role("button", name="I'm ready to move on").click()
    expect(page.get_by_role("button", name="Ready ✓ — undo")).to_be_visible()
    expect(page.get_by_test_id("ready-count")).to_contain_text("1 of 2 ready")
    page.locator("#votes-" + str(whole.pk)).scroll_into_view_if_needed()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page, "participant phase 2, revealed")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "participant-phone")
    assert not page.console_errors, [message.text for message in page.console_errors]


def test_a_participant_proposes_risks_and_spends_their_dots(phone, room):
    page = phone
    phase_go(workshop=room, phase=4)
    join_from_the_phone(page, room, "Sam", "security")
    sam = Participant.objects.get(name="Sam")
    whole = room.workflows.get()
    batch = page.locator(f"#candidate-{whole.pk}-batch")
    expect(batch.get_by_test_id("dots-left")).to_have_text("Dots left: 3 of 3")

    batch.get_by_label("What could go wrong?").press_sequentially("Files arrive late", delay=20)
    batch.get_by_label("How could the team lessen it?").press_sequentially(
        "Alert at 5 am", delay=20
    )
    batch.get_by_role("button", name="Propose this risk").click()
    expect(batch).to_contain_text("✓ Proposed")
    expect(batch.get_by_label("What could go wrong?")).to_have_value("")
    expect(batch.get_by_text("Raised by Security")).to_be_visible()

    # An empty title is refused beside the field.
    batch.get_by_role("button", name="Propose this risk").click()
    expect(batch.get_by_text("Say what could go wrong.")).to_be_visible()

    # Others propose too; the list follows without a reload.
    ada = participant_join(workshop=room, name="Ada", role="engineering")
    for title in ("Disk fills up", "The run overruns", "Late stock counts"):
        risk_propose(participant=ada, workflow=whole, pattern_slug="batch", title=title)
    expect(batch.get_by_text("Late stock counts", exact=True)).to_be_visible(timeout=FOLLOWS)

    for title in ("Files arrive late", "Disk fills up", "The run overruns"):
        batch.get_by_role("button", name=f"Put a dot on: {title}").click()
        expect(batch.get_by_role("button", name=f"Take back my dot from: {title}")).to_be_visible()
    expect(batch.get_by_test_id("dots-left")).to_have_text("Dots left: 0 of 3")
    batch.get_by_role("button", name="Put a dot on: Late stock counts").click()
    expect(batch.get_by_test_id("dot-refused")).to_contain_text("You have placed your 3 dots")
    assert RiskDot.objects.filter(participant=sam).count() == 3

    batch.get_by_role("button", name="Take back my dot from: Disk fills up").click()
    expect(batch.get_by_test_id("dots-left")).to_have_text("Dots left: 1 of 3")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page, "participant phase 4")
    screenshot(page, "participant-phone-risks")
    assert not page.console_errors, [message.text for message in page.console_errors]
