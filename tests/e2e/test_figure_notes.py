"""A teammate notes on a decided record, in a real browser, that the volume has grown past
what the decision allowed for: the record, the dashboard and the history say it is due."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot
from tests.workshops.builders import OUTGROWN, decide, profile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_noted_volume_past_the_trigger_makes_the_decision_due(
    page, live_server, workshop, facilitator, teammate
):
    profile(workshop, **OUTGROWN)
    decision = decide(workshop, facilitator)
    log_in(page, live_server, teammate)
    page.goto(decision.get_absolute_url())
    expect(page.get_by_test_id("figure-notes")).to_contain_text("None yet.")
    form = page.get_by_test_id("figures-form")
    form.get_by_label("Volume now (records)").fill("-3")
    form.get_by_label("What changed (optional)").fill("Two new regions went live")
    form.get_by_role("button", name="Note the figures").click()
    # Refused beside the field; what was typed is still there.
    expect(page.locator("#div_id_volume_value")).to_contain_text("cannot be negative")
    expect(form.get_by_label("What changed (optional)")).to_have_value("Two new regions went live")
    form.get_by_label("Volume now (records)").fill("180000000")
    form.get_by_role("button", name="Note the figures").click()
    expect(page.get_by_text("They cross a revisit trigger")).to_be_visible()
    due = page.get_by_test_id("review-due-figures")
    expect(due).to_contain_text("volume passes 166.7 M records a day — 180 M records a day")
    expect(page.get_by_test_id("due-badge")).to_have_text("Due for review: noted figures")
    expect(page.get_by_test_id("figure-notes")).to_contain_text("Two new regions went live")
    screenshot(page, "record-due-for-review")

    page.goto("/")
    expect(page.get_by_test_id("due")).to_contain_text(decision.title)
    expect(page.get_by_test_id("due")).to_contain_text("noted figures cross a revisit trigger")
    page.goto("/decisions/?review_due=on")
    expect(page.get_by_test_id("review-due")).to_have_text("Due: noted figures")
    assert page.console_errors == []
