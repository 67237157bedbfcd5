"""A team grows by invitation, in a real browser: a member makes a link on the team's page,
a newcomer opens it in another browser, signs up (after a typo, kept input) and is in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot
from tests.factories import UserFactory
from workshops.services.teams import team_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_joins_through_a_link_a_member_made(page, browser, live_server):
    fiona = UserFactory(username="fiona")
    team = team_create(name="Platform", creator=fiona)
    log_in(page, live_server, fiona)
    page.goto(team.get_absolute_url())
    page.get_by_label("Note (optional)").fill("For Nadia")
    page.get_by_role("button", name="Create invitation link").click()
    link = page.get_by_label("Invitation link").input_value()
    assert link.startswith(f"{live_server.url}/invitations/")
    expect(page.get_by_test_id("invitations")).to_contain_text("For Nadia")
    screenshot(page, "invitation-created")

    newcomer = browser.new_context(base_url=live_server.url).new_page()
    try:
        newcomer.goto(link)
        expect(newcomer.get_by_role("heading", name="Join Platform")).to_be_visible()
        newcomer.get_by_label("Username").press_sequentially("nadia", delay=30)
        newcomer.get_by_label("Email").press_sequentially("nadia@example.org", delay=30)
        newcomer.locator("#id_password1").fill("a long and unusual phrase")
        newcomer.get_by_label("Password confirmation").fill("a long and unusual phrse")
        newcomer.get_by_role("button", name="Create account and join").click()
        expect(newcomer.locator("#error_1_id_password2")).to_contain_text("didn’t match")
        expect(newcomer.get_by_label("Username")).to_have_value("nadia")
        expect(newcomer.get_by_label("Email")).to_have_value("nadia@example.org")
        screenshot(newcomer, "invitation-sign-up-error")
        newcomer.locator("#id_password1").fill("a long and unusual phrase")
        newcomer.get_by_label("Password confirmation").fill("a long and unusual phrase")
        newcomer.get_by_role("button", name="Create account and join").click()
        expect(newcomer.get_by_text("Welcome to Platform.")).to_be_visible()
        expect(newcomer.get_by_test_id("members")).to_contain_text("nadia")

        # The link was for one person: opened again, it says so.
        newcomer.context.clear_cookies()
        answer = newcomer.goto(link)
        assert answer.status == 410
        expect(
            newcomer.get_by_role("heading", name="This invitation has been used")
        ).to_be_visible()
    finally:
        newcomer.context.close()
    page.goto(team.get_absolute_url())
    expect(page.get_by_test_id("members")).to_contain_text("nadia")
    expect(page.get_by_test_id("invitations")).to_contain_text("No open invitation.")
