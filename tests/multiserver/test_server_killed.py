"""One of two app servers killed (SIGKILL) in the middle of a workshop: every write a browser
was told succeeded is in the database, and the workshop goes on through the other server, as
a balancer sends everyone there. Over real HTTP, on PostgreSQL (tests/multiserver/conftest.py).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.client import HTTPException

import pytest

from bench.forms import form_as_posted, swapped_in_value
from bench.load import Browser, Room
from tests.multiserver import people

pytestmark = pytest.mark.multiserver

PARTICIPANTS = 6
WRITES_BEFORE_KILL = 30  # acknowledged by the server to be killed, all writers together
WRITES_AFTER_KILL = 8  # acknowledged through the other server, by each writer
MAX_TURNS = 400  # every writer stops by then, whatever happened
THREAD_TIMEOUT_S = 120
UNREACHABLE = (OSError, HTTPException)  # refused, reset, cut off mid-answer


@dataclass
class Stream:
    """The writers' shared state: what the doomed server acknowledged, and when it died."""

    acknowledged_by_a: int = 0
    killed: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def acknowledged(self, on_a: bool) -> None:
        if on_a:
            with self.changed:
                self.acknowledged_by_a += 1
                self.changed.notify_all()


@dataclass
class Writer:
    """One person writing through their server, then through the other when theirs dies."""

    name: str
    servers: list[Browser]  # [their own, the other]; the first is dropped when it dies
    on_a: bool  # whether their own server is the one killed
    acknowledged: int = 0
    after_kill: int = 0
    unreachable_after_kill: int = 0
    failures: list[str] = field(default_factory=list)

    def run(self, stream: Stream, write: Callable[[Browser], bool]) -> None:
        for _turn in range(MAX_TURNS):
            if self.after_kill >= WRITES_AFTER_KILL:
                return
            killed = stream.killed.is_set()
            browser = self.servers[0]
            try:
                acknowledged = write(browser)
            except UNREACHABLE as error:
                # Their server is dead (or died while this request was under way): the
                # balancer sends them to the one still up. Anything else is a failure.
                if stream.killed.is_set() and self.on_a and len(self.servers) == 2:
                    self.servers.pop(0)
                    self.unreachable_after_kill += 1
                    continue
                self.failures.append(f"{type(error).__name__}: {error}")
                return
            if not acknowledged:
                continue
            self.acknowledged += 1
            if killed:
                self.after_kill += 1
            else:
                stream.acknowledged(on_a=self.on_a and len(self.servers) == 2)
        self.failures.append(f"{self.name} did not finish in {MAX_TURNS} turns")


@dataclass
class Ballot:
    votes: dict[str, tuple[str, str]] | None = None  # the last acknowledged
    ready: bool | None = None


def _participant(room: Room, writer: Writer, ballot: Ballot) -> Callable[[Browser], bool]:
    page = writer.servers[0].get(room.paths["participant"])
    assert page.status == 200, people.visible(page)[:500]
    form = form_as_posted(page.text, action=room.paths["participant-vote"])
    ready_form = form_as_posted(page.text, action=room.paths["participant-ready"])
    prefix = f"vote{room.workflow_id}-"
    turns = iter(range(1, MAX_TURNS + 1))

    def write(browser: Browser) -> bool:
        turn = next(turns)
        if turn % 4:
            votes = {
                dimension: (values[turn % len(values)], f"{writer.name}, answer {turn}")
                for dimension, values in sorted(room.dimension_values.items())
            }
            for dimension, (value, reason) in votes.items():
                form[f"{prefix}{dimension}"] = value
                form[f"{prefix}{dimension}_reason"] = reason
            answer = browser.post(room.paths["participant-vote"], form)
            if answer.status != 302:
                writer.failures.append(f"vote: {answer.status} {people.visible(answer)[:300]}")
                return False
            ballot.votes = votes
        else:
            wanted = not ballot.ready
            ready_form["ready"] = "1" if wanted else "0"
            answer = browser.post(room.paths["participant-ready"], ready_form)
            if answer.status != 302:
                writer.failures.append(f"ready: {answer.status} {people.visible(answer)[:300]}")
                return False
            ballot.ready = wanted
        return True

    return write


@dataclass
class Saves:
    notes: str | None = None  # the last acknowledged, and the version it saved
    version: str | None = None
    conflicts: int = 0


