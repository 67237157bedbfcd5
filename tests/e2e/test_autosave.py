"""A facilitator types at human speed right after an error: nothing typed is lost or changed,
in the whole workflow and in a part, moving on with Tab or with a click."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, saved_with, screenshot
from tests.factories import UserFactory
from workshops.models import Workflow
from workshops.services.teams import team_create
from workshops.services.workflows import workflow_split
from workshops.services.workshops import phase_go, workshop_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# About eight keystrokes a second: how people type numbers into a form.
KEY_DELAY_MS = 120


@pytest.fixture
def workshop(catalogue):
    facilitator = UserFactory(username="fiona")
    team = team_create(name="Retail platform", creator=facilitator)
    return workshop_create(
        team=team,
        title="Nightly inventory sync",
        scheduled_at=timezone.now(),
        facilitator=facilitator,
    )


def retype(field, text: str) -> None:
    """Select what the field holds and type `text` over it, key by key."""
    field.click()
    field.press("Control+a")
    field.press_sequentially(text, delay=KEY_DELAY_MS)


@pytest.mark.parametrize("move", ["tab", "click"])
def test_typing_right_after_an_error_keeps_every_keystroke(page, live_server, workshop, move):
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/workshops/{workshop.pk}/")
    status = page.locator("#save-status")
    latency = page.get_by_label("Maximum acceptable latency")
    volume = page.get_by_label("Volume (records)")
    growth = page.get_by_label("Expected growth over three years (×)")

    retype(latency, "-5")
    latency.press("Tab")
    expect(page.get_by_text("Enter a latency greater than 0.")).to_be_visible()
    expect(status).to_contain_text("Not saved — 1 field needs attention")
    expect(latency).to_have_value("-5")  # the refused text stays for the person to fix

    retype(latency, "12")
    typed = page.expect_response(saved_with("p1-volume_value=20000", "p1-growth_factor=3"))
    with typed:
        if move == "tab":
            latency.press("Tab")  # to the unit
            page.keyboard.press("Tab")  # to the volume
            page.keyboard.type("20000", delay=KEY_DELAY_MS)
            page.keyboard.press("Tab")  # to the volume's unit
            page.keyboard.press("Tab")  # to the growth
            page.keyboard.type("3", delay=KEY_DELAY_MS)
        else:
            volume.click()
            page.keyboard.type("20000", delay=KEY_DELAY_MS)
            growth.click()
            page.keyboard.type("3", delay=KEY_DELAY_MS)

    expect(volume).to_have_value("20000")
    expect(growth).to_have_value("3")
    expect(status).to_contain_text("Saved at")
    expect(page.get_by_text("Enter a latency greater than 0.")).to_be_hidden()
    expect(latency).not_to_have_class(re.compile(r"\bis-invalid\b"))
    screenshot(page, f"autosave-after-an-error-{move}")

    page.reload()
    expect(volume).to_have_value("20000")
    expect(growth).to_have_value("3")
    saved = Workflow.objects.get(workshop=workshop)
    assert (saved.latency_value, saved.volume_value, saved.growth_factor) == (12, 20000, 3)
    assert page.console_errors == []


def test_a_part_keeps_what_was_typed_in_it(page, live_server, workshop):
    whole = workshop.workflows.get()
    part, _ = workflow_split(workflow=whole, names=("Load into staging", "Stream to caches"))
    phase_go(workshop=workshop, phase=5)
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/workshops/{workshop.pk}/?part={part.pk}")
    status = page.locator("#save-status")
    p95 = page.get_by_label("Target p95 latency (seconds)")
    throughput = page.get_by_label("Target throughput (records/s)")

    retype(p95, "-1")
    p95.press("Tab")
    expect(page.get_by_text("Enter a value of 0 or more.")).to_be_visible()
    expect(status).to_contain_text("Not saved — 1 field needs attention")
    retype(p95, "0.15")
    throughput.click()
    with page.expect_response(saved_with("p5-target_throughput=1800")):
        page.keyboard.type("1800", delay=KEY_DELAY_MS)
    expect(throughput).to_have_value("1800")
    expect(status).to_contain_text("Saved at")

    page.reload()
    expect(page.get_by_role("link", name="Load into staging")).to_have_attribute(
        "aria-current", "page"
    )
    expect(p95).to_have_value("0.15")
    expect(throughput).to_have_value("1800")
    part.refresh_from_db()
    whole.refresh_from_db()
    assert (part.target_p95_seconds, part.target_throughput) == (0.15, 1800)
    assert (whole.target_p95_seconds, whole.target_throughput) == (None, None)
    assert page.console_errors == []
