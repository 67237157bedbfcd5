"""A whole workshop with the room taking part, in real browsers: a facilitator on a laptop and
three participants on their own devices (one a phone) go through the five phases, the room
answers, votes blind, proposes risks and spends its dots, signals ready, and its
decision-makers consent to the decision the facilitator proposes and then accepts. Each step
checks what every screen shows; the polls (every 2 s) carry the changes without a reload."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, log_in, screenshot
from tests.factories import UserFactory
from workshops.models import Decision, Workshop
from workshops.services.teams import team_create
from workshops.services.workshops import workshop_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
# A poll every 2 s: what someone else does shows within a few seconds.
FOLLOWS = 8_000

# Stores' stock levels feed the online shop: within 30 seconds, so batch is infeasible; the
# room's profile (event, record, eventual, dead-letter) makes choreography the engine's pick.
REQUIREMENTS = {
    "name": "Stock levels to the shop",
    "description": (
        "Every sale, delivery and stock count in a store changes the quantity the online shop "
        "shows; customers must not buy what the store has just sold."
    ),
    "source_system": "Store inventory database",
    "target_system": "Online shop",
    "data_elements": "Store, SKU, quantity on hand",
    "update_frequency": "With every sale, delivery and stock count",
    "latency_value": 30,
    "latency_unit": "seconds",
    "volume_value": 2_000_000,
    "volume_unit": "day",
    "growth_factor": 3,
    "compliance": [],
    "observability": "medium",
    "skill": "medium",
    "coupling": "loose",
    "consumers": 2,
    "idempotency_key": True,
    "schema_policy": True,
    "security_controls": False,
}
DELAY_QUESTIONS = tuple(
    f"What happens if this data is delayed by {delay}?"
    for delay in ("10 seconds", "10 minutes", "1 hour")
)
DIMENSIONS = ("Trigger", "Granularity", "Consistency", "Failure handling")
# An element's text takes one line (its line boxes all start at the same height).
ON_ONE_LINE = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size === 1;
}"""
OVERSELL = "Overselling during a flash sale"
DUPLICATES = "Duplicate stock events on redelivery"
STALE = "The shop shows a stale quantity when the bus lags"
UNTRACEABLE = "Nobody can trace an event across the services"
OBJECTION = "Overselling in a flash sale is not dealt with yet"


@dataclass
class Person:
    """Someone in the workshop and the browser page they look at."""

    name: str
    page: Page

    def __str__(self) -> str:
        return self.name


@pytest.fixture
def workshop(catalogue) -> Workshop:
    facilitator = UserFactory(username="fiona")
    team = team_create(name="Retail platform", creator=facilitator)
    return workshop_create(
        team=team,
        title="Store stock to the online shop",
        scheduled_at=timezone.now(),
        facilitator=facilitator,
        workflow_fields=REQUIREMENTS,
    )


@pytest.fixture
def open_page(browser, live_server):
    """A new browser (context) for one person, with its own cookies; every page it opens
    keeps the errors its console reports."""
    contexts = []

    def open_(**options) -> Page:
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message),
        )
        return page

    yield open_
    for context in contexts:
        context.close()


def assert_no_console_errors(*people: Person) -> None:
    errors = {
        str(person): [message.text for message in person.page.console_errors]
        for person in people
        if person.page.console_errors
    }
    assert not errors, errors


def join(person: Person, code: str, *, role: str, involvement: str) -> None:
    """Through the real /join/ form: the code typed as read off the screen, then who they are."""
    page = person.page
    page.goto("/join/")
    page.get_by_label("Join code").click()
    page.keyboard.type(code, delay=80)
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_text("You are joining")).to_be_visible()
    page.get_by_label("Your name").click()
    page.keyboard.type(person.name, delay=80)
    page.get_by_label("Your role").select_option(role)
    page.get_by_label(involvement).check()
    page.get_by_role("button", name="Join the workshop").click()
    expect(page.get_by_test_id("whoami")).to_have_text(f"You are {person.name}, {role.title()}")
    page.evaluate("window.notReloaded = true")  # each later phase must arrive without a reload