def _facilitator(room: Room, writer: Writer, saves: Saves) -> Callable[[Browser], bool]:
    form = people.console_form(writer.servers[0], room)
    version, notes = f"p{room.phase}-version", f"p{room.phase}-trigger_notes"
    turns = iter(range(1, MAX_TURNS + 1))

    def write(browser: Browser) -> bool:
        typed = f"Orders reach billing within a minute (draft {next(turns)})"
        form[notes] = typed
        answer = browser.post(room.paths["phase-save"], form, headers=people.HTMX)
        if answer.status != 200:
            writer.failures.append(f"autosave: {answer.status} {people.visible(answer)[:300]}")
            return False
        # Saved: the next save carries the new version. Refused, because the save under way
        # when the server died went through unanswered: the answer carries the version to
        # save over it, as the console does on the next keystroke.
        form[version] = swapped_in_value(answer.text, name=version)
        if "Saved at" not in answer.text:
            saves.conflicts += 1
            if saves.conflicts > 1:
                writer.failures.append(f"autosave refused: {people.visible(answer)[:300]}")
            return False
        saves.notes, saves.version = typed, form[version]
        return True

    return write


def test_it_keeps_every_acknowledged_write_and_goes_on_when_one_server_is_killed(two_servers):
    (room,) = two_servers.more_rooms(phase=2, participants=PARTICIPANTS)
    a, b = two_servers.a, two_servers.b
    stream = Stream()
    jobs: list[tuple[Writer, Callable[[Browser], bool]]] = []
    ballots: dict[str, Ballot] = {}
    for n, session in enumerate(room.participant_sessions, start=1):
        home, other = (a, b) if n % 2 else (b, a)
        phone = people.seated(home, room, session)
        writer = Writer(
            name=f"Participant {n}",
            servers=[phone, Browser(other, cookies=phone.cookies)],
            on_a=home == a,
        )
        ballots[writer.name] = Ballot()
        jobs.append((writer, _participant(room, writer, ballots[writer.name])))
    console = people.facilitator(a, room)
    facilitator = Writer(
        name="the facilitator", servers=[console, Browser(b, cookies=console.cookies)], on_a=True
    )
    saves = Saves()
    jobs.append((facilitator, _facilitator(room, facilitator, saves)))

    doomed = two_servers.servers[0]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        running = [pool.submit(writer.run, stream, write) for writer, write in jobs]
        with stream.changed:
            reached = stream.changed.wait_for(
                lambda: stream.acknowledged_by_a >= WRITES_BEFORE_KILL, timeout=THREAD_TIMEOUT_S
            )
        assert reached, [writer.failures for writer, _write in jobs]
        stream.killed.set()  # first: a request cut off from now on is the kill's doing
        os.killpg(doomed.process.pid, signal.SIGKILL)  # the master and its worker, at once
        for future in running:
            future.result(timeout=THREAD_TIMEOUT_S)
    assert doomed.process.wait(timeout=10) == -signal.SIGKILL

    writers = [writer for writer, _write in jobs]
    assert [failure for writer in writers for failure in writer.failures] == []
    assert all(writer.after_kill == WRITES_AFTER_KILL for writer in writers)
    # Those whose server died were cut off once, then carried on through the other.
    assert all(writer.unreachable_after_kill == 1 for writer in writers if writer.on_a)

    # Every acknowledged write is in the database: each participant's last votes with their
    # reasons, their last ready signal, and the facilitator's last autosave at its version.
    written = people.participants_written(two_servers.database_url, room)
    for name, ballot in ballots.items():
        assert written[name] == (ballot.votes, room.phase if ballot.ready else None)
    assert people.workflow_field(two_servers.database_url, room, "trigger_notes") == saves.notes
    assert str(people.workflow_field(two_servers.database_url, room, "version")) == saves.version

    # The workshop goes on through B: its pages load, and one more vote counts.
    on_b = Browser(b, cookies=console.cookies)
    for path in (room.paths["console"], room.paths["room"]):
        assert on_b.get(path).status == 200
    events = sum(ballot.votes["trigger"][0] == "event" for ballot in ballots.values())
    assert f'aria-label="Event (push): {events} of 6 votes"' in people.panel(on_b, room).text
    phone = Browser(b, cookies=jobs[0][0].servers[-1].cookies)
    people.vote(phone, room, {"trigger": "event"}, reason="After the outage")
    votes, _ready = people.participants_written(two_servers.database_url, room)["Participant 1"]
    assert votes["trigger"] == ("event", "After the outage")
