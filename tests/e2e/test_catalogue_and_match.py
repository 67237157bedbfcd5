"""A user browses the catalogue and ranks patterns for a workflow, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_reranks_as_the_user_changes_the_profile(page):
    page.goto("/patterns/match/")
    recommended = page.locator(".ranking-card.recommended h2")
    expect(recommended).to_contain_text("Batch processing")

    # A ride-sharing location feed: events, single records, eventual, retried, within 1 s.
    page.get_by_label("Event (push)").check()
    page.get_by_label("Record (message or event)").check()
    page.get_by_label("Eventual").check()
    page.get_by_label("Maximum acceptable latency").fill("1")
    page.get_by_label("Unit").select_option("seconds")

    expect(recommended).to_contain_text("Real-time streaming")
    batch = page.locator('[data-pattern="batch"]')
    expect(batch).to_contain_text("Infeasible")
    expect(batch).to_contain_text("cannot deliver faster than 1 minute")
    # htmx swapped the results in place and kept the address shareable.
    assert "trigger=event" in page.url
    assert page.locator("#results").count() == 1
    screenshot(page, "quick-match-streaming")
    assert page.console_errors == []  # no CSP violation, no script error


def test_it_shows_an_error_beside_the_field_without_losing_input(page):
    page.goto("/patterns/match/")
    page.get_by_label("Volume (records)").fill("-10")
    page.get_by_label("Expected growth over three years (×)").fill("4")
    page.get_by_role("button", name="Rank patterns").click()
    expect(page.locator("#error_1_id_volume")).to_contain_text("Must be at least 0")
    expect(page.get_by_label("Expected growth over three years (×)")).to_have_value("4")
    expect(page.get_by_label("Volume (records)")).to_have_value("-10")


def test_it_walks_from_the_home_page_to_a_pattern(page):
    page.goto("/")
    page.get_by_role("link", name="Patterns", exact=True).click()
    expect(page).to_have_url(re.compile(r"/patterns/$"))
    expect(page.get_by_role("table")).to_contain_text("Kafka")
    screenshot(page, "catalogue")
    page.get_by_role("link", name="Event-driven choreography").first.click()
    expect(page.get_by_role("heading", name="How it grows")).to_be_visible()
    expect(page.locator("body")).to_contain_text("schema registry")
    page.get_by_role("link", name="Guide", exact=True).click()
    expect(page.get_by_role("heading", name="The Parsecgo method")).to_be_visible()
    assert page.console_errors == []


def test_it_works_on_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/patterns/match/")
    # The navigation folds behind the toggler without JavaScript.
    expect(page.get_by_role("link", name="Guide", exact=True)).to_be_hidden()
    page.locator("label.navbar-toggler").click()
    expect(page.get_by_role("link", name="Guide", exact=True)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "quick-match-phone")
