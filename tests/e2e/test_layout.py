"""The console fits a phone and a desktop: measured as a person would notice it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, log_in, screenshot
from tests.e2e.scenario import LONG_RISK_TITLE, workshop_filled
from tests.factories import UserFactory
from workshops.services.teams import team_create
from workshops.services.workshops import phase_go

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
RISK_FIELDS = ("title", "likelihood", "impact", "raised_by", "mitigation")

# The width of `text` in `element`'s font, and the room its content box leaves for text (a
# select keeps its right padding for its arrow).
TEXT_ROOM = """(element, text) => {
    const style = getComputedStyle(element);
    const context = document.createElement('canvas').getContext('2d');
    context.font = style.font;
    const room = element.clientWidth - parseFloat(style.paddingLeft)
        - parseFloat(style.paddingRight);
    return {text: context.measureText(text).width, room: room};
}"""


@pytest.fixture
def workshop(catalogue):
    facilitator = UserFactory(username="fiona")
    team = team_create(name="Ride platform", creator=facilitator)
    return workshop_filled(team=team, by=facilitator)


def open_console(page, live_server, workshop, *, viewport: dict, phase: int) -> None:
    phase_go(workshop=workshop, phase=phase, now=timezone.now())
    page.set_viewport_size(viewport)
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/workshops/{workshop.pk}/")
    expect(page.locator("#phase-title")).to_contain_text(f"{phase}. ")


def picture(locator, name: str) -> None:
    """A picture of one part of the page, beside the full-page screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def risk_field(page, slug: str, rank: int, name: str):
    return page.locator(f"#id_{slug}-risk{rank}_{name}")


def test_on_a_phone_each_risk_is_a_block_of_labelled_fields_inside_the_screen(
    page, live_server, workshop
):
    open_console(page, live_server, workshop, viewport=PHONE, phase=4)
    section = page.locator('[data-candidate="streaming"]')
    screenshot(page, "layout-phone-phase-4")
    picture(section, "layout-phone-risks")

    for rank in (1, 2, 3):
        boxes = {
            name: risk_field(page, "streaming", rank, name).bounding_box() for name in RISK_FIELDS
        }
        for name, box in boxes.items():
            where = f"risk {rank} {name}: {box}"
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], where
            assert box["width"] >= (260 if name in ("title", "mitigation") else 64), where
        # A block: the title on top, the choices under it, the mitigation at the bottom.
        assert boxes["likelihood"]["y"] > boxes["title"]["y"] + boxes["title"]["height"]
        assert boxes["mitigation"]["y"] > boxes["raised_by"]["y"] + boxes["raised_by"]["height"]
        block = section.locator(f"[data-risk='{rank}']")
        expect(block).to_contain_text(f"Risk {rank}")
        for label in ("Title", "Likelihood", "Impact", "Raised by", "Mitigation"):
            expect(block.get_by_text(label, exact=True)).to_be_visible()
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_phone_the_prototype_checks_show_their_verdicts(page, live_server, workshop):
    open_console(page, live_server, workshop, viewport=PHONE, phase=5)
    checks = page.get_by_test_id("validation-checks")
    picture(checks, "layout-phone-checks")
    verdicts = checks.locator("tbody .badge")
    expect(verdicts).to_have_count(3)
    for verdict in verdicts.all():
        box = verdict.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"] - 12, f"a verdict is off screen: {box}"
    region = page.get_by_role("region", name="Validation checks")
    assert region.evaluate("e => e.scrollWidth <= e.clientWidth"), "the checks scroll sideways"


