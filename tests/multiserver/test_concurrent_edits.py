"""Concurrent edits through two app servers on one PostgreSQL database lose nothing: of the
facilitators autosaving one phase form from the same version, one wins and the others are told,
with both values shown beside the field; the participants' dots all count, three each and no
more, whichever server each click reaches. Over real HTTP (tests/multiserver/conftest.py)."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.forms import form_as_posted, swapped_in_value
from bench.load import Answer, Browser, database_rows
from tests.multiserver import people

pytestmark = pytest.mark.multiserver

THREAD_TIMEOUT_S = 30
CONFLICT = "Not saved — someone else changed this; their values are beside yours."
ROUNDS = 3
EDITORS = 4  # two through each server
CANDIDATES = ("batch", "streaming")
# A proposal's dots as the participant's page draws them: "●●● 3 dots".
DOTS_DRAWN = r'<span class="dot-marks" aria-hidden="true">[^<]*</span> (\d+) dots?</span>'
DOT_REFUSED = "You have placed your 3 dots for this candidate; take one back to move it."


def _at_once(calls: list) -> list:
    """Every call made at the same moment, each from a thread of its own; their answers."""
    start = threading.Barrier(len(calls), timeout=THREAD_TIMEOUT_S)

    def run(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls, timeout=THREAD_TIMEOUT_S))


def _save(editor: Browser, room, form: dict) -> Answer:
    answer = editor.post(room.paths["phase-save"], form, headers=people.HTMX)
    assert answer.status == 200, people.visible(answer)[:500]
    return answer


def test_it_lets_one_of_four_concurrent_autosaves_win_each_version_and_shows_the_others_both_values(
    two_servers,
):
    room = two_servers.rooms[0]
    servers = [two_servers.a, two_servers.b] * (EDITORS // 2)
    editors = [people.facilitator(server, room) for server in servers]
    notes, version = f"p{room.phase}-trigger_notes", f"p{room.phase}-version"
    for round_number in range(1, ROUNDS + 1):
        forms = [people.console_form(editor, room) for editor in editors]
        loaded = people.workflow_field(two_servers.database_url, room, "version")
        assert {int(form[version]) for form in forms} == {loaded}  # all from the same version
        typed = [f"Round {round_number}: orders reach billing by editor {n}" for n in range(4)]
        for form, text in zip(forms, typed, strict=True):
            form[notes] = text
        answers = _at_once(
            [
                lambda e=editor, f=form: _save(e, room, f)
                for editor, form in zip(editors, forms, strict=True)
            ]
        )

        won = [n for n, answer in enumerate(answers) if "Saved at" in answer.text]
        assert len(won) == 1, [people.visible(answer)[:300] for answer in answers]
        (winner,) = won
        saved = people.workflow_field(two_servers.database_url, room, "trigger_notes")
        assert saved == typed[winner]
        assert people.workflow_field(two_servers.database_url, room, "version") == loaded + 1
        assert swapped_in_value(answers[winner].text, name=version) == str(loaded + 1)
        for loser in set(range(EDITORS)) - {winner}:
            told = people.visible(answers[loser])
            assert CONFLICT in told
            # Both values beside the field: the one typed, and the one saved meanwhile.
            assert f"Yours: {typed[loser]} · saved by someone else: {typed[winner]}" in told
            # The form now carries the version saved, so that saving again keeps theirs.
            assert swapped_in_value(answers[loser].text, name=version) == str(loaded + 1)

    # The one who lost the last round saves again, with the version they were given: theirs
    # stands, over the winner's.
    loser = next(n for n in range(EDITORS) if n != winner)
    forms[loser][version] = swapped_in_value(answers[loser].text, name=version)
    again = _save(editors[loser], room, forms[loser])
    assert "Saved at" in again.text
    assert people.workflow_field(two_servers.database_url, room, "trigger_notes") == typed[loser]
    # And the console, loaded from either server, shows it.
    for server in (two_servers.a, two_servers.b):
        assert people.console_form(people.facilitator(server, room), room)[notes] == typed[loser]


def _dot_forms(page: Answer) -> list[str]:
    """The dot buttons' form actions on a participant's page, in the order drawn."""
    return re.findall(r'<form method="post" action="([^"]+/dot/)"', page.text)


def test_it_counts_every_dot_placed_at_once_through_both_servers_three_for_each_participant(
    two_servers,
):
    (room,) = two_servers.more_rooms(phase=4, participants=6, candidates=CANDIDATES)
    servers = [two_servers.a, two_servers.b] * 3
    phones = [
        people.seated(server, room, session)
        for server, session in zip(servers, room.participant_sessions, strict=True)
    ]
    # Four risks proposed for the first candidate, by two of the room.
    for n, phone in enumerate(phones[:2] * 2):
        page = phone.get(room.paths["participant"])
        form = form_as_posted(page.text, action=room.paths["participant-risk"])
        assert form["pattern"] == CANDIDATES[0]
        prefix = f"risk{room.workflow_id}-{CANDIDATES[0]}-"
        form[f"{prefix}title"] = f"Risk {n + 1}: the nightly file is late"
        form[f"{prefix}mitigation"] = "Alert on it."
        proposed = phone.post(room.paths["participant-risk"], form)
        assert proposed.status == 302, people.visible(proposed)[:500]
    page = phones[0].get(room.paths["participant"])
    dots = _dot_forms(page)
    assert len(dots) == 4

    # Everyone clicks all four at once: one click too many each, half of them through A.
    clicks = []
    for phone in phones:
        token = form_as_posted(phone.get(room.paths["participant"]).text, action=dots[0])
        for number, dot in enumerate(dots):
            server = (two_servers.a, two_servers.b)[number % 2]
            on = Browser(server, cookies=dict(phone.cookies))
            clicks.append((phone, lambda b=on, d=dot, t=token: b.post(d, t, headers=people.HTMX)))
    answers = _at_once([click for _phone, click in clicks])

    assert [answer.status for answer in answers] == [200] * len(answers)
    for phone in phones:
        told = [
            people.visible(answer)
            for (clicked, _click), answer in zip(clicks, answers, strict=True)
            if clicked is phone
        ]
        assert sum(DOT_REFUSED in text for text in told) == 1  # the fourth dot, whichever
    rows = database_rows(
        two_servers.database_url,
        "SELECT d.participant_id, count(*) FROM workshops_riskdot d "
        "JOIN workshops_riskproposal p ON p.id = d.proposal_id WHERE p.workflow_id = %s "
        "GROUP BY d.participant_id",
        [room.workflow_id],
    )
    assert sorted(count for _participant, count in rows) == [3] * 6
    # Both servers draw the 18 dots, and every participant has none left.
    for server, phone in zip((two_servers.a, two_servers.b), phones, strict=False):
        page = Browser(server, cookies=dict(phone.cookies)).get(room.paths["participant"])
        assert sum(int(n) for n in re.findall(DOTS_DRAWN, page.text)) == 18
        assert "Dots left: 0 of 3" in people.visible(page)
