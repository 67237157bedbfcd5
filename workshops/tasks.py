"""The background worker's jobs: drawing a record's PDF (a decision's or a workshop's draft),
in a child process stopped at PDF_DRAW_TIME_LIMIT, so that no web request waits for it."""

from __future__ import annotations

import logging

from django.conf import settings
from django_tasks import task

from workshops.documents.pdf import decision_pdf_inputs, draft_pdf_inputs
from workshops.documents.time_limit import DrawingFailed, DrawingTooLong, run_with_time_limit
from workshops.models import RecordPdf
from workshops.services.pdfs import (
    record_pdf_drawn,
    record_pdf_failed,
    record_pdf_start,
    record_pdfs_prune,
)

logger = logging.getLogger(__name__)


@task()
def draw_record_pdf(pdf_id: int) -> str:
    """Draw one queued PDF and keep it, or keep why it failed: the job itself always ends
    well, so that the worker goes on with the next one and the page says what happened."""
    pdf = record_pdf_start(pdf_id=pdf_id)
    if pdf is None:
        return "nothing to draw"
    # Read in this process (it holds the database connection); only the drawing runs apart.
    if pdf.decision_id:
        inputs = decision_pdf_inputs(pdf.decision)
    else:
        inputs = draft_pdf_inputs(workshop=pdf.workshop, by=pdf.requested_by)
    try:
        content = run_with_time_limit(inputs.draw, seconds=settings.PDF_DRAW_TIME_LIMIT)
    except DrawingTooLong:
        logger.warning("PDF %s ran past %ss and was stopped.", pdf_id, settings.PDF_DRAW_TIME_LIMIT)
        record_pdf_failed(pdf=pdf, failure=RecordPdf.FailureKind.TOO_LONG)
        return "too long"
    except DrawingFailed as error:
        logger.error("PDF %s could not be drawn: %s", pdf_id, error)
        record_pdf_failed(pdf=pdf, failure=RecordPdf.FailureKind.ERROR)
        return "failed"
    record_pdf_drawn(pdf=pdf, content=content)
    record_pdfs_prune()
    return "drawn"
