"""Points Django at a throwaway SQLite database (or the one DATABASE_URL names) and builds it."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections


@dataclass(frozen=True)
class BenchDatabase:
    vendor: str  # "SQLite", "PostgreSQL", as Django names it
    name: str  # the database's name or file, never the URL: that may hold a password
    given: bool  # the caller's DATABASE_URL chose it, so it is not ours to wipe


@contextmanager
def bench_database() -> Iterator[BenchDatabase]:
    """Set Django up on a fresh, migrated database with its cache table; delete it afterwards."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "parsecgo_site.settings"
    given = bool(os.environ.get("DATABASE_URL", "").strip())
    workdir = Path(tempfile.mkdtemp(prefix="parsecgo-bench-"))
    (workdir / "static").mkdir()
    # Time what a deployed server does: production settings (cached template loader, no
    # query log), served over plain HTTP by the in-process client, static files unhashed so
    # that no collectstatic is needed.
    os.environ.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_MANIFEST": "false",
            "STATIC_ROOT": str(workdir / "static"),
        }
    )
    if not given:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    try:
        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        yield BenchDatabase(
            vendor=connection.display_name,
            name=str(connection.settings_dict["NAME"]),
            given=given,
        )
    finally:
        if settings.configured:
            # SQLite keeps the file and its -wal and -shm companions open until closed.
            connections.close_all()
        shutil.rmtree(workdir, ignore_errors=True)
        if not given:
            del os.environ["DATABASE_URL"]
