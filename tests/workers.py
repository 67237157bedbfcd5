"""The background worker in a process of its own, on this test run's database: for the tests
that let the real worker draw what a page queued."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A queue that keeps what is enqueued and runs nothing: a PDF asked for stays "drawing", a
# mail stays unsent.
HELD_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def this_database_url() -> str:
    """This test database, as DATABASE_URL, for a process of its own (the data it reads must
    be committed: the tests that use it are transactional)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_worker(**env: str) -> subprocess.CompletedProcess:
    """`manage.py worker` (as `make run` and the deployment guide start it), until the queue
    is empty."""
    return subprocess.run(
        [sys.executable, "manage.py", "worker", "--batch"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DATABASE_URL": this_database_url()} | env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
