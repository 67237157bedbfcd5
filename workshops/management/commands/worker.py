"""`manage.py worker`: the background worker of whichever queue the settings name (the
database's db_worker, or RQ's worker on Redis), so that `make run`, systemd units and
Procfiles start the same command whatever TASKS_BACKEND is."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker that draws PDFs (database queue, or RQ when on Redis)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Work through what is queued, then stop (a cron job, or a test).",
        )

    def handle(self, *, batch: bool, verbosity: int, **options) -> None:
        if settings.TASKS_BACKEND == "redis":
            # django-tasks-rq's job class runs the task as django-tasks defines it.
            call_command(
                "rqworker",
                "default",
                job_class="django_tasks_rq.Job",
                burst=batch,
                verbosity=verbosity,
            )
        else:
            # One job at a time; the drawing itself runs in a child stopped at the limit.
            call_command(
                "db_worker",
                batch=batch,
                reload=False,
                startup_delay=False,
                verbosity=verbosity,
            )
