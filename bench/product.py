"""The whole product's load run: a facilitator and 50 participants through a workshop, the PDF
drawn by the background worker, and team members reading the history, over real HTTP.

Built on the load run's machinery (bench/load.py: a fresh PostgreSQL database, gunicorn on
loopback, locust, the figures): gunicorn with two workers and `manage.py worker` beside it,
and bench/product_locustfile.py as the room. Bounded in time and loopback only; whatever it
starts it stops again.

    python -m bench.product                 # make bench-product (and part of make bench)
    python -m bench.product --product-run-time 60 --artifacts /tmp/product
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bench.load import (
    BASE_DIR,
    SERVER_STOP_TIMEOUT_S,
    Browser,
    LoadReport,
    LoadSkipped,
    app_servers,
    kind_figures,
    locust_run,
    redis_forget,
    run_place,
    seed_in_process,
    server_environment,
)

PARTICIPANTS = 50
WORKERS = 2
HISTORY_READERS = 3
RUN_TIME_S = 90
QUICK_RUN_TIME_S = 45
POLL_EVERY_S = 2.0
BULK_DECISIONS = 200  # the history list's volume, beside the demo's real records
LOCUSTFILE = BASE_DIR / "bench" / "product_locustfile.py"

# The kinds of request the run reports, as bench/product_locustfile.py names them.
JOIN_PAGE = "join page"
JOIN = "join (post)"
PAGE = "participant page"
POLL_304 = "participant poll, 304"
POLL_200 = "participant poll, 200"
DELAY = "phase 1 delay answers"
VOTE = "phase 2 vote"
RISK = "phase 4 risk proposal"
DOT = "phase 4 dot"
READY = "ready"
CONSENT = "consent"
CONSOLE = "console"
PANEL_304 = "live panel poll, 304"
PANEL_200 = "live panel poll, 200"
PHASE_GO = "facilitator: next phase"
APPLY = "facilitator: use the room's answers"
REVEAL = "facilitator: reveal votes"
DECIDE_PAGE = "decide page"
DECIDE = "facilitator: propose / accept"
PDF_ASK = "record PDF, asked"
PDF_POLL_304 = "record PDF poll, 304"
PDF_POLL_200 = "record PDF poll, 200"
PDF = "record PDF, downloaded"
HISTORY = "history /decisions/"
HISTORY_FILTERED = "history, filtered"
RECORD = "record page"
MARKDOWN = "record Markdown"
JSON = "record JSON"
KINDS = (
    JOIN_PAGE,
    JOIN,
    PAGE,
    POLL_304,
    POLL_200,
    DELAY,
    VOTE,
    RISK,
    DOT,
    READY,
    CONSENT,
    CONSOLE,
    PANEL_304,
    PANEL_200,
    PHASE_GO,
    APPLY,
    REVEAL,
    DECIDE_PAGE,
    DECIDE,
    PDF_ASK,
    PDF_POLL_304,
    PDF_POLL_200,
    PDF,
    HISTORY,
    HISTORY_FILTERED,
    RECORD,
    MARKDOWN,
    JSON,
)
LOCUST_USERS = PARTICIPANTS + 1 + HISTORY_READERS


# --- the data ---------------------------------------------------------------------------------


def product_seed(environment: Mapping[str, str], *, history_readers: int) -> dict[str, object]:
    """Migrate the database `environment` names and make, through the services, what the run
    needs (see _seed); in a process of its own, like bench.load.rooms_seed."""
    arguments = ["--history-readers", str(history_readers)]
    return seed_in_process("bench.product", arguments, environment, what="the product run")


def _seed(*, history_readers: int) -> dict[str, object]:
    """The demo (`manage.py loaddemo`: a team, its member and three decided workshops with
    their records), 200 more decisions in its history, team members with a session each, and
    a live workshop at phase 1 that revisits the demo's retail decision (pre-filled, as the
    Revisit button makes it), its facilitator the demo's member. Nobody has joined it."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from tests.workshops.builders import bulk_decisions
    from workshops.management.commands.loaddemo import DEMO_TEAM, DEMO_USERNAME
    from workshops.models import Decision
    from workshops.services.decisions import decision_revisit
    from workshops.services.teams import team_member_join
    from workshops.services.workshops import phase_go, workshop_start

    call_command("migrate", verbosity=0, interactive=False)
    with open(os.devnull, "w") as quiet:
        call_command("loaddemo", verbosity=0, stdout=quiet)
    User = get_user_model()
    facilitator = User.objects.get(username=DEMO_USERNAME)
    retail = Decision.objects.get(team__name=DEMO_TEAM, title="Retail nightly inventory sync")
    team = retail.team
    bulk_decisions(team, facilitator, BULK_DECISIONS, prefix="Archived integration")
    readers = []
    for number in range(history_readers):
        reader = User.objects.create_user(
            username=f"reader{number + 1}", password=secrets.token_urlsafe(16)
        )
        team_member_join(team=team, user=reader)
        readers.append(reader)

    def session_of(user) -> str:
        client = Client()
        client.force_login(user)  # a session as the login form makes it
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    workshop = decision_revisit(decision=retail, by=facilitator)
    workshop_start(workshop=workshop)
    workshop = phase_go(workshop=workshop, phase=1)
    workflow = workshop.workflows.get()
    in_workshop = {"workshop_id": workshop.pk}
    on_workflow = {**in_workshop, "workflow_id": workflow.pk}
    records = [
        {
            "page": decision.get_absolute_url(),
            "markdown": reverse("workshops:decision-markdown", kwargs={"decision_id": decision.pk}),
            "json": reverse("workshops:decision-json", kwargs={"decision_id": decision.pk}),
        }
        for decision in Decision.objects.filter(team=team).exclude(snapshot={}).order_by("pk")
    ]
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "facilitator_session": session_of(facilitator),
        "reader_sessions": [session_of(reader) for reader in readers],
        "workshop_id": workshop.pk,
        "workflow_id": workflow.pk,
        "records": records,
        "history_filters": [
            f"?status=accepted&team={team.pk}",
            "?q=inventory",
            "?pattern=batch",
            "?status=accepted&page=2",
        ],
        "paths": {
            "join-invite": reverse(
                "workshops:join-invite", kwargs={"invite": workshop.invite_code}
            ),
            "participant": reverse("workshops:participant", kwargs=in_workshop),
            "participant-delay": reverse("workshops:participant-delay", kwargs=in_workshop),
            "participant-vote": reverse("workshops:participant-vote", kwargs=in_workshop),
            "participant-risk": reverse("workshops:participant-risk", kwargs=in_workshop),
            "participant-ready": reverse("workshops:participant-ready", kwargs=in_workshop),
            "participant-consent": reverse("workshops:participant-consent", kwargs=in_workshop),
            "console": reverse("workshops:console", kwargs=in_workshop),
            "phase-go": reverse("workshops:phase-go", kwargs=in_workshop),
            "decide": reverse("workshops:decide", kwargs=in_workshop),
            "votes-reveal": reverse("workshops:votes-reveal", kwargs=on_workflow),
            "room-delays-apply": reverse("workshops:room-delays-apply", kwargs=on_workflow),
            "room-profile-apply": reverse("workshops:room-profile-apply", kwargs=on_workflow),
            "decision-list": reverse("workshops:decision-list"),
        },
    }