def test_on_a_desktop_risk_titles_and_choices_show_whole(page, live_server, workshop):
    open_console(page, live_server, workshop, viewport=DESKTOP, phase=4)
    section = page.locator('[data-candidate="streaming"]')
    picture(section, "layout-desktop-risks")

    # The table stays a table on a desktop: one row of fields per risk, under column headers.
    expect(section.locator(".risk-table thead")).to_be_visible()
    for header in section.locator(".risk-table thead th:not(.risk-rank)").all():
        lines = header.evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e);"
            " return new Set([...r.getClientRects()].map(rect => rect.top)).size; }"
        )
        assert lines == 1, f"the header “{header.inner_text()}” breaks over {lines} lines"
    title = risk_field(page, "streaming", 3, "title")
    expect(title).to_have_value(LONG_RISK_TITLE)
    shown = title.evaluate(TEXT_ROOM, LONG_RISK_TITLE[:30])
    assert shown["text"] <= shown["room"], f"the title shows less than 30 characters: {shown}"

    for name in ("likelihood", "impact", "raised_by"):
        select = risk_field(page, "streaming", 1, name)
        longest = max(select.locator("option").all_inner_texts(), key=len)
        fit = select.evaluate(TEXT_ROOM, longest)
        assert fit["text"] <= fit["room"], f"{name} cuts “{longest}”: {fit}"

    # One row per risk, its mitigation below on the full width.
    boxes = {name: risk_field(page, "streaming", 1, name).bounding_box() for name in RISK_FIELDS}
    assert len({round(boxes[name]["y"]) for name in RISK_FIELDS[:4]}) == 1, boxes
    assert boxes["mitigation"]["y"] > boxes["title"]["y"] + boxes["title"]["height"]
    assert boxes["mitigation"]["width"] >= 600, boxes["mitigation"]


def test_on_a_desktop_the_five_phases_share_one_row(page, live_server, workshop):
    open_console(page, live_server, workshop, viewport=DESKTOP, phase=1)
    stepper = page.get_by_role("list", name="Phases")
    buttons = stepper.get_by_role("button")
    expect(buttons).to_have_count(5)
    tops = {round(b.bounding_box()["y"]) for b in buttons.all()}
    assert len(tops) == 1, f"the stepper wraps: buttons at {sorted(tops)}"
    # Each step keeps its full name for screen readers, whatever its label shows.
    for title in (
        "Gather requirements",
        "Map to the four dimensions",
        "Match pattern to profile",
        "Analyse trade-offs",
        "Validate with a prototype",
    ):
        expect(stepper.get_by_role("button", name=title)).to_have_count(1)
    expect(stepper.locator("[aria-current=step]")).to_contain_text("1.")


def test_a_step_over_its_budget_says_so_in_words(page, live_server, workshop):
    # Ten minutes in phase 1, budgeted at eight: its red border is not the only sign.
    phase_go(workshop=workshop, phase=2, now=timezone.now() + timedelta(minutes=10))
    open_console(page, live_server, workshop, viewport=DESKTOP, phase=2)
    steps = page.get_by_role("list", name="Phases").get_by_role("button")
    expect(steps.nth(0)).to_contain_text("8 min · over")
    expect(steps.nth(1)).not_to_contain_text("over")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_stepper_stays_inside_the_screen(page, live_server, workshop, viewport):
    open_console(page, live_server, workshop, viewport=viewport, phase=2)
    stepper = page.get_by_role("list", name="Phases")
    picture(stepper, f"layout-{viewport['width']}-stepper-phase-2")
    for button in stepper.get_by_role("button").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_compliance_boxes_look_like_the_other_checkboxes(page, live_server, workshop):
    open_console(page, live_server, workshop, viewport=DESKTOP, phase=1)
    compliance = page.get_by_role("group", name="Compliance")
    picture(compliance, "layout-desktop-compliance")
    gdpr = compliance.get_by_label("GDPR")
    styled = page.get_by_label("A deduplication key or upsert strategy is stated")
    expect(styled).not_to_be_checked()

    look = """e => {
        const s = getComputedStyle(e);
        return [s.width, s.height, s.borderTopColor, s.borderRadius, s.appearance];
    }"""
    assert gdpr.evaluate(look) == styled.evaluate(look)
    box, label = gdpr.bounding_box(), compliance.get_by_text("GDPR").bounding_box()
    assert label["x"] >= box["x"] + box["width"] + 4, "the label touches its box"
    gdpr.check()
    expect(page.locator("#save-status")).to_contain_text("Saved at")
