"""Two app servers on one PostgreSQL database behave as one: what a participant does through
one shows on the facilitator's page served by the other, concurrent votes through both all
count, and a poll's ETag from one server is answered 304 by the other until the room changes.
Over real HTTP, against gunicorn processes (tests/multiserver/conftest.py)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.forms import form_as_posted
from bench.load import Browser, Room, database_rows, live_element
from tests.multiserver import people

pytestmark = pytest.mark.multiserver

DIMENSIONS = ("trigger", "granularity", "consistency", "failure")
THREAD_TIMEOUT_S = 30


def _votes_in_database(two_servers, room: Room) -> list[tuple]:
    return database_rows(
        two_servers.database_url,
        "SELECT participant_id, dimension, value FROM workshops_dimensionvote "
        "WHERE workflow_id = %s ORDER BY participant_id, dimension",
        [room.workflow_id],
    )


def test_it_shows_votes_cast_through_one_server_on_the_facilitators_page_served_by_the_other(
    two_servers,
):
    room = two_servers.rooms[0]
    ana = people.join(two_servers.a, room, "Ana", "engineering")
    bo = people.join(two_servers.a, room, "Bo", "operations")
    cy = people.join(two_servers.a, room, "Cy", "business")
    people.vote(ana, room, {"trigger": "event"}, reason="Billing must see an order within seconds")
    people.vote(bo, room, {"trigger": "event"})
    people.vote(cy, room, {"trigger": "scheduled", "failure": "retry"})

    facilitator = people.facilitator(two_servers.b, room)
    hidden = people.visible(people.panel(facilitator, room))
    assert "Trigger: 3 of 3 have voted" in hidden
    assert "Failure handling: 1 of 3 have voted" in hidden
    assert "Granularity: 0 of 3 have voted" in hidden
    assert "Billing must see an order within seconds" not in hidden  # hidden until revealed

    console = facilitator.get(room.paths["console"])
    assert console.status == 200
    reveal = form_as_posted(console.text, action=room.paths["votes-reveal"])
    revealed = facilitator.post(room.paths["votes-reveal"], reveal)
    assert revealed.status == 302

    # Revealed through B: the console served by A shows the spread and the reasons.
    shown = people.facilitator(two_servers.a, room).get(room.paths["console"])
    assert 'aria-label="Event (push): 2 of 3 votes"' in shown.text
    assert 'aria-label="Scheduled (pull): 1 of 3 votes"' in shown.text
    assert "“Billing must see an order within seconds” — Ana (Engineering), for Event (push)" in (
        people.visible(shown)
    )


def test_it_counts_every_one_of_twelve_votes_cast_at_once_through_both_servers(two_servers):
    room = two_servers.rooms[1]
    servers = [two_servers.a, two_servers.b] * 6
    phones = [
        people.join(server, room, f"Voter {n}", ("engineering", "operations", "business")[n % 3])
        for n, server in enumerate(servers, start=1)
    ]
    # Seven for events, five for a schedule; every voter on every dimension.
    ballots = [
        {
            "trigger": "event" if n < 7 else "scheduled",
            "granularity": "record",
            "consistency": "eventual",
            "failure": "dead_letter",
        }
        for n in range(12)
    ]
    forms = [
        people.vote_form(phone, room, ballot) for phone, ballot in zip(phones, ballots, strict=True)
    ]
    start = threading.Barrier(len(phones), timeout=THREAD_TIMEOUT_S)

    def cast(phone: Browser, form: dict) -> int:
        start.wait()  # all twelve posts leave together, six to each server
        return phone.post(room.paths["participant-vote"], form).status

    with ThreadPoolExecutor(max_workers=len(phones)) as pool:
        statuses = list(pool.map(cast, phones, forms, timeout=THREAD_TIMEOUT_S))

    assert statuses == [302] * 12
    rows = _votes_in_database(two_servers, room)
    assert len(rows) == 48
    assert len({participant for participant, _dimension, _value in rows}) == 12
    assert (
        sum(1 for _p, dimension, value in rows if (dimension, value) == ("trigger", "event")) == 7
    )
    # Everyone voted on everything: the votes show by themselves, on either server.
    for server in (two_servers.a, two_servers.b):
        panel = people.panel(people.facilitator(server, room), room).text
        assert 'aria-label="Event (push): 7 of 12 votes"' in panel
        assert 'aria-label="Scheduled (pull): 5 of 12 votes"' in panel
        assert 'aria-label="Record (message or event): 12 of 12 votes"' in panel


def test_it_answers_304_on_one_server_to_the_etag_the_other_gave_until_the_room_changes(
    two_servers,
):
    room = two_servers.rooms[2]
    phone = people.join(two_servers.a, room, "Dee", "security")
    poll, _drawn = live_element(phone.get(room.paths["participant"]).text)
    assert poll.startswith(f"{room.paths['participant-state']}?shown=2")
    on_b = Browser(two_servers.b, cookies=phone.cookies)  # the same phone, balanced to B
    htmx = people.HTMX

    first = phone.get(poll, headers=htmx)
    assert first.status == 200
    etag = first.headers["etag"]
    for browser in (on_b, phone, on_b):
        unchanged = browser.get(poll, headers={**htmx, "If-None-Match": etag})
        assert unchanged.status == 304
        assert unchanged.text == ""
        assert unchanged.headers["etag"] == etag

    facilitator_a = people.facilitator(two_servers.a, room)
    facilitator_b = people.facilitator(two_servers.b, room)
    panel = f"{room.paths['live-panel']}?phase=2"
    panel_etag = facilitator_a.get(panel, headers=htmx).headers["etag"]
    assert facilitator_b.get(panel, headers={**htmx, "If-None-Match": panel_etag}).status == 304

    people.vote(phone, room, {"consistency": "strong"})  # through A

    changed = on_b.get(poll, headers={**htmx, "If-None-Match": etag})
    assert changed.status == 200
    assert changed.headers["etag"] != etag
    assert phone.get(poll, headers={**htmx, "If-None-Match": changed.headers["etag"]}).status == 304
    redrawn = facilitator_b.get(panel, headers={**htmx, "If-None-Match": panel_etag})
    assert redrawn.status == 200
    assert "Consistency: 1 of 1 have voted" in people.visible(redrawn)