def choose(person: Person, question: str, answer: str) -> None:
    person.page.get_by_role("group", name=question).get_by_text(answer, exact=True).click()


def answer_delays(person: Person, answers: tuple[str, str, str]) -> None:
    for question, answer in zip(DELAY_QUESTIONS, answers, strict=True):
        choose(person, question, answer)
    expect(person.page.locator("#saved-delay")).to_contain_text("Saved at")


def vote(person: Person, values: tuple[str, str, str, str], reasons=None) -> None:
    reasons = reasons or {}
    for dimension, value in zip(DIMENSIONS, values, strict=True):
        choose(person, dimension, value)
        if dimension in reasons:
            why = person.page.get_by_label(f"Why? (optional, one line) — {dimension}")
            why.press_sequentially(reasons[dimension], delay=20)
            why.press("Tab")  # the change saves it
    expect(person.page.get_by_test_id("vote-in")).to_have_text("✓ Your vote is in.")


def say_ready(person: Person, count: str) -> None:
    person.page.get_by_role("button", name="I'm ready to move on").click()
    expect(person.page.get_by_role("button", name="Ready ✓ — undo")).to_be_visible()
    expect(person.page.get_by_test_id("ready-count")).to_contain_text(count)


def follows_to(people: list[Person], heading: str) -> None:
    """Each participant's page shows the facilitator's new phase by itself."""
    for person in people:
        expect(person.page.get_by_role("heading", name=heading, exact=True)).to_be_visible(
            timeout=FOLLOWS
        )
        assert person.page.evaluate("window.notReloaded") is True, f"{person}'s page reloaded"


def said(listing, term: str):
    """What a description list says for `term` (its <dd> beside the <dt>)."""
    return listing.locator("dt", has_text=re.compile(rf"^{re.escape(term)}$")).locator(
        "xpath=following-sibling::dd[1]"
    )


def step_to(console: Page, number: int) -> None:
    """The console's stepper: the facilitator moves the workshop to phase `number`."""
    console.locator("ol.stepper").get_by_role("button", name=re.compile(rf"^{number}\. ")).click()


def phone_picture(page: Page, name: str) -> None:
    """The README's picture of the phone: who they are, the phase and its clock, the room's
    revealed votes (spread, majority, reasons), and the first of their own vote below them."""

    def top(locator) -> float:
        return locator.bounding_box()["y"] + page.evaluate("window.scrollY")

    start = top(page.locator(".participant-page header"))
    first_choice = page.locator("#phase-area .answer-choice").first
    end = top(first_choice) + first_choice.bounding_box()["height"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / f"{name}.png"),
        full_page=True,
        clip={"x": 0, "y": start - 12, "width": PHONE["width"], "height": end - start + 20},
    )


def propose(person: Person, candidate: str, title: str, mitigation: str = "") -> None:
    panel = person.page.locator(candidate)
    panel.get_by_label("What could go wrong?").press_sequentially(title, delay=10)
    if mitigation:
        panel.get_by_label("How could the team lessen it?").press_sequentially(mitigation, delay=10)
    panel.get_by_role("button", name="Propose this risk").click()
    expect(panel).to_contain_text("✓ Proposed")
    expect(panel.get_by_text(title, exact=True)).to_be_visible()


def dot(person: Person, candidate: str, title: str) -> None:
    panel = person.page.locator(candidate)
    # Someone else's proposal reaches this page with the next poll.
    panel.get_by_role("button", name=f"Put a dot on: {title}").click(timeout=FOLLOWS)
    expect(panel.get_by_role("button", name=f"Take back my dot from: {title}")).to_be_visible()


