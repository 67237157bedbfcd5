"""The real workers, in processes of their own, draw a queued PDF that the page then serves:
the database queue (the embedded default) on either database, and RQ on Redis."""

from __future__ import annotations

import os
from io import BytesIO

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from tests.workers import DATABASE_TASKS, run_worker
from tests.workshops.builders import decide
from workshops.models import RecordPdf


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_draws_a_queued_pdf_and_the_page_serves_it(
    settings, catalogue, facilitator_client, facilitator, workshop
):
    settings.TASKS = DATABASE_TASKS
    decision = decide(workshop, facilitator, rationale="it fits the nightly window.")
    url = reverse("workshops:decision-pdf", kwargs={"decision_id": decision.pk})

    waiting = facilitator_client.get(url)
    assert waiting.status_code == 202
    assert "Drawing the PDF… queued." in waiting.content.decode()
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    done = run_worker()
    assert done.returncode == 0, done.stdout + done.stderr
    assert RecordPdf.objects.get().status == "ready"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

    poll = facilitator_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "The PDF is ready." in poll
    download = facilitator_client.get(url)
    assert download["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(download.content)).pages)
    assert "Chosen option: Batch processing, because it fits the nightly window." in " ".join(
        text.replace("‐\n", "").split()
    )


# Its own Redis database: the queue is emptied before and after.
RQ_REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def rq_queue(settings):
    import django_rq
    import redis

    try:
        redis.Redis.from_url(RQ_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as error:
        message = f"Redis is not reachable at {RQ_REDIS_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI starts Redis: this test must run there
        pytest.skip(message)
    settings.RQ_QUEUES = {"default": {"URL": RQ_REDIS_URL, "DEFAULT_TIMEOUT": 180}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    django_rq.queues.get_redis_connection(settings.RQ_QUEUES["default"]).flushdb()
    yield django_rq.get_queue("default")
    django_rq.queues.get_redis_connection(settings.RQ_QUEUES["default"]).flushdb()


@pytest.mark.django_db(transaction=True)
def test_with_redis_the_rq_worker_draws_the_queued_pdf(
    rq_queue, catalogue, facilitator_client, facilitator, workshop
):
    decision = decide(workshop, facilitator)
    url = reverse("workshops:decision-pdf", kwargs={"decision_id": decision.pk})
    assert facilitator_client.get(url).status_code == 202
    assert rq_queue.count == 1  # handed to Redis once the job's row was committed
    facilitator_client.get(url)
    assert rq_queue.count == 1

    done = run_worker(REDIS_URL=RQ_REDIS_URL)
    assert done.returncode == 0, done.stdout + done.stderr
    assert facilitator_client.get(url)["Content-Type"] == "application/pdf"
