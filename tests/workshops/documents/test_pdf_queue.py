"""PDFs drawn by the background worker: asking queues the drawing once, the page follows it and
offers the download, a failure or a drawing past the limit says what to do, old ones go."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from io import BytesIO
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tasks import default_task_backend
from pypdf import PdfReader

from tests.workers import HELD_TASKS
from tests.workshops.builders import decide
from workshops import tasks
from workshops.documents import pdf as pdf_module
from workshops.documents.time_limit import DrawingFailed, DrawingTooLong, run_with_time_limit
from workshops.models import RecordPdf
from workshops.services.decisions import decision_transition
from workshops.services.pdfs import record_pdfs_prune
from workshops.services.workshops import workshop_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings):
    """A queue that keeps what is enqueued and runs nothing: the worker is `work()`."""
    settings.TASKS = HELD_TASKS
    return default_task_backend


def work() -> list[str]:
    """Run every job the dummy queue holds, as the worker would, and empty it."""
    done = [tasks.draw_record_pdf.call(*result.args) for result in default_task_backend.results]
    default_task_backend.clear()
    return done


def pdf_url(decision) -> str:
    return reverse("workshops:decision-pdf", kwargs={"decision_id": decision.pk})


def retry_url(decision) -> str:
    return reverse("workshops:decision-pdf-retry", kwargs={"decision_id": decision.pk})


def draft_url(workshop) -> str:
    return reverse("workshops:workshop-draft-pdf", kwargs={"workshop_id": workshop.pk})


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def too_slow(**kwargs) -> bytes:
    time.sleep(30)
    return b"%PDF-never"


def broken(**kwargs) -> bytes:
    raise RuntimeError("the print template is broken")


@pytest.fixture
def decision(workshop, facilitator):
    return decide(workshop, facilitator, rationale="it fits the nightly window.")


class TestRecordPdfQueue:
    def test_it_answers_a_page_that_follows_the_drawing_and_queues_it_once(
        self, queued, facilitator_client, teammate, client, decision
    ):
        response = facilitator_client.get(pdf_url(decision))
        assert response.status_code == 202
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert "Drawing the PDF… queued." in page
        assert f'data-hx-get="{pdf_url(decision)}"' in page
        assert "no-cache" in response["Cache-Control"]
        # Asked again (the same person, then a team member) while it waits: no second job.
        facilitator_client.get(pdf_url(decision))
        client.force_login(teammate)
        assert client.get(pdf_url(decision)).status_code == 202
        assert len(queued.results) == 1
        assert RecordPdf.objects.get().status == "queued"

    def test_the_poll_says_drawing_then_offers_the_download(
        self, queued, facilitator_client, decision, django_assert_max_num_queries
    ):
        facilitator_client.get(pdf_url(decision))
        RecordPdf.objects.update(status="drawing", started_at=timezone.now())
        with django_assert_max_num_queries(4):  # session, user, decision, the drawing
            poll = facilitator_client.get(pdf_url(decision), headers={"HX-Request": "true"})
        fragment = poll.content.decode()
        assert "<html" not in fragment
        assert 'data-state="drawing"' in fragment
        assert "Drawing the PDF… drawing." in fragment
        assert 'data-hx-trigger="every 2s"' in fragment
        # While nothing changes, the poll is a cheap 304 (static/js/live.js sends the ETag).
        etag = poll["ETag"]
        assert f'data-etag="{escape(etag)}"' in fragment
        unchanged = facilitator_client.get(
            pdf_url(decision), headers={"HX-Request": "true", "If-None-Match": etag}
        )
        assert unchanged.status_code == 304

        RecordPdf.objects.update(status="queued", started_at=None)  # as the worker found it
        assert work() == ["drawn"]
        with django_assert_max_num_queries(4):
            poll = facilitator_client.get(
                pdf_url(decision), headers={"HX-Request": "true", "If-None-Match": etag}
            )
        fragment = poll.content.decode()
        assert poll.status_code == 200
        assert "The PDF is ready." in fragment
        assert f'href="{pdf_url(decision)}"' in fragment
        assert "data-hx-trigger" not in fragment  # the polling stops
        assert "HX-Request" in poll["Vary"]

        download = facilitator_client.get(pdf_url(decision))
        assert download["Content-Type"] == "application/pdf"
        assert "it fits the nightly window." in pdf_text(download.content)

    def test_a_changed_record_is_drawn_again_and_replaces_the_old_pdf(
        self, queued, facilitator_client, facilitator, decision
    ):
        facilitator_client.get(pdf_url(decision))
        work()
        decision_transition(decision=decision, to_status="deprecated", by=facilitator)
        assert facilitator_client.get(pdf_url(decision)).status_code == 202
        assert work() == ["drawn"]
        assert "Deprecated" in pdf_text(facilitator_client.get(pdf_url(decision)).content)
        assert RecordPdf.objects.count() == 1

    def test_asking_stays_within_its_queries(
        self, queued, facilitator_client, decision, django_assert_max_num_queries
    ):
        # Session, user, decision, the lookup, then the job's row (get_or_create, with its
        # savepoints); the database queue adds its own row.
        with django_assert_max_num_queries(11):
            assert facilitator_client.get(pdf_url(decision)).status_code == 202
        with django_assert_max_num_queries(4):
            assert facilitator_client.get(pdf_url(decision)).status_code == 202

    def test_it_says_when_the_worker_seems_not_to_run(self, queued, facilitator_client, decision):
        facilitator_client.get(pdf_url(decision))
        assert (
            "Still waiting for the worker"
            not in facilitator_client.get(pdf_url(decision)).content.decode()
        )
        RecordPdf.objects.update(requested_at=timezone.now() - timedelta(minutes=2))
        page = facilitator_client.get(pdf_url(decision)).content.decode()
        assert "Still waiting for the worker" in page
        assert "manage.py db_worker" in page

    def test_it_returns_404_to_outsiders(self, queued, outsider_client, decision):
        assert outsider_client.get(pdf_url(decision)).status_code == 404
        assert outsider_client.post(retry_url(decision)).status_code == 404
        assert not RecordPdf.objects.exists()
        assert not queued.results

    def test_the_retry_refuses_get(self, facilitator_client, decision):
        assert facilitator_client.get(retry_url(decision)).status_code == 405


class TestFailures:
    def test_a_drawing_past_the_limit_says_the_record_is_too_long_and_the_worker_goes_on(
        self, queued, settings, facilitator_client, facilitator, decision, team
    ):
        # Long enough for the second record's real drawing on a busy machine (it takes well
        # under a second alone); the first one's would take 30 s.
        settings.PDF_DRAW_TIME_LIMIT = 5
        other = decide(team, facilitator, "Price files")
        facilitator_client.get(pdf_url(decision))
        facilitator_client.get(pdf_url(other))
        drawn = pdf_module.render_record_pdf

        def slow_for_the_first(*, context, export):
            if context["decision"].pk == decision.pk:
                return too_slow()
            return drawn(context=context, export=export)

        with mock.patch.object(pdf_module, "render_record_pdf", side_effect=slow_for_the_first):
            assert work() == ["too long", "drawn"]
        page = facilitator_client.get(pdf_url(decision)).content.decode()
        assert "The record is too long to draw" in page
        assert "within 5 seconds" in page
        assert "Shorten its longest texts" in page
        assert 'data-testid="pdf-retry"' in page
        # The next job was drawn after the one that was stopped.
        assert "Price files" in pdf_text(facilitator_client.get(pdf_url(other)).content)

    def test_a_failed_drawing_offers_to_try_again_and_the_retry_draws_it(
        self, queued, facilitator_client, decision
    ):
        facilitator_client.get(pdf_url(decision))
        with mock.patch.object(pdf_module, "render_record_pdf", side_effect=broken):
            assert work() == ["failed"]
        page = facilitator_client.get(pdf_url(decision)).content.decode()
        assert "The PDF could not be drawn." in page
        assert "data-hx-trigger" not in page  # nothing left to follow
        assert len(queued.results) == 0  # a failure is not queued again by looking at it

        answer = facilitator_client.post(retry_url(decision), headers={"HX-Request": "true"})
        assert answer.status_code == 202
        assert "Drawing the PDF… queued." in answer.content.decode()
        assert work() == ["drawn"]
        assert facilitator_client.get(pdf_url(decision))["Content-Type"] == "application/pdf"

    def test_a_retry_without_javascript_goes_back_to_the_page(
        self, queued, facilitator_client, decision
    ):
        facilitator_client.get(pdf_url(decision))
        with mock.patch.object(pdf_module, "render_record_pdf", side_effect=broken):
            work()
        response = facilitator_client.post(retry_url(decision))
        assert response.status_code == 302
        assert response["Location"] == pdf_url(decision)
        assert RecordPdf.objects.get().status == "queued"

    def test_a_retry_while_it_is_queued_queues_nothing_more(
        self, queued, facilitator_client, decision
    ):
        facilitator_client.get(pdf_url(decision))
        facilitator_client.post(retry_url(decision))
        assert len(queued.results) == 1

    def test_a_drawing_lost_with_its_worker_offers_to_try_again(
        self, queued, facilitator_client, decision
    ):
        facilitator_client.get(pdf_url(decision))
        long_ago = timezone.now() - timedelta(hours=1)
        RecordPdf.objects.update(status="drawing", started_at=long_ago)
        page = facilitator_client.get(pdf_url(decision)).content.decode()
        assert "The drawing stopped before it finished" in page
        assert "data-hx-trigger" not in page
        facilitator_client.post(retry_url(decision))
        assert RecordPdf.objects.get().status == "queued"
        assert len(queued.results) == 2


class TestDraftQueue:
    def test_the_draft_is_queued_followed_and_downloaded(
        self, queued, facilitator_client, workshop
    ):
        response = facilitator_client.get(draft_url(workshop))
        assert response.status_code == 202
        drawing = RecordPdf.objects.get()
        assert drawing.workshop == workshop
        follow = f"{draft_url(workshop)}?drawing={drawing.pk}"
        assert f'data-hx-get="{follow}"' in response.content.decode()
        assert work() == ["drawn"]
        poll = facilitator_client.get(follow, headers={"HX-Request": "true"}).content.decode()
        assert f'href="{follow}"' in poll
        content = facilitator_client.get(follow).content
        assert "DRAFT — not an accepted decision" in pdf_text(content)
        # The same workshop, unchanged: served at once, not drawn again.
        assert facilitator_client.get(draft_url(workshop)).content == content
        assert not queued.results

    @pytest.mark.parametrize("drawing", ["²", "١", "1e3", " 1", "9" * 30, "-1"])
    def test_a_forged_drawing_id_follows_the_workshop_as_it_is(
        self, queued, facilitator_client, workshop, drawing
    ):
        response = facilitator_client.get(draft_url(workshop), {"drawing": drawing})
        assert response.status_code == 202
        assert "Drawing the PDF" in response.content.decode()
        assert RecordPdf.objects.get().workshop == workshop

    def test_the_console_follows_the_draft_in_place(self, queued, facilitator_client, workshop):
        console = facilitator_client.get(
            reverse("workshops:console", kwargs={"workshop_id": workshop.pk})
        ).content.decode()
        assert f'data-hx-get="{draft_url(workshop)}" data-hx-target="#draft-pdf"' in console
        assert f'href="{draft_url(workshop)}"' in console  # and without JavaScript, the page
        panel = facilitator_client.get(draft_url(workshop), headers={"HX-Request": "true"})
        assert panel.status_code == 202
        assert "<html" not in panel.content.decode()
        assert "Drawing the PDF… queued." in panel.content.decode()
        work()
        # Ready: the panel offers the download (asked again, it does not draw again).
        panel = facilitator_client.get(draft_url(workshop), headers={"HX-Request": "true"})
        assert "Download the PDF" in panel.content.decode()
        assert not queued.results

    def test_a_changed_workshop_gets_a_fresh_draft(self, queued, facilitator_client, workshop):
        facilitator_client.get(draft_url(workshop))
        work()
        workshop_update(
            workshop=workshop, version=workshop.version, fields={"title": "Hourly stock sync"}
        )
        assert facilitator_client.get(draft_url(workshop)).status_code == 202
        assert work() == ["drawn"]
        assert "Hourly stock sync" in pdf_text(facilitator_client.get(draft_url(workshop)).content)
        assert RecordPdf.objects.count() == 1  # the older draft went

    def test_each_member_follows_only_their_own_drawing(
        self, queued, facilitator_client, client, teammate, workshop
    ):
        facilitator_client.get(draft_url(workshop))
        theirs = RecordPdf.objects.get()
        client.force_login(teammate)
        answer = client.get(f"{draft_url(workshop)}?drawing={theirs.pk}")
        assert answer.status_code == 202
        assert RecordPdf.objects.count() == 2  # the teammate's own draft, printed by them
        assert RecordPdf.objects.exclude(pk=theirs.pk).get().requested_by == teammate

    def test_it_returns_404_to_outsiders(self, queued, outsider_client, workshop):
        assert outsider_client.get(draft_url(workshop)).status_code == 404
        retry = reverse("workshops:workshop-draft-pdf-retry", kwargs={"workshop_id": workshop.pk})
        assert outsider_client.post(retry).status_code == 404
        assert not RecordPdf.objects.exists()

    def test_the_poll_stays_within_its_queries(
        self, queued, facilitator_client, workshop, django_assert_max_num_queries
    ):
        # The draft's key is what it prints: reading the workshop as the draft would.
        with django_assert_max_num_queries(20):
            facilitator_client.get(draft_url(workshop))
        with django_assert_max_num_queries(14):
            facilitator_client.get(draft_url(workshop))
        follow = f"{draft_url(workshop)}?drawing={RecordPdf.objects.get().pk}"
        with django_assert_max_num_queries(5):  # session, user, workshop, its team, drawing
            poll = facilitator_client.get(follow, headers={"HX-Request": "true"})
        assert 'data-state="queued"' in poll.content.decode()


class TestPruning:
    def test_old_drafts_and_failures_go_and_a_decisions_pdf_stays(
        self, queued, facilitator_client, decision, workshop
    ):
        facilitator_client.get(pdf_url(decision))
        facilitator_client.get(draft_url(workshop))
        work()
        assert RecordPdf.objects.filter(status="ready").count() == 2
        assert record_pdfs_prune(now=timezone.now() + timedelta(hours=2)) == 0
        assert record_pdfs_prune(now=timezone.now() + timedelta(days=2)) == 1
        assert RecordPdf.objects.get().decision == decision


class TestTimeLimit:
    def test_it_gives_what_the_drawing_returns(self):
        assert run_with_time_limit(lambda: b"%PDF-1.7 tiny", seconds=10) == b"%PDF-1.7 tiny"

    def test_it_carries_large_drawings_whole(self):
        big = bytes(range(256)) * 40_000  # 10 MB, far past a pipe's buffer
        assert run_with_time_limit(lambda: big, seconds=30) == big

    def test_it_stops_a_drawing_at_the_limit(self, tmp_path):
        pid_file = tmp_path / "child.pid"

        def endless() -> bytes:
            pid_file.write_text(str(os.getpid()))
            while True:
                time.sleep(0.05)

        with pytest.raises(DrawingTooLong):
            run_with_time_limit(endless, seconds=0.5)
        # The child was killed and reaped, not left running.
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid_file.read_text()), 0)

    def test_it_reports_an_error_in_the_drawing(self):
        with pytest.raises(DrawingFailed, match="the print template is broken"):
            run_with_time_limit(lambda: broken(), seconds=10)
