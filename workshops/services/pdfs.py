"""Record PDFs as the background worker's jobs: asking for a version queues its drawing once;
the worker marks it drawing, then ready or failed; older versions and drafts are pruned."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from workshops.models import Decision, RecordPdf, Workshop

# A draft is for the moment it was printed: kept a day, for the download and a second look.
DRAFT_KEPT = timedelta(days=1)
# A failure is shown until someone tries again, or for a day.
FAILURE_KEPT = timedelta(days=1)
# The page says the worker may not be running once a job has waited this long.
WORKER_AWAITED = timedelta(seconds=30)


def drawing_stalled_after() -> timedelta:
    """A job still "drawing" this long after it started was lost (the worker was stopped
    mid-drawing): its page offers to try again. The child process is killed at the limit."""
    return timedelta(seconds=settings.PDF_DRAW_TIME_LIMIT + 60)


def record_pdf_stalled(pdf: RecordPdf, *, now: datetime) -> bool:
    return (
        pdf.status == RecordPdf.Status.DRAWING
        and pdf.started_at is not None
        and now - pdf.started_at > drawing_stalled_after()
    )


def record_pdf_request(
    *, source_version: str, by, decision: Decision | None = None, workshop: Workshop | None = None
) -> RecordPdf:
    """The PDF of this version as it stands (ready, being drawn, or failed); a version nobody
    asked for yet is queued for the worker: once, however many people ask at the same time."""
    with transaction.atomic():
        pdf, created = RecordPdf.objects.get_or_create(
            source_version=source_version,
            defaults={"decision": decision, "workshop": workshop, "requested_by": by},
        )
        if created:
            _enqueue(pdf)
    return pdf


@transaction.atomic
def record_pdf_retry(*, pdf: RecordPdf, now: datetime | None = None) -> RecordPdf:
    """Queue a failed (or lost) drawing again; a job that is queued or drawing stays as it is."""
    now = now or timezone.now()
    if pdf.status != RecordPdf.Status.FAILED and not record_pdf_stalled(pdf, now=now):
        return pdf
    RecordPdf.objects.filter(pk=pdf.pk).update(
        status=RecordPdf.Status.QUEUED, failure="", requested_at=now, started_at=None
    )
    pdf.refresh_from_db()
    _enqueue(pdf)
    return pdf


def record_pdf_start(*, pdf_id: int) -> RecordPdf | None:
    """Mark a queued job as drawing; None when it is no longer queued (drawn already, pruned,
    or taken by another worker), so that nothing draws it twice."""
    claimed = RecordPdf.objects.filter(pk=pdf_id, status=RecordPdf.Status.QUEUED).update(
        status=RecordPdf.Status.DRAWING, started_at=timezone.now()
    )
    if not claimed:
        return None
    return (
        RecordPdf.objects.select_related("decision", "workshop", "requested_by")
        .defer("content")
        .get(pk=pdf_id)
    )


@transaction.atomic
def record_pdf_drawn(*, pdf: RecordPdf, content: bytes) -> None:
    """Keep the drawing and forget what it replaces: the same record's (or the same person's
    draft's) versions asked for before it."""
    RecordPdf.objects.filter(pk=pdf.pk).update(
        status=RecordPdf.Status.READY, failure="", content=content, drawn_at=timezone.now()
    )
    _replaced_by(pdf).delete()


def record_pdf_failed(*, pdf: RecordPdf, failure: str) -> None:
    RecordPdf.objects.filter(pk=pdf.pk).update(
        status=RecordPdf.Status.FAILED, failure=failure, drawn_at=timezone.now()
    )


@transaction.atomic
def record_pdf_store(*, decision: Decision, source_version: str, content: bytes) -> RecordPdf:
    """Keep a PDF drawn outside the worker (the bench, a management command), in place of an
    older one."""
    stored, _ = RecordPdf.objects.update_or_create(
        source_version=source_version,
        defaults={
            "decision": decision,
            "status": RecordPdf.Status.READY,
            "failure": "",
            "content": content,
            "drawn_at": timezone.now(),
        },
    )
    _replaced_by(stored).delete()
    return stored


def record_pdfs_prune(*, now: datetime | None = None) -> int:
    """Forget old drafts, old failures and jobs lost long ago; a decision's ready PDF stays
    until a newer version replaces it. Returns how many went."""
    now = now or timezone.now()
    deleted, _ = RecordPdf.objects.filter(
        Q(workshop__isnull=False, requested_at__lt=now - DRAFT_KEPT)
        | Q(status=RecordPdf.Status.FAILED, requested_at__lt=now - FAILURE_KEPT)
        | Q(
            status__in=(RecordPdf.Status.QUEUED, RecordPdf.Status.DRAWING),
            requested_at__lt=now - max(DRAFT_KEPT, drawing_stalled_after()),
        )
    ).delete()
    return deleted


def _replaced_by(pdf: RecordPdf):
    subject = (
        Q(decision_id=pdf.decision_id)
        if pdf.decision_id
        else Q(workshop_id=pdf.workshop_id, requested_by_id=pdf.requested_by_id)
    )
    return RecordPdf.objects.filter(subject, requested_at__lte=pdf.requested_at).exclude(pk=pdf.pk)


def _enqueue(pdf: RecordPdf) -> None:
    """Hand the job to the worker. A queue kept in this database takes it in the same
    transaction as the job's row; any other (Redis) gets it once the row is committed, so
    that the worker never looks for a row it cannot see yet."""
    from django_tasks.backends.dummy import DummyBackend
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks_db import DatabaseBackend

    from workshops.tasks import draw_record_pdf

    if not isinstance(
        draw_record_pdf.get_backend(), DatabaseBackend | ImmediateBackend | DummyBackend
    ):
        transaction.on_commit(lambda: draw_record_pdf.enqueue(pdf.pk))
        return
    if draw_record_pdf.enqueue(pdf.pk).is_finished:
        # The tests' immediate backend drew it already: show what it did.
        pdf.refresh_from_db()
