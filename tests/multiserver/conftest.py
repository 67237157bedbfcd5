"""Two gunicorn app servers on one fresh PostgreSQL database, as deployed behind a balancer."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.load import (
    PostgresUnavailable,
    Room,
    app_servers,
    fresh_database,
    rooms_seed,
    server_environment,
)

ROOMS = 3


@dataclass(frozen=True)
class TwoServers:
    a: str  # base URLs, http://127.0.0.1:<port>
    b: str
    database_url: str
    # Live workshops at phase 2 (the votes), one for each test, the facilitator signed in.
    rooms: tuple[Room, ...]


@pytest.fixture(scope="module")
def two_servers() -> Iterator[TwoServers]:
    """Both servers, one worker each, answering; stopped and the database dropped afterwards.

    Always PostgreSQL, whichever database the suite itself runs on: without it this fails
    under CI (CI=true) and is skipped elsewhere."""
    with ExitStack() as stack:
        try:
            database_url = stack.enter_context(fresh_database("two_servers"))
        except PostgresUnavailable as unavailable:
            if os.environ.get("CI") == "true":
                pytest.fail(str(unavailable))  # CI must run this test, never skip it
            pytest.skip(str(unavailable))
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="parsecgo-2s-")))
        environment = server_environment(database_url, workdir)
        rooms = rooms_seed(
            environment, workshops=ROOMS, participants=0, phase=2, facilitator_sessions=1
        )
        a, b = stack.enter_context(app_servers(environment, count=2, workers=1, log_dir=workdir))
        yield TwoServers(a=a.url, b=b.url, database_url=database_url, rooms=rooms)
