"""Backup and restore as docs/deploying.md says to make them: the commands of its "Backup and
restore" section, read from the document and run as written, restore every decision exactly,
its JSON export byte for byte and its record page as read, into a fresh database. The
portable procedure (dumpdata, loaddata) on either database; pg_dump on PostgreSQL."""

from __future__ import annotations

import difflib
import json
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from bench.load import fresh_database, server_environment
from tests.workshops.builders import NIGHTLY_BATCH, decide, profile
from tests.workshops.hybrids import decide_hybrid, split_into_hybrid
from workshops.models import Decision, FigureNote
from workshops.services.decisions import decision_transition
from workshops.services.room import consent_record, participant_join
from workshops.services.workshops import workshop_create, workshop_start

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DOC = BASE_DIR / "docs" / "deploying.md"
COMMAND_TIMEOUT_S = 180
# What each procedure runs, in order: the backup (on DATABASE_URL), then the restore (the
# doc's commands name the new database RESTORE_URL).
PROCEDURES = {
    "dumpdata": (("manage.py", "dumpdata"), ("manage.py", "migrate"), ("manage.py", "loaddata")),
    "pg_dump": (("pg_dump",), ("pg_restore",), ("manage.py", "migrate")),
}


def _doc_commands() -> list[list[str]]:
    """The shell commands of the doc's "Backup and restore" section, each as its words."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## Backup and restore\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if words := shlex.split(line, comments=True):
                commands.append(words)
    return commands


def _doc_command(program: tuple[str, ...]) -> list[str]:
    """The doc's command that runs `program` (e.g. manage.py loaddata), as written."""
    found = [
        words
        for words in _doc_commands()
        if any(
            tuple(words[n : n + len(program)]) == program
            for n in range(len(words) - len(program) + 1)
        )
    ]
    assert len(found) >= 1, f"docs/deploying.md has no {' '.join(program)} under Backup and restore"
    return found[-1]  # migrate comes twice: the last one, a restore's


def _run(words: list[str], *, environment: Mapping[str, str], cwd: Path) -> None:
    """One of the doc's commands, as a shell would run it from the checkout: its leading
    NAME=value words set the environment, $NAME reads it."""
    environment = dict(environment)

    def expand(word: str) -> str:
        return re.sub(r"\$(\w+)", lambda name: environment[name.group(1)], word)

    words = list(words)
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        name, value = words.pop(0).split("=", 1)
        environment[name] = expand(value)
    program = {".venv/bin/python": sys.executable, "manage.py": str(BASE_DIR / "manage.py")}
    command = [program.get(word) or expand(word) for word in words]
    finished = subprocess.run(
        command,
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    assert finished.returncode == 0, f"{' '.join(words)}:\n{finished.stderr[-3000:]}"


def _records(environment: Mapping[str, str], database_url: str) -> dict:
    """Every decision as read from `database_url` (tests/parsecgo_site/records.py)."""
    finished = subprocess.run(
        [sys.executable, "-m", "tests.parsecgo_site.records"],
        cwd=BASE_DIR,
        env={**environment, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(finished.stdout)


def _suite_database_url() -> str:
    """The URL of the database this test writes to, for the commands to back it up."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    where = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    return f"postgres://{quote(settings['USER'], safe='')}{password}@{where}/{settings['NAME']}"


@contextmanager
def _fresh(tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the suite's kind, to restore into."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        with fresh_database("restore", admin_url=_suite_database_url()) as url:
            yield url


def _decisions_made(team, facilitator, teammate) -> None:
    """Decisions of every kind, made through the services as the pages make them."""
    accepted = decide(
        team,
        facilitator,
        "Stock levels to the warehouse",
        note="Agreed at the review",
        **NIGHTLY_BATCH,
    )
    # Figures noted on the record since (no service writes them yet: the model is new).
    for noted_on, volume in ((date(2026, 3, 1), 3_100_000), (date(2026, 9, 1), 9_800_000)):
        FigureNote.objects.create(
            decision=accepted,
            noted_on=noted_on,
            noted_by=teammate,
            author=teammate.get_username(),
            volume_value=volume,
            latency_value=30,
            latency_unit="minutes",
            consumers=4,
            text="Read off the warehouse dashboard.",
        )
    hybrid = workshop_create(
        team=team,
        title="Stock to the warehouse and the shelves",
        scheduled_at=accepted.created_at,
        facilitator=facilitator,
    )
    decide_hybrid(split_into_hybrid(hybrid), facilitator)
    # Proposed in the room, consented to (one objection, with its reason), then accepted.
    room = workshop_create(
        team=team,
        title="Prices to the tills",
        scheduled_at=accepted.created_at,
        facilitator=facilitator,
    )
    profile(room)
    room = workshop_start(workshop=room)
    dana = participant_join(
        workshop=room, name="Dana", role="operations", involvement="decision_maker"
    )
    zoe = participant_join(workshop=room, name="Zoë", role="business", involvement="decision_maker")
    proposed = decide(room, facilitator, status=Decision.Status.PROPOSED)
    consent_record(participant=dana, decision=proposed, answer="agree")
    consent_record(participant=zoe, decision=proposed, answer="object", reason="Tills go offline")
    decision_transition(
        decision=proposed,
        to_status=Decision.Status.ACCEPTED,
        by=teammate,
        note="Tills cache prices",
    )
    decide(
        team, facilitator, "Orders to billing", status=Decision.Status.DEPRECATED, note="Replaced"
    )
    decide(team, teammate, "Returns to finance", status=Decision.Status.REJECTED, note="Too costly")
    decide(team, teammate, "Invoices to the archive", status=Decision.Status.DRAFT)


def _difference(before: object, after: object) -> str:
    lines = [json.dumps(side, indent=1, sort_keys=True).splitlines() for side in (before, after)]
    return "\n".join(difflib.unified_diff(*lines, "backed up", "restored", lineterm="", n=1))


@pytest.mark.parametrize(
    "procedure", ["dumpdata", "pg_dump"] if connection.vendor == "postgresql" else ["dumpdata"]
)
def test_it_restores_every_decision_exactly_with_the_documented_commands(
    procedure, catalogue, team, facilitator, teammate, tmp_path
):
    _decisions_made(team, facilitator, teammate)
    backup, restore, *rest = (_doc_command(program) for program in PROCEDURES[procedure])
    environment = server_environment(_suite_database_url(), tmp_path)
    before = _records(environment, _suite_database_url())
    assert len(before) - 1 == Decision.objects.count() == 6
    assert len(before["figure notes"]) == 2

    _run(backup, environment=environment, cwd=tmp_path)
    with _fresh(tmp_path) as restored:
        for command in (restore, *rest):
            _run(command, environment={**environment, "RESTORE_URL": restored}, cwd=tmp_path)
        after = _records(environment, restored)

    assert after.keys() == before.keys()
    for key in before:
        # The JSON export byte for byte, the record page as read, the figure notes.
        assert after[key] == before[key], _difference(before[key], after[key])
