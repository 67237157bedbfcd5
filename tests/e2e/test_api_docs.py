"""The API docs page works in a browser under the site's CSP, from this site alone, and its
"Try it out" reaches the real API."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from patterns.api import EXAMPLE_WORKFLOW
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_lists_the_operations_and_runs_a_match(page, live_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/docs")
    expect(page.get_by_role("heading", name="Parsecgo Workshop API")).to_be_visible()
    for path in ("/api/match", "/api/decisions", "/api/decisions/{decision_id}"):
        expect(page.locator(".opblock-summary-path", has_text=path).first).to_be_visible()

    page.locator(".opblock-summary-path", has_text="/api/match").click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("textarea.body-param__text").fill(json.dumps(EXAMPLE_WORKFLOW))
    page.get_by_role("button", name="Execute").click()
    answer = page.locator(".live-responses-table tr.response .response-col_description")
    expect(answer.first).to_contain_text('"recommended": "choreography"')
    screenshot(page, "api-docs")

    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert outside == [], f"the docs page fetched from elsewhere: {outside}"
    # A blocked script, style or fetch shows as a console error (CSP violations included).
    assert [m.text for m in page.console_errors] == []
