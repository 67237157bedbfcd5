"""A facilitator decides a two-part hybrid in a real browser: a reason per part, a reason to
accept despite the warnings, and the record that opens with the parts."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot
from tests.factories import UserFactory
from tests.workshops.hybrids import STAGING_REASON, STREAM_REASON, WHOLE_REASON, split_into_hybrid
from workshops.models import Decision
from workshops.services.teams import team_create
from workshops.services.workshops import workshop_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACCEPT_REASON = "The stream part gets its own prototype next sprint."


@pytest.fixture
def hybrid(catalogue):
    facilitator = UserFactory(username="fiona")
    team = team_create(name="Retail platform", creator=facilitator)
    workshop = workshop_create(
        team=team,
        title="Stock to warehouse and shelves",
        scheduled_at=timezone.now(),
        facilitator=facilitator,
    )
    return split_into_hybrid(workshop)


def test_it_decides_a_hybrid_with_a_reason_per_part_and_shows_the_parts_on_the_record(
    page, live_server, hybrid
):
    workshop = hybrid.workshop
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/workshops/{workshop.pk}/")
    page.get_by_role("link", name="Decide").click()

    expect(page.get_by_test_id("hybrid-explained")).to_contain_text(
        "The whole workflow is the umbrella over its parts"
    )
    expect(page.get_by_label("Pattern for the whole workflow")).to_have_value("batch")
    expect(page.get_by_label("Pattern for Staging load")).to_have_value("batch")
    expect(page.get_by_label("Pattern for Cache stream")).to_have_value("choreography")
    expect(page.get_by_test_id("accept-warnings")).to_contain_text(
        "Part “Cache stream”: Real-time streaming has no risks recorded."
    )

    page.get_by_label("The whole workflow: chosen because…").fill(WHOLE_REASON)
    page.get_by_label("Staging load: chosen because…").fill(STAGING_REASON)
    # Accepting with a part's reason missing and no reason to accept despite the warnings.
    page.get_by_role("button", name="Accept").click()
    stream_reason = page.get_by_label("Cache stream: chosen because…")
    expect(stream_reason).to_have_class("textarea form-control is-invalid")
    expect(page.locator("#div_id_accept_reason")).to_contain_text(
        "Say why you accept despite the warnings above"
    )
    expect(page.get_by_label("Staging load: chosen because…")).to_have_value(STAGING_REASON)
    expect(page.get_by_label("The whole workflow: chosen because…")).to_have_value(WHOLE_REASON)
    assert not Decision.objects.exists()
    screenshot(page, "hybrid-decide-errors")

    stream_reason.press_sequentially(STREAM_REASON, delay=5)
    page.get_by_label("Why accept despite these warnings?").press_sequentially(
        ACCEPT_REASON, delay=5
    )
    page.get_by_role("button", name="Accept").click()

    expect(page.get_by_test_id("status")).to_have_text("Accepted")
    summary = page.get_by_test_id("parts-summary")
    for part, pattern, reason in (
        ("The whole workflow (headline)", "Batch processing", WHOLE_REASON),
        ("Staging load", "Batch processing", STAGING_REASON),
        ("Cache stream", "Event-driven choreography", STREAM_REASON),
    ):
        cells = summary.get_by_role("row", name=part).get_by_role("cell")
        expect(cells).to_have_text([pattern, reason])
    expect(page.get_by_test_id("timeline")).to_contain_text(
        f"Draft → Accepted by fiona: {ACCEPT_REASON}"
    )
    screenshot(page, "hybrid-record")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Decisions").click()
    page.get_by_label("Chosen pattern", exact=True).select_option("choreography")
    results = page.locator("#results")
    expect(results).to_contain_text("Stock to warehouse and shelves")
    expect(results.get_by_test_id("parts")).to_contain_text(
        "Cache stream: Event-driven choreography"
    )
    assert page.console_errors == []
