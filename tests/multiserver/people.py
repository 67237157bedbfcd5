"""The people of a workshop served by two app servers, as their browsers speak to them over
HTTP: a participant joining and voting, the facilitator's console, and the page as read."""

from __future__ import annotations

import html
import re

from bench.forms import form_as_posted
from bench.load import Answer, Browser, Room, database_rows

HTMX = {"HX-Request": "true"}


def visible(page: Answer | str) -> str:
    """The page's text as read on screen: tags dropped, spaces folded."""
    text = page.text if isinstance(page, Answer) else page
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    return re.sub(r" ([:,.;])", r"\1", text)  # "<strong>Trigger</strong>: 3" reads "Trigger: 3"


def join(server: str, room: Room, name: str, role: str = "engineering") -> Browser:
    """A participant's phone joining through the invite link, as its form posts it."""
    phone = Browser(server)
    invite = room.paths["join-invite"]
    page = phone.get(invite)
    assert page.status == 200, page.text[:500]
    form = form_as_posted(page.text, action=invite)
    form.update(name=name, role=role, involvement="consulted")
    joined = phone.post(invite, form)
    assert joined.status == 302, visible(joined)[:500]
    assert joined.location == room.paths["participant"]
    return phone


def seated(server: str, room: Room, session: str) -> Browser:
    """The phone of a participant the seed joined (Room.participant_sessions), its page
    loaded once so that it holds the CSRF cookie its posts send back."""
    phone = Browser(server, cookies={room.session_cookie: session})
    page = phone.get(room.paths["participant"])
    assert page.status == 200, visible(page)[:500]
    return phone


def vote_form(phone: Browser, room: Room, votes: dict[str, str], reason: str = "") -> dict:
    """The participant's vote form as their page draws it, with `votes` chosen."""
    page = phone.get(room.paths["participant"])
    assert page.status == 200, visible(page)[:500]
    form = form_as_posted(page.text, action=room.paths["participant-vote"])
    prefix = f"vote{room.workflow_id}-"
    for dimension, value in votes.items():
        form[f"{prefix}{dimension}"] = value
        if reason:
            form[f"{prefix}{dimension}_reason"] = reason
    return form


def vote(phone: Browser, room: Room, votes: dict[str, str], reason: str = "") -> None:
    answer = phone.post(room.paths["participant-vote"], vote_form(phone, room, votes, reason))
    assert answer.status == 302, visible(answer)[:500]  # without JavaScript: back to the page


def facilitator(server: str, room: Room, session: int = 0) -> Browser:
    return Browser(server, cookies={room.session_cookie: room.facilitator_sessions[session]})


def panel(facilitator: Browser, room: Room) -> Answer:
    """The console's live panel of phase 2, as its poll asks for it."""
    answer = facilitator.get(f"{room.paths['live-panel']}?phase=2", headers=HTMX)
    assert answer.status == 200, answer.text[:500]
    return answer


def console_form(facilitator: Browser, room: Room) -> dict:
    """The console's form of the room's phase, as loaded now (its version with it)."""
    console = facilitator.get(room.paths["console"])
    assert console.status == 200, visible(console)[:500]
    return form_as_posted(console.text, action=room.paths["phase-save"])


def workflow_field(database_url: str, room: Room, column: str) -> object:
    """One column of the room's workflow row, as the database holds it now."""
    if not re.fullmatch(r"[a-z_]+", column):
        raise ValueError(f"not a column name: {column!r}")
    ((value,),) = database_rows(
        database_url, f"SELECT {column} FROM workshops_workflow WHERE id = %s", [room.workflow_id]
    )
    return value


def participants_written(database_url: str, room: Room) -> dict[str, tuple[dict, int | None]]:
    """What the database holds of each of the room's participants, by name: their votes
    (dimension: (value, reason)) and the phase they said they are ready to leave."""
    written: dict[str, tuple[dict, int | None]] = {}
    ids: dict[int, str] = {}
    for participant, name, ready_phase in database_rows(
        database_url,
        "SELECT id, name, ready_phase FROM workshops_participant WHERE workshop_id = %s",
        [room.workshop_id],
    ):
        ids[participant] = name
        written[name] = ({}, ready_phase)
    for participant, dimension, value, reason in database_rows(
        database_url,
        "SELECT participant_id, dimension, value, reason FROM workshops_dimensionvote "
        "WHERE workflow_id = %s",
        [room.workflow_id],
    ):
        written[ids[participant]][0][dimension] = (value, reason)
    return written
