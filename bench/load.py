"""App servers on a fresh PostgreSQL database, and the load run that drives one with locust.

Two users of the same machinery: the two-server test (tests/multiserver/) starts two gunicorn
processes on one database and checks that they behave as one; `make bench` starts one with
two workers and runs 50 simulated participants and a facilitator against it
(bench/locustfile.py). Everything runs on loopback, in bounded time, and whatever this module
starts it stops again: the servers, locust, the database.

    python -m bench.load                  # the load run alone (make bench-load)
    python -m bench.load --redis-url redis://127.0.0.1:6379/14
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, closing, contextmanager, suppress
from dataclasses import dataclass, field
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TextIO
from urllib.parse import urlencode, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# Every wait here is bounded: nothing this module starts may hang a test run or `make bench`.
CONNECT_TIMEOUT_S = 5
SEED_TIMEOUT_S = 120
SERVER_START_TIMEOUT_S = 30
SERVER_STOP_TIMEOUT_S = 5
REQUEST_TIMEOUT_S = 15


# --- PostgreSQL ---------------------------------------------------------------------------


class PostgresUnavailable(Exception):
    """No PostgreSQL server answers at the admin URL."""


def postgres_admin_url() -> str:
    """Where to create throwaway databases: CI_POSTGRES_URL (CI's server) or the local one."""
    return os.environ.get("CI_POSTGRES_URL", "").strip() or DEFAULT_ADMIN_URL


def _url_with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _admin_connection(admin_url: str):
    import psycopg

    # The URL may name a database that does not exist yet (CI names the suite's, which
    # pytest-django makes); any database of the server will do to create another.
    last_error: Exception | None = None
    for url in (admin_url, _url_with_database(admin_url, "postgres")):
        try:
            return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.OperationalError as error:
            last_error = error
    where = urlsplit(admin_url)
    raise PostgresUnavailable(
        f"PostgreSQL does not answer at {where.hostname}:{where.port or 5432} "
        f"(CI_POSTGRES_URL or {DEFAULT_ADMIN_URL}): {str(last_error).strip()}"
    )


@contextmanager
def fresh_database(purpose: str, *, admin_url: str | None = None) -> Iterator[str]:
    """A new, empty PostgreSQL database for `purpose`; yields its URL and drops it afterwards
    (closing whatever connections are still open to it)."""
    admin_url = admin_url or postgres_admin_url()
    name = f"parsecgo_{purpose}_{os.getpid()}_{secrets.token_hex(3)}"
    with _admin_connection(admin_url) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _url_with_database(admin_url, name)
    finally:
        with _admin_connection(admin_url) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_rows(database_url: str, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
    """What a query reads from the database at `database_url` (the tests check the rows):
    PostgreSQL, or a SQLite file (sqlite:////abs/path); `sql` marks its parameters %s."""
    if database_url.startswith("sqlite:"):
        import sqlite3

        path = urlsplit(database_url).path
        path = path[1:] if path.startswith("//") else path  # sqlite:////abs -> /abs
        with closing(sqlite3.connect(path, timeout=CONNECT_TIMEOUT_S)) as connection:
            return connection.execute(sql.replace("%s", "?"), tuple(parameters)).fetchall()
    import psycopg

    with psycopg.connect(database_url, connect_timeout=CONNECT_TIMEOUT_S) as connection:
        return connection.execute(sql, parameters).fetchall()


# --- the app servers' environment and data -------------------------------------------------


def server_environment(
    database_url: str,
    workdir: Path,
    *,
    settings_module: str = "parsecgo_site.settings",
    redis_url: str = "",
) -> dict[str, str]:
    """The environment of a deployed app server (DEBUG off), on loopback over plain HTTP.

    No TLS and no proxy here: the HTTPS redirect and the proxy header are off. Cookies stay
    marked Secure, as deployed; the clients of this module send them over loopback anyway.
    Without REDIS_URL the cache is the database cache table, shared like the database.
    """
    static_root = workdir / "static"
    static_root.mkdir(parents=True, exist_ok=True)
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_PROXY_SSL_HEADER": "false",
            "STATIC_MANIFEST": "false",  # pages name unhashed files: no collectstatic needed
            "STATIC_ROOT": str(static_root),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if redis_url:
        environment["REDIS_URL"] = redis_url
    return environment


@dataclass(frozen=True)
class Room:
    """What `rooms_seed` made: a live workshop, its facilitator's sessions and its joined
    participants' sessions (session keys, the value of the session cookie)."""

    workshop_id: int
    workflow_id: int
    invite_code: str
    phase: int
    facilitator_sessions: tuple[str, ...]
    participant_sessions: tuple[str, ...]
    session_cookie: str
    csrf_cookie: str
    # The room's paths by URL name, as the servers' URLconf reverses them ("participant",
    # "participant-state", "console", "phase-save" for the room's phase, ...).
    paths: dict[str, str]
    # The values a participant votes on each dimension (workshops.services.room).
    dimension_values: dict[str, list[str]]


def seed_in_process(
    module: str, arguments: Sequence[str], environment: Mapping[str, str], *, what: str
) -> dict:
    """What `python -m MODULE seed --out FILE ARGUMENTS` made, read from FILE: seeding runs in
    a process of its own, set up on the database `environment` names (this one may be set up
    on another: the test suite is)."""
    with tempfile.TemporaryDirectory(prefix="parsecgo-seed-") as scratch:
        out = Path(scratch) / "seeded.json"
        finished = subprocess.run(
            [sys.executable, "-m", module, "seed", "--out", str(out), *arguments],
            cwd=BASE_DIR,
            env=dict(environment),
            capture_output=True,
            text=True,
            timeout=SEED_TIMEOUT_S,
        )
        if finished.returncode != 0:
            raise RuntimeError(f"seeding {what} failed:\n{finished.stderr[-3000:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def rooms_seed(
    environment: Mapping[str, str],
    *,
    workshops: int = 1,
    participants: int,
    phase: int,
    facilitator_sessions: int,
    candidates: Sequence[str] = (),
) -> tuple[Room, ...]:
    """Migrate the database `environment` names and make rooms in it through the services:
    a facilitator in a team, `workshops` live workshops at `phase`, each with `participants`
    participants who joined from their devices, each with a session. Runs in a process of
    its own: this one may be set up on another database (the test suite is). `candidates`
    are the patterns phase 3 picked (phase 4's risks and dots are about them)."""
    arguments = ["--workshops", str(workshops), "--participants", str(participants)]
    arguments += ["--phase", str(phase), "--facilitator-sessions", str(facilitator_sessions)]
    arguments += [f"--candidate={slug}" for slug in candidates]
    made = seed_in_process("bench.load", arguments, environment, what="the rooms")
    return tuple(
        Room(
            workshop_id=room["workshop_id"],
            workflow_id=room["workflow_id"],
            invite_code=room["invite_code"],
            phase=room["phase"],
            facilitator_sessions=tuple(made["facilitator_sessions"]),
            participant_sessions=tuple(room["participant_sessions"]),
            session_cookie=made["session_cookie"],
            csrf_cookie=made["csrf_cookie"],
            paths=room["paths"],
            dimension_values=made["dimension_values"],
        )
        for room in made["rooms"]
    )


def _seed(
    *,
    workshops: int,
    participants: int,
    phase: int,
    facilitator_sessions: int,
    candidates: Sequence[str] = (),
) -> dict[str, object]:
    """The seeding process's work (see rooms_seed); Django is set up on the rooms' database."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from workshops.models import Team
    from workshops.services.room import DIMENSION_VALUES
    from workshops.services.teams import team_create

    call_command("migrate", verbosity=0, interactive=False)  # also makes the cache table
    # Seeding again on the same database adds rooms for the same facilitator and team.
    facilitator = get_user_model().objects.filter(username="fiona").first()
    if facilitator is None:
        facilitator = get_user_model().objects.create_user(
            username="fiona", password=secrets.token_urlsafe(16)
        )
        team = team_create(name="Platform", creator=facilitator)
    else:
        team = Team.objects.get(name="Platform")
    sessions = []
    for _ in range(facilitator_sessions):
        client = Client()
        client.force_login(facilitator)  # a session as the login form makes it
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return {
        "facilitator_sessions": sessions,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "dimension_values": {str(name): list(values) for name, values in DIMENSION_VALUES.items()},
        "rooms": [
            _room_seed(
                team,
                facilitator,
                number=number,
                participants=participants,
                phase=phase,
                candidates=candidates,
            )
            for number in range(1, workshops + 1)
        ],
    }


def _room_seed(
    team, facilitator, *, number: int, participants: int, phase: int, candidates: Sequence[str]
) -> dict:
    from django.conf import settings
    from django.http import HttpRequest
    from django.utils import timezone

    from workshops.models import Participant
    from workshops.services.room import participant_join
    from workshops.services.workflows import workflow_update
    from workshops.services.workshops import phase_go, workshop_create, workshop_start
    from workshops.views.room_access import participant_remember

    workshop = workshop_create(
        team=team,
        title=f"Order events to billing ({number})",
        scheduled_at=timezone.now(),
        facilitator=facilitator,
        description="The web shop sends every order placed to billing.",
    )
    workshop_start(workshop=workshop)
    if candidates:
        workflow = workshop.workflows.get()
        workflow_update(
            workflow=workflow, version=workflow.version, fields={"candidates": list(candidates)}
        )
    workshop = phase_go(workshop=workshop, phase=phase)
    engine = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"])
    roles = list(Participant.Role.values)
    joined = []
    for n in range(participants):
        participant = participant_join(
            workshop=workshop,
            name=f"Participant {n + 1}",
            role=roles[n % len(roles)],
            involvement=Participant.Involvement.DECISION_MAKER
            if n % 10 == 0
            else Participant.Involvement.CONSULTED,
        )
        # The session the join page gives this participant's browser.
        request = HttpRequest()
        request.session = engine.SessionStore()
        participant_remember(request, participant)
        request.session.save()
        joined.append(request.session.session_key)
    workflow = workshop.workflows.get()
    return {
        "workshop_id": workshop.pk,
        "workflow_id": workflow.pk,
        "invite_code": workshop.invite_code,
        "phase": workshop.current_phase,
        "participant_sessions": joined,
        "paths": _room_paths(workshop, workflow),
    }


def _room_paths(workshop, workflow) -> dict[str, str]:
    from django.urls import NoReverseMatch, reverse

    in_workshop = {"workshop_id": workshop.pk}
    on_workflow = {**in_workshop, "workflow_id": workflow.pk}
    paths = {
        "join-invite": reverse("workshops:join-invite", kwargs={"invite": workshop.invite_code}),
        "console": reverse("workshops:console", kwargs=in_workshop),
        "phase-save": reverse(
            "workshops:phase-save", kwargs={**on_workflow, "phase": workshop.current_phase}
        ),
        "live-panel": reverse("workshops:live-panel", kwargs=in_workshop),
        "votes-reveal": reverse("workshops:votes-reveal", kwargs=on_workflow),
        "room": reverse("workshops:room", kwargs=in_workshop),
        "participant": reverse("workshops:participant", kwargs=in_workshop),
        "participant-state": reverse("workshops:participant-state", kwargs=in_workshop),
        "participant-vote": reverse("workshops:participant-vote", kwargs=in_workshop),
        "participant-ready": reverse("workshops:participant-ready", kwargs=in_workshop),
        "participant-risk": reverse("workshops:participant-risk", kwargs=in_workshop),
    }
    for name in ("bench-trivial", "bench-trivial-signed-in"):  # the bench's URLconf only
        with suppress(NoReverseMatch):
            paths[name] = reverse(name)
    return paths


# --- app servers ----------------------------------------------------------------------------


@dataclass
class Server:
    url: str  # http://127.0.0.1:<port>, no trailing slash
    process: subprocess.Popen
    log: Path
    access: Path | None = None  # the access log: method, path, status, microseconds each

    def log_tail(self, characters: int = 3000) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-characters:]
        except OSError:
            return ""


_LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")
# What the access log says of each request: method, path and query, status, and the time from
# the request read to the answer written, in microseconds (gunicorn's %(D)s).
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"


@contextmanager
def app_servers(
    environment: Mapping[str, str],
    *,
    count: int,
    workers: int,
    log_dir: Path,
    access_log: bool = False,
    access_format: str = ACCESS_FORMAT,
    threads: int = 1,
) -> Iterator[list[Server]]:
    """`count` gunicorn processes with `workers` sync workers each, on free loopback ports,
    answering /healthz when yielded; all of them killed afterwards, whatever happened. With
    `access_log`, each logs every request with the time it took the server (Server.access).
    With `threads` above 1, each worker serves that many requests at once (gthread)."""
    servers: list[Server] = []
    try:
        for number in range(count):
            log = log_dir / f"gunicorn-{number + 1}.log"
            access = log_dir / f"access-{number + 1}.log"
            # Port 0: the kernel picks a free port, and gunicorn says which.
            command = [sys.executable, "-m", "gunicorn", "parsecgo_site.wsgi"]
            command += ["--bind", "127.0.0.1:0", "--workers", str(workers)]
            if threads > 1:
                command += ["--threads", str(threads)]
            command += ["--timeout", "30", "--graceful-timeout", str(SERVER_STOP_TIMEOUT_S)]
            command += ["--log-level", "info", "--error-logfile", "-"]
            if access_log:
                command += ["--access-logfile", str(access), "--access-logformat", access_format]
            with log.open("wb") as out:
                process = subprocess.Popen(
                    command,
                    cwd=BASE_DIR,
                    env=dict(environment),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: workers are stopped too
                )
            servers.append(
                Server(url="", process=process, log=log, access=access if access_log else None)
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        for server in servers:
            _server_wait(server, deadline)
        yield servers
    finally:
        for server in servers:
            _server_stop(server)


def _server_wait(server: Server, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        if not server.url and (found := _LISTENING.search(server.log_tail(20000))):
            server.url = found.group(1)
        if server.url:
            try:
                if Browser(server.url, timeout=2).get("/healthz").status == 200:
                    return
            except OSError:
                pass
        time.sleep(0.1)
    raise RuntimeError(
        f"gunicorn did not answer /healthz within {SERVER_START_TIMEOUT_S} s:\n{server.log_tail()}"
    )


def _server_stop(server: Server) -> None:
    if server.process.poll() is not None:
        return
    for stop in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.process.pid, stop)  # the master and its workers
        except ProcessLookupError:
            return
        try:
            server.process.wait(timeout=SERVER_STOP_TIMEOUT_S + 2)
            return
        except subprocess.TimeoutExpired:
            continue


def live_element(page: str, *, element_id: str = "") -> tuple[str, str]:
    """A live element of a page (static/js/live.js), the first or the one with `element_id`:
    the URL it polls and the ETag it sends, as drawn; LookupError when there is none."""
    from html.parser import HTMLParser

    found: list[tuple[str, str]] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            attributes = dict(attrs)
            if found or "data-live" not in attributes or not attributes.get("data-hx-get"):
                return
            if not element_id or attributes.get("id") == element_id:
                found.append((attributes["data-hx-get"] or "", attributes.get("data-etag") or ""))

    reader = Reader(convert_charrefs=True)
    reader.feed(page)
    reader.close()
    if not found:
        raise LookupError(
            f"the page has no live element {element_id or '(data-live, data-hx-get)'}"
        )
    return found[0]


# --- a client that speaks HTTP to them -----------------------------------------------------


def cookie_take(cookies: dict[str, str], line: str) -> None:
    """What one Set-Cookie header does to a browser's cookies: sets one, or deletes it."""
    for name, morsel in SimpleCookie(line).items():
        if morsel["max-age"] == "0" or not morsel.value:
            cookies.pop(name, None)
        else:
            cookies[name] = morsel.value


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Browser:
    """A browser of one person, for one server: it keeps its cookies and sends them back,
    Secure ones included (a real browser would be behind TLS; these servers are on loopback
    over plain HTTP). Another Browser with the same cookies is the same person on another
    server: `Browser(b_url, cookies=a.cookies)`."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = REQUEST_TIMEOUT_S

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(
        self, path: str, data: Mapping[str, object], headers: Mapping[str, str] | None = None
    ) -> Answer:
        """A form post; with no csrfmiddlewaretoken in `data`, the token goes in the header
        htmx sends it in."""
        sent = dict(headers or {})
        if "csrfmiddlewaretoken" not in data and "csrftoken" in self.cookies:
            sent.setdefault("X-CSRFToken", self.cookies["csrftoken"])
        sent["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request("POST", path, body=urlencode(data, doseq=True), headers=sent)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        where = urlsplit(self.base_url)
        connection = HTTPConnection(where.hostname, where.port, timeout=self.timeout)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for line in response.headers.get_all("Set-Cookie") or ():
                cookie_take(self.cookies, line)
            headers_in = {name.lower(): value for name, value in response.getheaders()}
            return Answer(status=response.status, headers=headers_in, text=text)
        finally:
            connection.close()


# --- the load run ---------------------------------------------------------------------------

# The kinds of request the run reports, as bench/locustfile.py names them.
TRIVIAL = "trivial view"
FLOOR = "trivial view, signed in (floor)"
POLL_304 = "participant poll, 304"
POLL_200 = "participant poll, 200"
VOTE = "participant vote"
PANEL_304 = "live panel poll, 304"
PANEL_200 = "live panel poll, 200"
AUTOSAVE = "facilitator autosave"
REVEAL = "facilitator reveal"
KINDS = (TRIVIAL, FLOOR, POLL_304, POLL_200, VOTE, PANEL_304, PANEL_200, AUTOSAVE, REVEAL)

PARTICIPANTS = 50
WORKERS = 2
RUN_TIME_S = 45
QUICK_RUN_TIME_S = 10
POLL_EVERY_S = 2.0
# Every vote, autosave and reveal changes what the room shows, so the next poll of every
# participant draws the page's live parts anew (a 200) instead of answering 304. Changes come
# about once every 7 s between them, so that most polls are the 304 of a room between two
# changes: a vote per poll with this chance (50 participants polling every 2 s vote about
# once every 12 s between them), an autosave every 20 s and a reveal every 30 s.
VOTE_CHANCE = 1 / 300
AUTOSAVE_EVERY_S = 20.0
REVEAL_EVERY_S = 30.0
# The probe times the trivial view and the floor once each per round, 4 rounds a second:
# enough samples for their p95 in a 45 s run.
FLOOR_EVERY_S = 0.25
LOCUST_GRACE_S = 90  # locust's start and stop, beyond the run time
# Targets.
FLOOR_RATIO_TARGET = 1.5  # the 304 poll's median within this many times the floor's
P95_TARGET_FACTOR = 10.0  # every request's p95 under this many times the trivial view's p95
FEW_SAMPLES = 20  # below this many, a kind's p95 is said to rest on few samples


@dataclass(frozen=True)
class KindFigures:
    name: str
    count: int
    errors: int
    per_second: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    first_errors: tuple[str, ...] = ()
    # The same requests as the server's access log times them: from the request read to the
    # answer written, without the wait for a free worker or the load generator's own delays.
    server_p50_ms: float | None = None
    server_p95_ms: float | None = None


@dataclass(frozen=True)
class LoadReport:
    seconds: float
    participants: int
    workers: int
    cache: str  # what sessions are read through: "database cache" or "Redis cache"
    kinds: tuple[KindFigures, ...]

    def kind(self, name: str) -> KindFigures | None:
        return next((kind for kind in self.kinds if kind.name == name and kind.count), None)

    @property
    def requests(self) -> int:
        return sum(kind.count for kind in self.kinds)

    @property
    def errors(self) -> int:
        return sum(kind.errors for kind in self.kinds)

    @property
    def p95_limit_ms(self) -> float | None:
        trivial = self.kind(TRIVIAL)
        return (
            None
            if trivial is None or trivial.p95_ms is None
            else trivial.p95_ms * P95_TARGET_FACTOR
        )

    @property
    def floor_ratio(self) -> float | None:
        poll, floor = self.kind(POLL_304), self.kind(FLOOR)
        if poll is None or floor is None or not poll.p50_ms or not floor.p50_ms:
            return None
        return poll.p50_ms / floor.p50_ms

    @property
    def server_floor_ratio(self) -> float | None:
        poll, floor = self.kind(POLL_304), self.kind(FLOOR)
        if poll is None or floor is None or not poll.server_p50_ms or not floor.server_p50_ms:
            return None
        return poll.server_p50_ms / floor.server_p50_ms

    def p95_met(self, kind: KindFigures) -> bool | None:
        limit = self.p95_limit_ms
        return None if limit is None or kind.p95_ms is None else kind.p95_ms < limit


class LoadSkipped(Exception):
    """The load run cannot run here (no PostgreSQL); the message says why."""


def run_place(stack: ExitStack, purpose: str, artifacts: Path | None) -> tuple[Path, str]:
    """Where a run keeps its files (`artifacts`, kept, or a temporary directory) and the URL
    of its fresh database, both gone when `stack` closes (but kept artifacts);
    LoadSkipped without PostgreSQL."""
    if artifacts is None:
        workdir = Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix=f"parsecgo-{purpose}-"))
        )
    else:
        workdir = artifacts
        workdir.mkdir(parents=True, exist_ok=True)
    try:
        return workdir, stack.enter_context(fresh_database(purpose))
    except PostgresUnavailable as unavailable:
        raise LoadSkipped(str(unavailable)) from None


def load_run(
    *,
    run_time_s: int = RUN_TIME_S,
    participants: int = PARTICIPANTS,
    workers: int = WORKERS,
    redis_url: str = "",
    artifacts: Path | None = None,
    log: TextIO = sys.stderr,
) -> LoadReport:
    """Start gunicorn on a fresh PostgreSQL database with a seeded room, run locust against
    it for `run_time_s`, stop everything, and return the figures. `artifacts` keeps locust's
    CSV, the exact samples and the servers' logs (a temporary directory otherwise)."""
    with ExitStack() as stack:
        workdir, database_url = run_place(stack, "load", artifacts)
        if redis_url:
            redis_forget(redis_url)
        environment = server_environment(
            database_url, workdir, settings_module="bench.load_settings", redis_url=redis_url
        )
        print(f"load run: seeding a room with {participants} participants ...", file=log)
        (room,) = rooms_seed(
            environment, participants=participants, phase=2, facilitator_sessions=2
        )
        (server,) = stack.enter_context(
            app_servers(environment, count=1, workers=workers, log_dir=workdir, access_log=True)
        )
        plan = _plan(server, room, samples_out=workdir / "samples.json")
        _warm_up(server, room, plan)
        plan_file = workdir / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        print(f"load run: locust for {run_time_s} s against {server.url} ...", file=log)
        logged_before = server.access.stat().st_size  # the setup's requests are not timed
        locust_run(
            server, plan_file, users=participants + 2, run_time_s=run_time_s, workdir=workdir
        )
        measured = json.loads((workdir / "samples.json").read_text(encoding="utf-8"))
        served = _served(server.access, plan, offset=logged_before)
    return LoadReport(
        seconds=measured["seconds"],
        participants=participants,
        workers=workers,
        cache="Redis cache" if redis_url else "database cache",
        kinds=kind_figures(measured, served),
    )


def _served(access: Path, plan: Mapping[str, object], *, offset: int) -> dict[str, list[float]]:
    """The server's own times (ms) of the run's requests, by kind, from its access log."""
    kinds = {  # (method, path): (the kind when it answered 304, the kind otherwise)
        ("GET", urlsplit(plan["poll_path"]).path): (POLL_304, POLL_200),
        ("GET", urlsplit(plan["panel_path"]).path): (PANEL_304, PANEL_200),
        ("POST", plan["vote_path"]): (VOTE, VOTE),
        ("POST", plan["autosave_path"]): (AUTOSAVE, AUTOSAVE),
        ("POST", plan["reveal_path"]): (REVEAL, REVEAL),
        ("GET", plan["trivial_path"]): (TRIVIAL, TRIVIAL),
        ("GET", plan["floor_path"]): (FLOOR, FLOOR),
    }
    served: dict[str, list[float]] = {}
    with access.open("rb") as log:
        log.seek(offset)
        for line in log.read().decode("utf-8", errors="replace").splitlines():
            try:
                method, path, status, microseconds = line.split()
                kind = kinds[(method, path)][0 if status == "304" else 1]
            except (KeyError, ValueError):
                continue
            served.setdefault(kind, []).append(int(microseconds) / 1000)
    return served


def redis_forget(redis_url: str) -> None:
    """Empty the site's keys in the Redis database the run is given: a fresh database reuses
    the ids of an earlier run's, and what was cached for those must not be served again."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=CONNECT_TIMEOUT_S)
    try:
        for key in client.scan_iter(match="parsecgo:*", count=500):
            client.delete(key)
    except redis.RedisError as error:
        raise LoadSkipped(f"Redis does not answer at {redis_url}: {error}") from None


def _plan(server: Server, room: Room, *, samples_out: Path) -> dict[str, object]:
    """What bench/locustfile.py needs: each simulated person's session and CSRF cookie, read
    from the page each one's browser would have open, and the forms those pages draw."""
    from bench.forms import form_as_posted

    paths = room.paths
    participants = []
    for session in room.participant_sessions:
        browser = Browser(server.url, cookies={room.session_cookie: session})
        page = browser.get(paths["participant"])
        if page.status != 200:
            raise RuntimeError(f"a participant's page answered {page.status}, not 200")
        poll_path, etag = live_element(page.text)
        participants.append(
            {
                "session": session,
                "csrftoken": browser.cookies.get(room.csrf_cookie, ""),
                "etag": etag,
                "vote_form": form_as_posted(page.text, action=paths["participant-vote"]),
            }
        )
    facilitator = Browser(server.url, cookies={room.session_cookie: room.facilitator_sessions[0]})
    console = facilitator.get(paths["console"])
    if console.status != 200:
        raise RuntimeError(f"the console answered {console.status}, not 200")
    form = form_as_posted(console.text, action=paths["phase-save"])
    prefix = f"p{room.phase}-"
    for field_name in (f"{prefix}version", f"{prefix}trigger_notes"):
        if field_name not in form:
            raise RuntimeError(f"the console's phase {room.phase} form has no {field_name}")
    panel_path, panel_etag = live_element(console.text, element_id="live-panel")
    return {
        "session_cookie": room.session_cookie,
        "csrf_cookie": room.csrf_cookie,
        "samples_out": str(samples_out),
        "poll_every_s": POLL_EVERY_S,
        "vote_chance": VOTE_CHANCE,
        "autosave_every_s": AUTOSAVE_EVERY_S,
        "reveal_every_s": REVEAL_EVERY_S,
        "floor_every_s": FLOOR_EVERY_S,
        "poll_path": poll_path,
        "vote_path": paths["participant-vote"],
        "votes": _vote_choices(room),
        "panel_path": panel_path,
        "autosave_path": paths["phase-save"],
        "reveal_path": paths["votes-reveal"],
        "reveal_form": form_as_posted(console.text, action=paths["votes-reveal"]),
        "trivial_path": paths["bench-trivial"],
        "floor_path": paths["bench-trivial-signed-in"],
        "floor_session": room.facilitator_sessions[1],
        "participants": participants,
        "facilitator": {
            "session": room.facilitator_sessions[0],
            "csrftoken": facilitator.cookies.get(room.csrf_cookie, ""),
            "etag": panel_etag,
            "form": form,
            "version_field": f"{prefix}version",
            "edited_field": f"{prefix}trigger_notes",
        },
    }


def _vote_choices(room: Room) -> list[dict[str, str]]:
    """Every vote a participant can cast in phase 2, as the vote form names its fields (the
    form's prefix names the workflow): a value on one dimension."""
    return [
        {f"vote{room.workflow_id}-{dimension}": value}
        for dimension, values in room.dimension_values.items()
        for value in values
    ]


def _warm_up(server: Server, room: Room, plan: Mapping[str, object]) -> None:
    """A few requests of each kind first, so that both workers have loaded their templates and
    opened their database connection before anything is timed."""
    participant = plan["participants"][0]
    polling = Browser(server.url, cookies={room.session_cookie: participant["session"]})
    signed_in = Browser(server.url, cookies={room.session_cookie: plan["floor_session"]})
    anonymous = Browser(server.url)
    headers = {"HX-Request": "true"}
    for _ in range(10):
        anonymous.get(plan["trivial_path"])
        signed_in.get(plan["floor_path"])
        fresh = polling.get(plan["poll_path"], headers=headers)
        polling.get(
            plan["poll_path"], headers={**headers, "If-None-Match": fresh.headers.get("etag", "")}
        )
        signed_in.get(plan["panel_path"], headers=headers)


def locust_run(
    server: Server,
    plan_file: Path,
    *,
    users: int,
    run_time_s: int,
    workdir: Path,
    locustfile: Path = BASE_DIR / "bench" / "locustfile.py",
) -> None:
    """locust, headless, against `server` for `run_time_s`, with the plan in
    PARSECGO_LOAD_PLAN; bounded, killed if it does not stop, failing if it wrote no samples."""
    command = [sys.executable, "-m", "locust", "-f", str(locustfile)]
    command += ["--headless", "--users", str(users), "--spawn-rate", str(max(1, users // 2))]
    command += ["--run-time", f"{run_time_s}s", "--stop-timeout", "5", "--host", server.url]
    command += ["--csv", str(workdir / "locust"), "--only-summary", "--loglevel", "WARNING"]
    environment = {
        **os.environ,
        "PARSECGO_LOAD_PLAN": str(plan_file),
        "PYTHONPATH": str(BASE_DIR),  # the locustfile imports bench.*
    }
    with (workdir / "locust.log").open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            process.wait(timeout=run_time_s + LOCUST_GRACE_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            raise RuntimeError(
                f"locust did not stop within {run_time_s + LOCUST_GRACE_S} s"
            ) from None
    if not (workdir / "samples.json").exists():
        tail = (workdir / "locust.log").read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"locust wrote no samples (exit {process.returncode}):\n{tail}")


def _percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    # Linear between the two nearest ranks, as statistics.quantiles(method="inclusive").
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def kind_figures(
    measured: Mapping[str, object],
    served: Mapping[str, list[float]],
    kinds: Sequence[str] = KINDS,
) -> tuple[KindFigures, ...]:
    """Each kind's figures from locust's samples (and the server's times, when given), in the
    order of `kinds`, then any kind not foreseen."""
    seconds = float(measured["seconds"]) or 1.0
    samples: Mapping[str, list[float]] = measured["samples"]
    errors: Mapping[str, list[str]] = measured["errors"]
    unforeseen = (set(samples) | set(measured.get("error_counts", {}))) - set(kinds)
    names = [*kinds, *sorted(unforeseen)]  # anything unexpected shows too
    figures = []
    for name in names:
        times = samples.get(name, [])
        failed = errors.get(name, [])
        on_server = served.get(name, [])
        figures.append(
            KindFigures(
                name=name,
                count=len(times),
                errors=measured.get("error_counts", {}).get(name, len(failed)),
                per_second=len(times) / seconds,
                p50_ms=statistics.median(times) if times else None,
                p95_ms=_percentile(times, 0.95) if times else None,
                p99_ms=_percentile(times, 0.99) if times else None,
                first_errors=tuple(failed),
                server_p50_ms=statistics.median(on_server) if on_server else None,
                server_p95_ms=_percentile(on_server, 0.95) if on_server else None,
            )
        )
    return tuple(figures)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("ok" if met else "MISSED")


def _p95_verdict(report: LoadReport, kind: KindFigures) -> str:
    if not kind.count:
        return "none made"
    verdict = _verdict(report.p95_met(kind))
    # The facilitator's writes are rare (each one changes every participant's next poll):
    # their p95 is nearly their slowest single request, which one hiccup of a shared
    # machine decides.
    return f"{verdict} ({kind.count} only)" if kind.count < FEW_SAMPLES else verdict


def load_print(report: LoadReport, out: TextIO) -> None:
    print(
        f"Load run (gunicorn, {report.workers} workers, PostgreSQL, sessions through the "
        f"{report.cache}; {report.participants} participants polling every {POLL_EVERY_S:g} s, "
        f"a facilitator, a baseline probe; {report.seconds:.0f} s, "
        f"{report.requests / (report.seconds or 1):.1f} requests/s)",
        file=out,
    )
    limit = report.p95_limit_ms
    limit_text = f"p95 < {P95_TARGET_FACTOR:g}x trivial p95 ({_ms(limit)} ms)"
    print(
        f"{'request':<34} {'count':>6} {'req/s':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'server p50':>10} {'server p95':>10}   {limit_text}",
        file=out,
    )
    for kind in report.kinds:
        print(
            f"{kind.name:<34} {kind.count:>6} {kind.per_second:>6.1f} {_ms(kind.p50_ms):>8} "
            f"{_ms(kind.p95_ms):>8} {_ms(kind.p99_ms):>8} {kind.errors:>6} "
            f"{_ms(kind.server_p50_ms):>10} {_ms(kind.server_p95_ms):>10}   "
            f"{_p95_verdict(report, kind)}",
            file=out,
        )
        for error in kind.first_errors:
            print(f"    error: {error}", file=out)
    polls = (report.kind(POLL_304), report.kind(POLL_200))
    answered_304 = polls[0].count if polls[0] else 0
    all_polls = answered_304 + (polls[1].count if polls[1] else 0)
    if all_polls:
        print(f"participant polls answered 304: {answered_304 / all_polls:.0%}", file=out)
    print(
        f"{'errors':<48} {report.errors:>6}   target 0   {_verdict(report.errors == 0)}", file=out
    )
    ratio = report.floor_ratio
    print(
        f"{'304 poll median / signed-in floor median':<48} "
        f"{'-' if ratio is None else f'{ratio:.2f}x':>6}   target <= {FLOOR_RATIO_TARGET:g}x   "
        f"{_verdict(None if ratio is None else ratio <= FLOOR_RATIO_TARGET)}",
        file=out,
    )
    server_ratio = report.server_floor_ratio
    print(
        f"{'  the same, as the server times them':<48} "
        f"{'-' if server_ratio is None else f'{server_ratio:.2f}x':>6}",
        file=out,
    )
    print(
        "Times are measured by the load generator (locust, on the same machine) from sending a "
        "request to reading its whole answer, every sample kept (not locust's rounded ones), "
        "from when all simulated people have started; the targets use these. The server's "
        "times (gunicorn's access log) leave out the wait for a free worker and the load "
        "generator's own delays.",
        file=out,
    )


# --- the command line -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Exit 0 when the run made no errors, missed targets or not; 1 when a request failed or
    the run could not be made (0 with a note when PostgreSQL is missing outside CI)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["seed"]:
        return _seed_main(argv[1:])
    options = load_arguments().parse_args(argv)
    return load_main(options, sys.stdout)


def load_arguments(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The load run's options (`python -m bench` adds them to its own)."""
    parser = parser or argparse.ArgumentParser(
        prog="python -m bench.load",
        description="The load run: locust against gunicorn on a fresh PostgreSQL database.",
    )
    parser.add_argument(
        "--run-time",
        type=_seconds,
        metavar="SECONDS",
        help=f"how long locust runs (default {RUN_TIME_S}; {QUICK_RUN_TIME_S} with "
        "python -m bench --quick)",
    )
    parser.add_argument(
        "--redis-url",
        default="",
        metavar="URL",
        help="serve the cache (and so the sessions) from this Redis database, e.g. "
        "redis://127.0.0.1:6379/14; the site's keys in it are deleted first",
    )
    parser.add_argument(
        "--artifacts",
        type=Path,
        metavar="DIR",
        help="keep locust's CSV, every sample and the server's log here",
    )
    return parser


def _seconds(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 600:
        raise argparse.ArgumentTypeError(f"must be from 1 to 600 seconds, not {value}")
    return value


def load_main(options: argparse.Namespace, out: TextIO) -> int:
    quick = getattr(options, "quick", False)  # python -m bench --quick: a smoke run
    run_time_s = options.run_time or (QUICK_RUN_TIME_S if quick else RUN_TIME_S)
    try:
        report = load_run(
            run_time_s=run_time_s, redis_url=options.redis_url, artifacts=options.artifacts
        )
    except LoadSkipped as skipped:
        print(f"Load run SKIPPED: {skipped}", file=out)
        # CI must make the run, never skip it; elsewhere a missing PostgreSQL is said, not fatal.
        return 1 if os.environ.get("CI") == "true" else 0
    load_print(report, out)
    return 1 if report.errors else 0


def _seed_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load seed")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workshops", type=int, default=1)
    parser.add_argument("--participants", type=int, default=0)
    parser.add_argument("--phase", type=int, default=2)
    parser.add_argument("--facilitator-sessions", type=int, default=1)
    parser.add_argument("--candidate", action="append", default=[])
    options = parser.parse_args(argv)
    made = _seed(
        workshops=options.workshops,
        participants=options.participants,
        phase=options.phase,
        facilitator_sessions=options.facilitator_sessions,
        candidates=options.candidate,
    )
    options.out.write_text(json.dumps(made), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
