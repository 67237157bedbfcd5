"""Two gunicorn app servers on one database, as deployed behind a balancer: on a fresh
PostgreSQL database (two_servers), or on one SQLite file (two_servers_on_sqlite)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.load import (
    PostgresUnavailable,
    Room,
    Server,
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
    # The gunicorn processes behind a and b (a test may kill one) and their environment.
    servers: tuple[Server, ...]
    environment: Mapping[str, str]

    def more_rooms(
        self,
        *,
        phase: int,
        participants: int = 0,
        workshops: int = 1,
        facilitator_sessions: int = 1,
        candidates: Sequence[str] = (),
    ) -> tuple[Room, ...]:
        """More live workshops on the same database, for the same facilitator and team."""
        return rooms_seed(
            self.environment,
            workshops=workshops,
            participants=participants,
            phase=phase,
            facilitator_sessions=facilitator_sessions,
            candidates=candidates,
        )

    def server_logs(self) -> str:
        """Everything both servers have logged so far (errors and tracebacks go there)."""
        return "\n".join(
            server.log.read_text(encoding="utf-8", errors="replace") for server in self.servers
        )


@pytest.fixture(scope="module")
def two_servers() -> Iterator[TwoServers]:
    """Both servers, one worker each, answering; stopped and the database dropped afterwards.
    Each test module has its own pair and database (a module may kill a server).

    Always PostgreSQL, whichever database the suite itself runs on: without it this fails
    under CI (CI=true) and is skipped elsewhere."""
    with ExitStack() as stack:
        try:
            database_url = stack.enter_context(fresh_database("two_servers"))
        except PostgresUnavailable as unavailable:
            if os.environ.get("CI") == "true":
                pytest.fail(str(unavailable))  # CI must run this test, never skip it
            pytest.skip(str(unavailable))
        yield _started(stack, database_url, workers=1, threads=1, prefix="parsecgo-2s-")


@pytest.fixture(scope="module")
def two_servers_on_sqlite() -> Iterator[TwoServers]:
    """Two servers, each one process of ten threads, on one SQLite file with the project's
    settings (WAL, IMMEDIATE transactions, a 20 s busy timeout): twenty concurrent writers
    in two processes. Needs nothing but the machine, so it always runs."""
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="parsecgo-lite-")))
        database_url = f"sqlite:///{workdir / 'db.sqlite3'}"
        yield _started(stack, database_url, workers=1, threads=10, workdir=workdir)


def _started(
    stack: ExitStack,
    database_url: str,
    *,
    workers: int,
    threads: int,
    prefix: str = "",
    workdir: Path | None = None,
) -> TwoServers:
    if workdir is None:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix)))
    environment = server_environment(database_url, workdir)
    rooms = rooms_seed(
        environment, workshops=ROOMS, participants=0, phase=2, facilitator_sessions=1
    )
    servers = stack.enter_context(
        app_servers(environment, count=2, workers=workers, threads=threads, log_dir=workdir)
    )
    a, b = servers
    return TwoServers(
        a=a.url,
        b=b.url,
        database_url=database_url,
        rooms=rooms,
        servers=tuple(servers),
        environment=environment,
    )