def test_a_room_runs_a_whole_workshop_from_their_own_devices(open_page, live_server, workshop):
    fiona = Person("Fiona", open_page(viewport=LAPTOP))
    console = fiona.page
    log_in(console, live_server, workshop.facilitator)
    console.goto(f"/workshops/{workshop.pk}/")
    console.get_by_role("button", name="Start the 30-minute clock").click()
    expect(console.get_by_test_id("timer-summary")).to_be_visible()
    card = console.locator("#room-card")
    expect(card.get_by_test_id("room-ready")).to_have_text("Nobody has joined from a device yet")
    code = card.get_by_test_id("join-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{3} [A-Z0-9]{3}", code), code

    # --- joining: the code typed on each device; the console's card lists them as they come
    ada = Person("Ada", open_page(viewport=PHONE, is_mobile=True, has_touch=True))
    bo = Person("Bo", open_page(viewport=LAPTOP))
    cy = Person("Cy", open_page(viewport={"width": 1024, "height": 768}))
    room = [ada, bo, cy]
    decision_maker = "Decision-maker: I vote and consent to the decision"
    join(ada, code, role="operations", involvement=decision_maker)
    join(bo, code, role="business", involvement=decision_maker)
    join(cy, code, role="engineering", involvement="Consulted: I vote")
    joined = card.get_by_test_id("joined-person")
    expect(joined).to_have_count(3, timeout=FOLLOWS)
    expect(joined.nth(0)).to_contain_text("Ada · Operations · Decision-maker")
    expect(joined.nth(1)).to_contain_text("Bo · Business · Decision-maker")
    expect(joined.nth(2)).to_contain_text("Cy · Engineering · Consulted")
    expect(card.get_by_test_id("room-ready")).to_have_text("0 of 3 ready for phase 1")

    # --- phase 1: how late may the data be? Operations and business disagree.
    for person in room:
        expect(person.page.get_by_role("heading", name="1. Gather requirements")).to_be_visible()
        expect(person.page.get_by_test_id("clock")).to_contain_text("Phase 1: Gather requirements")
    answer_delays(ada, ("Fine", "Fine", "Degraded"))
    answer_delays(bo, ("Fine", "Unacceptable", "Unacceptable"))
    answer_delays(cy, ("Fine", "Degraded", "Unacceptable"))
    panel = console.get_by_test_id("live-panel")
    expect(panel.get_by_test_id("live-answered")).to_have_text("3 of 3 answered.", timeout=FOLLOWS)
    roles = panel.get_by_test_id("live-roles")
    # Per role, the answers to 10 seconds, 10 minutes and 1 hour.
    for row in (
        "Operations fine 1 fine 1 degraded 1",
        "Business fine 1 unacceptable 1 unacceptable 1",
        "Engineering fine 1 degraded 1 unacceptable 1",
    ):
        expect(roles.get_by_role("row", name=row)).to_be_visible()
    expect(panel.get_by_test_id("live-disagreement").first).to_contain_text(
        "Operations says a 10-minute delay is fine; Engineering says it is degraded; "
        "Business says it is unacceptable."
    )
    screenshot(console, "room-console-phase-1")
    panel.get_by_role("button", name="Use the room's answers").click()
    expect(console.get_by_text("The room's answers are in:")).to_be_visible()
    expect(console.get_by_label("Delayed by 10 seconds?")).to_have_value("fine")
    expect(console.get_by_label("Delayed by 10 minutes?")).to_have_value("unacceptable")
    expect(console.get_by_label("Delayed by 1 hour?")).to_have_value("unacceptable")
    expect(console.get_by_test_id("live-applied")).to_be_visible()

    say_ready(ada, "1 of 3 ready")
    say_ready(bo, "2 of 3 ready")
    say_ready(cy, "3 of 3 ready")
    expect(card.get_by_test_id("room-ready")).to_have_text(
        "3 of 3 ready for phase 1", timeout=FOLLOWS
    )
    expect(panel.get_by_test_id("live-ready")).to_have_text("3 of 3 ready")
    # Everyone is ready: the move needs no confirmation.
    console.get_by_role("button", name="Save and go to phase 2").click()
    expect(console.locator("#phase-title")).to_have_text("2. Map to the four dimensions")
    assert_no_console_errors(fiona, *room)

    # --- phase 2: the pages follow by themselves; two vote, the third not yet: hidden for all
    follows_to(room, "2. Map to the four dimensions")
    for person in room:
        expect(person.page.get_by_test_id("ready-count")).to_contain_text("0 of 3 ready")
    vote(
        ada,
        ("Event (push)", "Record (message or event)", "Eventual", "Dead-letter"),
        {"Failure handling": "A count that keeps failing must not hold up the others"},
    )
    vote(
        bo,
        ("Event (push)", "Record (message or event)", "Eventual", "Dead-letter"),
        {"Trigger": "Customers must see a sale at once"},
    )
    for person in room:
        results = person.page.get_by_test_id("vote-results")
        expect(results.get_by_test_id("votes-hidden")).to_be_visible()
        expect(results).to_contain_text("2 of 3 have voted on every dimension.", timeout=FOLLOWS)
        expect(results.get_by_test_id("majority")).to_have_count(0)
        expect(results).not_to_contain_text("Customers must see a sale at once")
    hidden = panel.get_by_test_id("live-votes-hidden")
    expect(hidden).to_contain_text("Trigger: 2 of 3 have voted", timeout=FOLLOWS)
    expect(hidden).to_contain_text("Failure handling: 2 of 3 have voted")
    expect(panel.get_by_test_id("live-votes")).to_have_count(0)
    expect(panel).not_to_contain_text("Customers must see a sale at once")

    # Moving on while nobody has said they are ready asks first; the facilitator stays.
    step_to(console, 3)
    question = console.get_by_test_id("confirm-advance")
    expect(question.get_by_role("heading")).to_have_text("0 of 3 are ready")
    expect(question).to_contain_text("Move to phase 3 anyway?")
    question.get_by_role("link", name="Stay in phase 2").click()
    expect(console.locator("#phase-title")).to_have_text("2. Map to the four dimensions")
    expect(ada.page.get_by_role("heading", name="2. Map to the four dimensions")).to_be_visible()

    # The facilitator reveals: every participant sees the spread and the reasons.
    panel.get_by_role("button", name="Reveal the votes").click()
    expect(panel.get_by_test_id("live-votes")).to_contain_text("majority: Event (push)")
    expect(panel).to_contain_text("“Customers must see a sale at once” — Bo (Business)")
    for person in room:
        results = person.page.get_by_test_id("vote-results")
        expect(results.get_by_test_id("votes-shown")).to_have_text(
            "The facilitator has revealed the votes.", timeout=FOLLOWS
        )
        expect(results.get_by_test_id("majority").first).to_have_text("Majority: Event (push)")
        expect(results).to_contain_text("Dead-letter: “A count that keeps failing must not")
        expect(results).to_contain_text("“Customers must see a sale at once” — Business")
    # The third votes after the reveal: the spread moves on everyone's screen.
    vote(cy, ("Scheduled (pull)", "Record (message or event)", "Eventual", "Retry"))
    for person in (ada, bo):
        trigger = person.page.get_by_test_id("vote-results").locator(".vote-result").first
        expect(trigger.get_by_label("Scheduled (pull): 1 of 3 votes")).to_be_visible(
            timeout=FOLLOWS
        )
    expect(panel.get_by_label("Scheduled (pull): 1 of 3 votes")).to_be_visible()
    screenshot(ada.page, "room-participant-phone-phase-2")
    phone_picture(ada.page, "room-participant-phone-readme")

    projector = Person("the projector", open_page(viewport=PROJECTOR))
    log_in(projector.page, live_server, workshop.facilitator)
    projector.page.goto(f"/workshops/{workshop.pk}/room/")
    view = projector.page.get_by_test_id("room-view")
    expect(view).to_contain_text("Phase 2: Map to the four dimensions")
    expect(projector.page.get_by_test_id("room-code")).to_have_text(code)
    expect(projector.page.get_by_test_id("room-ready")).to_have_text("0 of 3 ready")
    votes = projector.page.get_by_test_id("room-votes")
    trigger = votes.locator("[data-dimension=Trigger]")
    expect(trigger).to_contain_text("Majority")
    expect(trigger.locator(".is-majority")).to_have_text("Event 2 votes")
    expect(trigger.locator(".rv-vote-value").first).to_have_text("Scheduled 1 vote")
    expect(votes.locator("[data-dimension='Failure handling'] .is-majority")).to_have_text(
        "Dead-letter 2 votes"
    )
    panel.get_by_role("button", name="Set the profile to the majority").click()
    expect(console.get_by_text("The profile follows the room's majority.")).to_be_visible()
    form = console.locator("#phase-form")
    expect(form.get_by_label("Event (push)")).to_be_checked()
    expect(form.get_by_label("Record (message or event)")).to_be_checked()
    expect(form.get_by_label("Eventual")).to_be_checked()
    expect(form.get_by_label("Dead-letter")).to_be_checked()
    ranking = console.get_by_role("complementary", name="Profile and live ranking")
    expect(ranking.locator("[data-pattern=choreography]")).to_contain_text("Recommended")

    say_ready(ada, "1 of 3 ready")
    say_ready(bo, "2 of 3 ready")
    # The projector follows the room by itself too.
    expect(projector.page.get_by_test_id("room-ready")).to_have_text(
        "2 of 3 ready", timeout=FOLLOWS
    )
    expect(trigger.locator(".is-majority")).to_have_text("Event 2 votes")
    screenshot(projector.page, "room-view-revealed")
    assert_no_console_errors(projector)
    projector.page.context.close()
    say_ready(cy, "3 of 3 ready")
    expect(card.get_by_test_id("room-ready")).to_have_text(
        "3 of 3 ready for phase 2", timeout=FOLLOWS
    )
    step_to(console, 3)
    expect(console.locator("#phase-title")).to_have_text("3. Match pattern to profile")
    assert_no_console_errors(fiona, *room)

    # --- phase 3: the engine's pick comes preselected; the facilitator adds a second candidate
    follows_to(room, "3. Match pattern to profile")
    profile = ada.page.locator(".room-profile")
    expect(said(profile, "Trigger")).to_have_text("Event (push)")
    expect(said(profile, "Failure handling")).to_have_text("Dead-letter")
    expect(ada.page.get_by_test_id("candidates")).to_have_text("None picked yet.")
    choreography = console.locator("#phase-form [data-pattern=choreography]")
    expect(choreography).to_contain_text("Recommended")
    expect(choreography.get_by_role("checkbox")).to_be_checked()
    console.locator("#phase-form [data-pattern=streaming]").get_by_role("checkbox").check()
    expect(console.locator("#save-status")).to_contain_text("Saved at")
    for person in room:
        candidates = person.page.get_by_test_id("candidates")
        expect(candidates).to_contain_text("Event-driven choreography", timeout=FOLLOWS)
        expect(candidates).to_contain_text("Real-time streaming")
    step_to(console, 4)
    question = console.get_by_test_id("confirm-advance")
    expect(question.get_by_role("heading")).to_have_text("0 of 3 are ready")
    question.get_by_role("button", name="Move to phase 4").click()
    expect(console.locator("#phase-title")).to_have_text("4. Analyse trade-offs")
    assert_no_console_errors(fiona, *room)

    # --- phase 4: risks proposed from the devices, three dots each per candidate
    follows_to(room, "4. Analyse trade-offs")
    whole = workshop.workflows.get()
    candidate = f"#candidate-{whole.pk}-choreography"
    for person in room:
        expect(person.page.locator(f"#candidate-{whole.pk}-streaming")).to_be_visible()
        expect(person.page.locator(candidate).get_by_test_id("dots-left")).to_have_text(
            "Dots left: 3 of 3"
        )
    bo.page.locator(candidate).get_by_role("button", name="Propose this risk").click()
    expect(bo.page.locator(candidate).get_by_text("Say what could go wrong.")).to_be_visible()
    propose(bo, candidate, OVERSELL, "Hold the last two items back from the shop")
    propose(cy, candidate, DUPLICATES, "Upsert by store and SKU")
    propose(ada, candidate, STALE, "Alert when the lag passes 30 seconds")
    propose(cy, candidate, UNTRACEABLE)
    for title in (OVERSELL, DUPLICATES, STALE):
        dot(ada, candidate, title)
    expect(ada.page.locator(candidate).get_by_test_id("dots-left")).to_have_text(
        "Dots left: 0 of 3"
    )
    ada.page.locator(candidate).get_by_role("button", name=f"Put a dot on: {UNTRACEABLE}").click()
    expect(ada.page.locator(candidate).get_by_test_id("dot-refused")).to_contain_text(
        "You have placed your 3 dots for this candidate; take one back to move it."
    )
    for title in (OVERSELL, DUPLICATES):
        dot(bo, candidate, title)
    dot(cy, candidate, OVERSELL)
    expect(cy.page.locator(candidate).get_by_text("Raised by Business · ●●● 3 dots")).to_be_visible(
        timeout=FOLLOWS
    )

    proposals = panel.get_by_test_id("live-proposal")
    expect(proposals).to_have_count(4, timeout=FOLLOWS)
    expect(proposals.nth(0)).to_contain_text(OVERSELL)
    expect(proposals.nth(0)).to_contain_text("Raised by Business (Bo)")
    expect(proposals.nth(0)).to_contain_text("3 dots")
    expect(proposals.nth(1)).to_contain_text("2 dots")
    panel.get_by_role("button", name="Make the top three Event-driven choreography's risks").click()
    expect(console.get_by_text("now Event-driven choreography's risks")).to_be_visible()
    tradeoff = console.locator("#phase-form [data-candidate=choreography]")
    for rank, (title, raised_by) in enumerate(
        ((OVERSELL, "business"), (DUPLICATES, "engineering"), (STALE, "operations")), 1
    ):
        expect(tradeoff.get_by_label(f"Risk {rank}: title")).to_have_value(title)
        expect(tradeoff.get_by_label(f"Risk {rank}: raised by")).to_have_value(raised_by)
    expect(tradeoff.get_by_label("Risk 3: mitigation")).to_have_value(
        "Alert when the lag passes 30 seconds"
    )
    step_to(console, 5)
    console.get_by_test_id("confirm-advance").get_by_role("button", name="Move to phase 5").click()
    expect(console.locator("#phase-title")).to_have_text("5. Validate with a prototype")
    assert_no_console_errors(fiona, *room)

    # --- phase 5: the facilitator enters the plan; the room sees its targets and is ready
    follows_to(room, "5. Validate with a prototype")
    expect(ada.page.get_by_text("The facilitator has not set the targets yet.")).to_be_visible()
    console.get_by_label("Data subset for the prototype").fill("One store's sales for a day")
    console.get_by_label("Target p95 latency (seconds)").fill("5")
    console.get_by_label("Target throughput (records/s)").fill("50")
    console.get_by_label("Acceptable error rate (%)").fill("0.1")
    expect(console.locator("#save-status")).to_contain_text("Saved at")
    for person in room:
        targets = person.page.get_by_test_id("targets")
        expect(said(targets, "p95 latency")).to_have_text("5 s or less", timeout=FOLLOWS)
        expect(said(targets, "Throughput")).to_have_text("50 records/s or more")
        expect(said(targets, "Error rate")).to_have_text("0.1 % or less")
    say_ready(ada, "1 of 3 ready")
    say_ready(bo, "2 of 3 ready")
    say_ready(cy, "3 of 3 ready")
    expect(card.get_by_test_id("room-ready")).to_have_text(
        "3 of 3 ready for phase 5", timeout=FOLLOWS
    )
    assert_no_console_errors(fiona, *room)

    # --- decide: the facilitator proposes; the decision-makers consent from their devices
    console.get_by_role("link", name="Decide", exact=True).click()
    expect(console.get_by_label("Chosen pattern")).to_have_value("choreography")
    console.get_by_label("Chosen because…").fill(
        "every stock change reaches the shop within seconds, and a count that keeps failing "
        "waits in a dead-letter queue instead of holding up the others"
    )
    console.get_by_role("button", name="Propose", exact=True).click()
    expect(console.get_by_text("Decision saved as proposed.")).to_be_visible()
    expect(console.get_by_test_id("status")).to_have_text("Proposed")
    decision = Decision.objects.get(workshop=workshop)

    for person in room:
        proposal = person.page.get_by_test_id("proposal")
        expect(proposal).to_contain_text(
            "Chosen option: Event-driven choreography", timeout=FOLLOWS
        )
        expect(proposal.get_by_test_id("consent-count")).to_have_text(
            "0 of 2 decision-makers answered."
        )
    # On the phone the three answers sit side by side, each word whole.
    for answer in ("Agree", "Abstain", "Object"):
        button = ada.page.get_by_role("button", name=answer, exact=True)
        assert button.evaluate(ON_ONE_LINE), f"“{answer}” breaks across lines on a phone"
    ada.page.get_by_role("button", name="Agree", exact=True).click()
    expect(ada.page.get_by_test_id("my-consent")).to_have_text("Your answer: Agree")
    expect(ada.page.locator("#consent-form")).to_contain_text("✓ Recorded at")
    # An objection needs its reason: refused beside the field, then given.
    bo.page.get_by_role("button", name="Object", exact=True).click()
    expect(
        bo.page.get_by_text("Say why you object, so that the group can answer it.")
    ).to_be_visible()
    bo.page.get_by_label("Your reason (needed to object)").press_sequentially(OBJECTION, delay=20)
    bo.page.get_by_role("button", name="Object", exact=True).click()
    expect(bo.page.get_by_test_id("my-consent")).to_have_text(
        f"Your answer: Object — “{OBJECTION}”"
    )
    cy_proposal = cy.page.get_by_test_id("proposal")
    expect(cy_proposal).to_contain_text(
        "Proposed: the decision-makers are recording their consent."
    )
    expect(cy_proposal.get_by_role("button")).to_have_count(0)
    expect(cy_proposal.get_by_test_id("consent-count")).to_have_text(
        "2 of 2 decision-makers answered: 1 agree, 1 object.", timeout=FOLLOWS
    )
    expect(ada.page.get_by_test_id("consent-count")).to_have_text(
        "2 of 2 decision-makers answered: 1 agree, 1 object.", timeout=FOLLOWS
    )
    screenshot(ada.page, "room-participant-phone-consent")
    screenshot(cy.page, "room-consulted-proposal")

    # The record shows who consented to what; accepting over Bo's objection asks why.
    console.reload()
    consent = console.get_by_test_id("consent")
    expect(consent).to_contain_text("Agrees Ada (Operations)")
    expect(consent).to_contain_text(f"Objects Bo (Business): {OBJECTION}")
    expect(console.get_by_test_id("accept-warnings")).to_contain_text(
        f"Bo (Business) objects: {OBJECTION}"
    )
    console.get_by_label("New status").select_option("accepted")
    console.get_by_role("button", name="Change status").click()
    expect(
        console.get_by_text("Say why you accept despite the warnings above: the timeline keeps it.")
    ).to_be_visible()
    expect(console.get_by_label("New status")).to_have_value("accepted")
    reason = "Bo's oversell risk is the first one mitigated, before go-live"
    console.get_by_label("Note (to accept: why, despite the warnings)").press_sequentially(
        reason, delay=10
    )
    console.get_by_role("button", name="Change status").click()
    expect(console.get_by_text("Status changed.")).to_be_visible()
    expect(console.get_by_test_id("status")).to_have_text("Accepted")
    expect(console.get_by_test_id("timeline")).to_contain_text(f"Accepted by fiona: {reason}")
    expect(console.get_by_test_id("consent")).to_contain_text(f"Objects Bo (Business): {OBJECTION}")

    for person in room:
        decided = person.page.get_by_test_id("decided")
        expect(decided).to_contain_text("This workshop is decided", timeout=FOLLOWS)
        expect(decided).to_contain_text("Chosen pattern: Event-driven choreography")
        expect(person.page.get_by_role("button", name="I'm ready to move on")).to_have_count(0)

    screenshot(console, "room-record-accepted")
    screenshot(ada.page, "room-participant-phone-decided")
    markdown = console.request.get(f"/decisions/{decision.pk}.md")
    assert markdown.ok, markdown.status
    text = markdown.text()
    assert 'decision-makers: "Ada (Operations), Bo (Business)"' in text, text[:400]
    assert 'consulted: "Cy (Engineering)"' in text, text[:400]
    consent_section = text.split("## Consent\n", 1)[1].split("\n## ", 1)[0]
    assert "* Ada (Operations) agrees." in consent_section, consent_section
    assert f"* Bo (Business) objects: {OBJECTION}" in consent_section, consent_section
    assert_no_console_errors(fiona, *room)