# --- the background worker -----------------------------------------------------------------


@contextmanager
def background_worker(environment: Mapping[str, str], *, log: Path) -> Iterator[subprocess.Popen]:
    """`manage.py worker` beside the app servers, as deployed; stopped afterwards (SIGTERM: it
    finishes its job; then SIGKILL for it and its drawing child)."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=BASE_DIR,
            env=dict(environment),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        for stop in (signal.SIGTERM, signal.SIGKILL):
            if process.poll() is not None:
                break
            try:
                os.killpg(process.pid, stop)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=SERVER_STOP_TIMEOUT_S + 2)
            except subprocess.TimeoutExpired:
                continue


# --- the run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductReport(LoadReport):
    # What the room got through, as the facilitator's script saw it.
    reached: Mapping[str, object] = field(default_factory=dict)

    @property
    def incomplete(self) -> list[str]:
        """What the workshop should have reached and did not (each fails the run)."""
        missing = []
        if self.reached.get("joined", 0) < self.participants:
            missing.append(f"{self.reached.get('joined', 0)} of {self.participants} joined")
        for step in ("accepted", "pdf"):
            if not self.reached.get(step):
                missing.append(f"the workshop never reached '{step}'")
        for kind in (DELAY, VOTE, RISK, DOT, CONSENT, HISTORY, HISTORY_FILTERED, RECORD, PDF):
            if not any(k.name == kind and k.count for k in self.kinds):
                missing.append(f"no '{kind}' request was made")
        return missing


def product_run(
    *,
    run_time_s: int = RUN_TIME_S,
    participants: int = PARTICIPANTS,
    workers: int = WORKERS,
    redis_url: str = "",
    artifacts: Path | None = None,
    log: TextIO = sys.stderr,
) -> ProductReport:
    """Seed a fresh PostgreSQL database, start gunicorn and the worker on it, run the room
    (bench/product_locustfile.py) for `run_time_s`, stop everything, return the figures."""
    with ExitStack() as stack:
        # Under make bench, its files go beside the load run's.
        workdir, database_url = run_place(
            stack, "product", artifacts / "product" if artifacts else None
        )
        if redis_url:
            redis_forget(redis_url)
        environment = server_environment(
            database_url, workdir, settings_module="bench.load_settings", redis_url=redis_url
        )
        print("product run: seeding the demo, its history and a live workshop ...", file=log)
        seeded = product_seed(environment, history_readers=HISTORY_READERS)
        (server,) = stack.enter_context(
            app_servers(
                environment,
                count=1,
                workers=workers,
                log_dir=workdir,
                access_log=True,
                access_format=ACCESS_FORMAT,
            )
        )
        stack.enter_context(background_worker(environment, log=workdir / "worker.log"))
        _warm_up(server, seeded)
        plan = {
            **seeded,
            "participants": participants,
            "run_time_s": run_time_s,
            "poll_every_s": POLL_EVERY_S,
            "samples_out": str(workdir / "samples.json"),
        }
        plan_file = workdir / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        print(f"product run: locust for {run_time_s} s against {server.url} ...", file=log)
        logged_before = server.access.stat().st_size  # the warm-up is not timed
        locust_run(
            server,
            plan_file,
            users=participants + 1 + HISTORY_READERS,
            run_time_s=run_time_s,
            workdir=workdir,
            locustfile=LOCUSTFILE,
        )
        measured = json.loads((workdir / "samples.json").read_text(encoding="utf-8"))
        served = _served(server.access, offset=logged_before)
    return ProductReport(
        seconds=measured["seconds"],
        participants=participants,
        workers=workers,
        cache="Redis cache" if redis_url else "database cache",
        kinds=kind_figures(measured, served, KINDS),
        reached=measured.get("reached", {}),
    )


# The access log's fields, "|" between them (the HX-Request header and the query may be empty):
# method, path, status, microseconds (gunicorn's %(D)s), HX-Request, query.
ACCESS_FORMAT = "%(m)s|%(U)s|%(s)s|%(D)s|%({hx-request}i)s|%(q)s"
# Which kind of request an access log line is: (method, path pattern, kind), the first that
# matches; a poll's kind then follows its status. A record's PDF: asked (202, or a stored one
# served at once, which counts as a download here), followed (htmx), downloaded.
_SERVED_KINDS = (
    ("GET", r"/join/[^/]+/", JOIN_PAGE),
    ("POST", r"/join/[^/]+/", JOIN),
    ("GET", r"/live/\d+/", PAGE),
    ("GET", r"/live/\d+/state/", POLL_200),
    ("POST", r"/live/\d+/delay/", DELAY),
    ("POST", r"/live/\d+/vote/", VOTE),
    ("POST", r"/live/\d+/risks/", RISK),
    ("POST", r"/live/\d+/risks/\d+/dot/", DOT),
    ("POST", r"/live/\d+/ready/", READY),
    ("POST", r"/live/\d+/consent/", CONSENT),
    ("GET", r"/workshops/\d+/", CONSOLE),
    ("GET", r"/workshops/\d+/live/", PANEL_200),
    ("POST", r"/workshops/\d+/phase/", PHASE_GO),
    ("POST", r"/workshops/\d+/workflows/\d+/reveal/", REVEAL),
    ("POST", r"/workshops/\d+/workflows/\d+/(room-delays|room-profile|risks/[\w-]+/adopt)/", APPLY),
    ("GET", r"/workshops/\d+/decide/", DECIDE_PAGE),
    ("POST", r"/workshops/\d+/decide/", DECIDE),
    ("GET", r"/decisions/", HISTORY),
    ("GET", r"/decisions/\d+/", RECORD),
    ("GET", r"/decisions/\d+\.md", MARKDOWN),
    ("GET", r"/decisions/\d+\.json", JSON),
    ("GET", r"/decisions/\d+\.pdf", PDF),
)
_UNCHANGED = {POLL_200: POLL_304, PANEL_200: PANEL_304}


def served_kind(method: str, path: str, status: str, htmx: str, query: str) -> str | None:
    """The kind of request one line of the access log is, as the load generator names it."""
    kind = next(
        (
            kind
            for verb, pattern, kind in _SERVED_KINDS
            if verb == method and re.fullmatch(pattern, path)
        ),
        None,
    )
    if kind is None:
        return None
    if kind == HISTORY and query not in ("", "-"):
        return HISTORY_FILTERED
    if kind == PDF and htmx == "true":
        return PDF_POLL_304 if status == "304" else PDF_POLL_200
    if kind == PDF and status == "202":
        return PDF_ASK
    return _UNCHANGED.get(kind, kind) if status == "304" else kind


def _served(access: Path, *, offset: int) -> dict[str, list[float]]:
    """The server's own times (ms) of the run's requests, by kind, from its access log."""
    served: dict[str, list[float]] = {}
    with access.open("rb") as log:
        log.seek(offset)
        for line in log.read().decode("utf-8", errors="replace").splitlines():
            fields = line.split("|")
            if len(fields) != 6:
                continue
            method, path, status, microseconds, htmx, query = fields
            kind = served_kind(method, path, status, htmx, query)
            if kind is not None and microseconds.isdigit():
                served.setdefault(kind, []).append(int(microseconds) / 1000)
    return served


def _warm_up(server, seeded: Mapping[str, object]) -> None:
    """Each worker loads its templates and opens its connection before anything is timed."""
    cookie = {seeded["session_cookie"]: seeded["reader_sessions"][0]}
    reader = Browser(server.url, cookies=cookie)
    for _ in range(4):
        reader.get(seeded["paths"]["decision-list"])
        reader.get(seeded["records"][0]["page"])
        Browser(server.url).get(seeded["paths"]["join-invite"])


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def product_print(report: ProductReport, out: TextIO) -> None:
    reached = report.reached
    print(
        f"Whole product load run (gunicorn, {report.workers} workers, manage.py worker, "
        f"PostgreSQL, sessions through the {report.cache}; a facilitator, "
        f"{report.participants} participants, {HISTORY_READERS} history readers; "
        f"{report.seconds:.0f} s, {report.requests / (report.seconds or 1):.1f} requests/s)",
        file=out,
    )
    print(
        f"{'request':<38} {'count':>6} {'req/s':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'server p50':>10} {'server p95':>10}",
        file=out,
    )
    for kind in report.kinds:
        if not kind.count and not kind.errors:
            continue
        print(
            f"{kind.name:<38} {kind.count:>6} {kind.per_second:>6.1f} {_ms(kind.p50_ms):>8} "
            f"{_ms(kind.p95_ms):>8} {_ms(kind.p99_ms):>8} {kind.errors:>6} "
            f"{_ms(kind.server_p50_ms):>10} {_ms(kind.server_p95_ms):>10}",
            file=out,
        )
        for error in kind.first_errors:
            print(f"    error: {error}", file=out)
    timeline = reached.get("timeline", [])
    if timeline:
        steps = ", ".join(f"{step} at {seconds:.0f} s" for step, seconds in timeline)
        print(f"the workshop: {steps}", file=out)
    if reached.get("pdf_seconds") is not None:
        print(
            f"the record's PDF: asked, drawn by the worker and downloaded in "
            f"{reached['pdf_seconds']:.1f} s ({reached.get('pdf_bytes', 0):,} bytes)",
            file=out,
        )
    print(f"{'errors':<38} {report.errors:>6}   target 0", file=out)
    for missing in report.incomplete:
        print(f"INCOMPLETE: {missing}", file=out)
    print(
        "Times are measured by the load generator (locust, on the same machine) from sending a "
        "request to reading its whole answer, from the first request on; the server's (gunicorn's "
        "access log) leave out the wait for a free worker.",
        file=out,
    )


# --- the command line -------------------------------------------------------------------------


def product_arguments(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(
        prog="python -m bench.product",
        description="The whole product under load: a workshop of 50, the PDF worker, the "
        "history; locust against gunicorn on a fresh PostgreSQL database.",
    )
    parser.add_argument(
        "--product-run-time",
        dest="product_run_time",
        type=int,
        metavar="SECONDS",
        help=f"how long the run lasts (default {RUN_TIME_S}; {QUICK_RUN_TIME_S} with --quick; "
        "at least 30: the workshop's script needs it)",
    )
    return parser


def product_main(options: argparse.Namespace, out: TextIO) -> int:
    """0 when every request succeeded and the workshop got through; 1 otherwise (0 with a note
    when PostgreSQL is missing outside CI)."""
    quick = getattr(options, "quick", False)
    run_time_s = options.product_run_time or (QUICK_RUN_TIME_S if quick else RUN_TIME_S)
    if not 30 <= run_time_s <= 600:
        print(f"the run time must be from 30 to 600 seconds, not {run_time_s}", file=out)
        return 2
    try:
        report = product_run(
            run_time_s=run_time_s,
            redis_url=getattr(options, "redis_url", ""),
            artifacts=getattr(options, "artifacts", None),
        )
    except LoadSkipped as skipped:
        print(f"Whole product load run SKIPPED: {skipped}", file=out)
        return 1 if os.environ.get("CI") == "true" else 0
    product_print(report, out)
    return 1 if report.errors or report.incomplete else 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["seed"]:
        parser = argparse.ArgumentParser(prog="python -m bench.product seed")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--history-readers", type=int, default=HISTORY_READERS)
        options = parser.parse_args(argv[1:])
        made = _seed(history_readers=options.history_readers)
        options.out.write_text(json.dumps(made), encoding="utf-8")
        return 0
    parser = product_arguments()
    parser.add_argument("--redis-url", default="", metavar="URL")
    parser.add_argument("--artifacts", type=Path, metavar="DIR")
    return product_main(parser.parse_args(argv), sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
