"""A facilitator runs the first phases of a workshop in a real browser."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, saved_with, screenshot
from tests.factories import UserFactory
from tests.workshops.builders import profile
from workshops.models import Workflow
from workshops.services.teams import team_create
from workshops.services.workshops import workshop_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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
    return workshop


def test_it_autosaves_as_the_facilitator_types_and_reranks(page, live_server, workshop):
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/workshops/{workshop.pk}/")
    page.get_by_role("button", name="Start the 30-minute clock").click()
    expect(page.get_by_test_id("timer-summary")).to_contain_text("30 minutes")

    page.get_by_label("Source system").fill("Store POS")
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    page.get_by_label("Maximum acceptable latency").fill("12")
    page.get_by_label("Unit").select_option("hours")
    page.get_by_label("Volume (records)").fill("2340000")
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    page.get_by_label("Delayed by 1 hour?").select_option("unacceptable")
    # The side panel follows every save: the answers now contradict the stated 12 hours.
    expect(page.get_by_test_id("tolerance-warning")).to_be_visible()

    page.get_by_role("button", name="Save and go to phase 2").click()
    expect(page.get_by_role("heading", name="2. Map to the four dimensions")).to_be_visible()
    page.get_by_text("Scheduled (pull)").click()
    page.get_by_text("Batch (file or table)").click()
    page.get_by_text("Strong", exact=True).click()
    page.get_by_text("Retry", exact=True).click()
    ranking = page.locator("#side-panel")
    expect(ranking.locator('[data-pattern="batch"]')).to_contain_text("Recommended")
    screenshot(page, "console-phase-2")

    workflow = Workflow.objects.get(workshop=workshop)
    assert workflow.source_system == "Store POS"
    assert workflow.max_latency_seconds == 12 * 3600
    assert (workflow.trigger, workflow.granularity) == ("scheduled", "batch")
    assert page.console_errors == []


def test_it_shows_a_validation_error_beside_the_field_while_autosaving(page, live_server, workshop):
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/workshops/{workshop.pk}/")
    page.get_by_label("Source system").fill("Kept")
    page.get_by_label("Maximum acceptable latency").fill("-4")
    expect(page.get_by_text("Enter a latency greater than 0.")).to_be_visible()
    expect(page.get_by_label("Source system")).to_have_value("Kept")
    page.get_by_label("Maximum acceptable latency").fill("4")
    expect(page.get_by_text("Enter a latency greater than 0.")).to_be_hidden()
    expect(page.locator("#save-status")).to_contain_text("Saved at")


def test_it_records_an_accepted_decision_and_finds_it_in_the_history(page, live_server, workshop):
    profile(workshop, candidates=["batch"])
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/workshops/{workshop.pk}/")
    page.get_by_role("link", name="Decide").click()
    expect(page.get_by_label("Chosen pattern")).to_have_value("batch")
    page.get_by_label("Chosen because…").fill("the whole table must be complete by morning.")
    # Nothing prototyped and no risk recorded: accepting asks why.
    page.get_by_label("Why accept despite these warnings?").fill("It runs like this today.")
    page.get_by_role("button", name="Accept").click()

    expect(page.get_by_test_id("status")).to_have_text("Accepted")
    expect(page.get_by_test_id("outcome")).to_contain_text(
        "Chosen option: Batch processing, because the whole table must be complete"
    )
    expect(page.get_by_test_id("timeline")).to_contain_text("Draft → Accepted by fiona")
    screenshot(page, "decision-record")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Decisions").click()
    page.get_by_label("Search").fill("inventory")
    expect(page.locator("#results")).to_contain_text("Nightly inventory sync")
    assert page.console_errors == []


def test_the_growth_inputs_typed_in_phase_one_say_when_the_batch_stops_fitting(
    page, live_server, workshop
):
    from workshops.services.workshops import phase_go

    profile(workshop, candidates=[], volume_value=50_000_000)
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/workshops/{workshop.pk}/")
    page.get_by_label("Throughput of one run (records/hour, estimated)").fill("41666667")
    page.get_by_label("Batch window (hours a run may take)").fill("4")
    # The autosave that carries all three has answered (an earlier "Saved at" is the first's).
    last = saved_with(
        "p1-throughput_estimate=41666667",
        "p1-batch_window_hours=4",
        "p1-organisation=autonomous_teams",
    )
    with page.expect_response(last):
        page.get_by_label("How the organisation is structured").select_option("autonomous_teams")
    expect(page.locator("#save-status")).to_contain_text("Saved at")

    phase_go(workshop=workshop, phase=3)
    page.reload()
    growth = page.get_by_test_id("growth-batch")
    expect(growth).to_contain_text("it stops fitting at about 3.3x")
    expect(growth).to_contain_text("Revisit when: volume passes 166.7 M records a day")
    expect(page.locator('.ranking-card[data-pattern="batch"]')).to_contain_text("bottleneck")
    assert page.console_errors == []
