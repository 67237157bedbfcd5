"""SQLite under concurrent writers: two app server processes of ten threads each on one SQLite
file, with the project's settings (WAL, IMMEDIATE transactions, a 20 s busy timeout), take
twenty seconds of votes, ready signals and the facilitator's autosaves through the real app.
Nobody is told "database is locked", no request fails, and every write a browser was told
succeeded is in the database. Over real HTTP, against gunicorn (tests/multiserver/conftest.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from bench.forms import form_as_posted, swapped_in_value
from bench.load import Room
from tests.multiserver import people

pytestmark = pytest.mark.multiserver

WRITING_S = 20  # how long the writers write: the loop's bound, never an assertion
PARTICIPANTS_PER_ROOM = 9  # two rooms: 18 participants and 2 facilitators, 10 per server
THREAD_TIMEOUT_S = WRITING_S + 60
LOCKED = "database is locked"


@dataclass
class Writes:
    """What one writer sent and what it was told: every status, any answer that mentions a
    locked database, and the writes acknowledged (the last one of each kind counts)."""

    statuses: list[int] = field(default_factory=list)
    locked: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    acknowledged: int = 0

    def take(self, answer, *, expected: int) -> bool:
        self.statuses.append(answer.status)
        if LOCKED in answer.text:
            self.locked.append(answer.text[:300])
        if answer.status != expected:
            self.failures.append(f"{answer.status}: {people.visible(answer)[:300]}")
            return False
        self.acknowledged += 1
        return True


@dataclass
class Participant:
    name: str
    room: Room
    writes: Writes = field(default_factory=Writes)
    ballot: dict[str, tuple[str, str]] = field(default_factory=dict)  # last acknowledged
    ready: bool | None = None  # last acknowledged


@dataclass
class Facilitator:
    room: Room
    writes: Writes = field(default_factory=Writes)
    notes: str | None = None  # the last trigger notes acknowledged as saved
    saves: int = 0


def _participant_writes(
    server: str, session: str, who: Participant, go: Callable[[], float]
) -> None:
    room = who.room
    phone = people.seated(server, room, session)
    page = phone.get(room.paths["participant"])
    form = form_as_posted(page.text, action=room.paths["participant-vote"])
    ready_form = form_as_posted(page.text, action=room.paths["participant-ready"])
    prefix = f"vote{room.workflow_id}-"
    dimensions = sorted(room.dimension_values)
    until = go()
    turn = 0
    while time.monotonic() < until:
        turn += 1
        if turn % 3:
            ballot = {
                dimension: (values[turn % len(values)], f"{who.name}, pass {turn}")
                for dimension, values in ((d, room.dimension_values[d]) for d in dimensions)
            }
            for dimension, (value, reason) in ballot.items():
                form[f"{prefix}{dimension}"] = value
                form[f"{prefix}{dimension}_reason"] = reason
            if who.writes.take(phone.post(room.paths["participant-vote"], form), expected=302):
                who.ballot = ballot
        else:
            wanted = not who.ready
            ready_form["ready"] = "1" if wanted else "0"
            answer = phone.post(room.paths["participant-ready"], ready_form)
            if who.writes.take(answer, expected=302):
                who.ready = wanted


def _facilitator_writes(server: str, who: Facilitator, go: Callable[[], float]) -> None:
    room = who.room
    console = people.facilitator(server, room)
    form = people.console_form(console, room)
    version_field, notes_field = f"p{room.phase}-version", f"p{room.phase}-trigger_notes"
    until = go()
    turn = 0
    while time.monotonic() < until:
        turn += 1
        notes = f"Billing reads the orders, draft {turn}"
        form[notes_field] = notes
        answer = console.post(room.paths["phase-save"], form, headers=people.HTMX)
        if who.writes.take(answer, expected=200) and "Saved at" in answer.text:
            who.notes, who.saves = notes, who.saves + 1
            form[version_field] = swapped_in_value(answer.text, name=version_field)
        elif answer.status == 200:
            who.writes.failures.append(f"refused: {people.visible(answer)[:300]}")


def _guarded(work: Callable[[], None], writes: Writes) -> None:
    try:
        work()
    except OSError as error:  # refused, reset, timed out: never acknowledged
        writes.failures.append(f"{type(error).__name__}: {error}")


def test_it_takes_twenty_seconds_of_writes_from_two_processes_on_one_sqlite_file(
    two_servers_on_sqlite,
):
    servers = two_servers_on_sqlite
    rooms = servers.more_rooms(phase=2, participants=PARTICIPANTS_PER_ROOM, workshops=2)
    versions_before = {
        room.workflow_id: people.workflow_field(servers.database_url, room, "version")
        for room in rooms
    }
    seats = [
        (session, Participant(name=f"Participant {n}", room=room))
        for room in rooms
        for n, session in enumerate(room.participant_sessions, start=1)
    ]
    facilitators = [Facilitator(room=room) for room in rooms]
    # Ten writers on each server: half of each room's participants and one facilitator. All
    # of them load their pages first, then write from the same moment for WRITING_S.
    until: list[float] = []
    start = threading.Barrier(
        len(seats) + len(facilitators),
        action=lambda: until.append(time.monotonic() + WRITING_S),
        timeout=THREAD_TIMEOUT_S,
    )

    def go() -> float:
        start.wait()
        return until[0]

    work: list[tuple[Callable[[], None], Writes]] = []
    for number, (session, who) in enumerate(seats):
        server = (servers.a, servers.b)[number % 2]
        work.append(
            (lambda s=server, x=session, w=who: _participant_writes(s, x, w, go), who.writes)
        )
    for number, who in enumerate(facilitators):
        server = (servers.a, servers.b)[number % 2]
        work.append((lambda s=server, w=who: _facilitator_writes(s, w, go), who.writes))
    assert len(work) == 20

    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        done = [pool.submit(_guarded, job, writes) for job, writes in work]
        for future in done:
            future.result(timeout=THREAD_TIMEOUT_S)

    everyone = [who.writes for _session, who in seats] + [who.writes for who in facilitators]
    statuses = [status for writes in everyone for status in writes.statuses]
    assert [s for s in statuses if s >= 500] == []
    assert [text for writes in everyone for text in writes.locked] == []
    assert [failure for writes in everyone for failure in writes.failures] == []
    assert LOCKED not in servers.server_logs()
    assert "Traceback" not in servers.server_logs()
    assert all(writes.acknowledged for writes in everyone)  # every writer wrote

    # Every acknowledged write is there: each participant's last ballot and ready signal, and
    # each facilitator's last notes, with the workflow's version moved once per save.
    for room in rooms:
        written = people.participants_written(servers.database_url, room)
        for _session, who in seats:
            if who.room == room:
                assert written[who.name] == (who.ballot, room.phase if who.ready else None)
        (facilitator,) = (who for who in facilitators if who.room == room)
        assert facilitator.saves
        assert people.workflow_field(servers.database_url, room, "trigger_notes") == (
            facilitator.notes
        )
        assert people.workflow_field(servers.database_url, room, "version") == (
            versions_before[room.workflow_id] + facilitator.saves
        )
    print(
        f"\nSQLite, two processes x ten threads, {WRITING_S} s: {len(statuses)} writes "
        f"acknowledged, none refused"
    )
