"""How a participant's browser proves who it is: the session remembers, per workshop joined,
the participant's id and device token. It reaches that workshop and nothing else."""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response

from workshops import selectors
from workshops.models import Participant

SESSION_KEY = "parsecgo_room"


class ParticipantRemoved(Exception):
    """The session joined this workshop, but the participant is no longer in it."""


def participant_remember(request: HttpRequest, participant: Participant) -> None:
    """Let this browser in as `participant` from now on (its other workshops stay)."""
    joined = _joined(request)
    joined[str(participant.workshop_id)] = [participant.pk, participant.device_token]
    request.session[SESSION_KEY] = joined


def participant_remembered(request: HttpRequest, workshop_id: int) -> bool:
    return _entry(request, workshop_id) is not None


def _joined(request: HttpRequest) -> dict:
    """The session's workshops joined; anything else found under the key (a session
    written by another version, or tampered with) counts as none joined."""
    joined = request.session.get(SESSION_KEY)
    return dict(joined) if isinstance(joined, dict) else {}


def _entry(request: HttpRequest, workshop_id: int) -> tuple[int, str] | None:
    """(participant id, device token) remembered for `workshop_id`, or None unless it has
    exactly that shape: the database is never asked about a malformed one (PostgreSQL
    refuses a NUL character, an id must be an int)."""
    entry = _joined(request).get(str(workshop_id))
    if not isinstance(entry, list | tuple) or len(entry) != 2:
        return None
    participant_id, device_token = entry
    if type(participant_id) is not int or not isinstance(device_token, str):
        return None
    if not device_token or "\x00" in device_token:
        return None
    return participant_id, device_token


def participant_load(request: HttpRequest, workshop_id: int) -> Participant:
    """The participant this browser is in `workshop_id`, with the workshop; 404 when it never
    joined it, ParticipantRemoved when the facilitator has removed it. Loaded once a request."""
    cached = getattr(request, "_room_participant", None)
    if cached is not None and cached.workshop_id == workshop_id:
        return cached
    entry = _entry(request, workshop_id)
    if entry is None:
        raise Http404("You have not joined this workshop.")
    participant_id, device_token = entry
    participant = selectors.participant_by_device(
        workshop_id=workshop_id, participant_id=participant_id, device_token=device_token
    )
    if participant is None:
        raise ParticipantRemoved()
    request._room_participant = participant
    return participant


def participant_required(view):
    """Wrap a participant's view: a removed participant gets a page that says so (403); an
    htmx request is sent there instead of swapping it into the page."""

    @wraps(view)
    def wrapper(request: HttpRequest, workshop_id: int, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, workshop_id, *args, **kwargs)
        except ParticipantRemoved:
            response = render(request, "workshops/room/removed.html", status=403)
            if request.htmx:
                response["HX-Refresh"] = "true"
            return response

    return wrapper


def live_response(request: HttpRequest, etag: str, draw) -> HttpResponse:
    """A live page's poll: 304 when the client already shows `etag` (a string naming the
    state drawn, e.g. the workshop's room_version), else `draw()`; either way with the ETag
    and told to revalidate every time. Elements poll through static/js/live.js."""
    quoted = f'"{etag}"'
    response = get_conditional_response(request, etag=quoted)
    if response is None:
        response = draw()
    response["ETag"] = quoted
    response["Cache-Control"] = "private, no-cache"
    return response
