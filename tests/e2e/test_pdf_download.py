"""Someone asks for a record's PDF in a real browser: the page follows its drawing by the real
database worker and offers the download once it is ready."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot
from tests.workers import DATABASE_TASKS, run_worker
from tests.workshops.builders import decide

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def decision(catalogue, workshop, facilitator):
    return decide(workshop, facilitator, rationale="it fits the nightly window.")


def test_the_page_follows_the_drawing_and_offers_the_download(
    page, live_server, settings, decision
):
    settings.TASKS = DATABASE_TASKS
    log_in(page, live_server, decision.created_by)
    page.goto(decision.get_absolute_url())
    page.get_by_role("link", name="PDF", exact=True).click()
    progress = page.get_by_test_id("pdf-progress")
    expect(progress).to_contain_text("Drawing the PDF… queued.")
    screenshot(page, "pdf-queued")

    done = run_worker()
    assert done.returncode == 0, done.stdout + done.stderr
    # The page's own poll notices, without a reload.
    download = page.get_by_role("link", name="Download the PDF")
    expect(download).to_be_visible(timeout=15_000)
    screenshot(page, "pdf-ready")
    answer = page.request.get(download.get_attribute("href"))
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")
    assert page.console_errors == []


def test_the_console_follows_its_draft_pdf_in_place(page, live_server, settings, workshop):
    settings.TASKS = DATABASE_TASKS
    log_in(page, live_server, workshop.facilitator)
    page.goto(f"/workshops/{workshop.pk}/")
    page.get_by_test_id("draft-pdf").click()
    expect(page.get_by_test_id("pdf-progress")).to_contain_text("Drawing the PDF… queued.")

    done = run_worker()
    assert done.returncode == 0, done.stdout + done.stderr
    download = page.get_by_role("link", name="Download the PDF")
    expect(download).to_be_visible(timeout=15_000)
    screenshot(page, "console-draft-pdf-ready")
    assert page.url.endswith(f"/workshops/{workshop.pk}/")  # the console stayed
    answer = page.request.get(download.get_attribute("href"))
    assert answer.headers["content-type"] == "application/pdf"
    assert page.console_errors == []
