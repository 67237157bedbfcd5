"""Joining a workshop's room in tests: a participant made by the real service, and a test client
(a browser) that is that participant, remembered in its session as the join page does it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import NamedTuple

from django.test import Client

from workshops.models import Participant, Workshop
from workshops.services.room import participant_join
from workshops.views.room_access import participant_remember


def remember(client: Client, participant: Participant) -> Client:
    """Let `client` in as `participant` (its other workshops stay), through the same
    room_access.participant_remember the join views call."""
    session = client.session
    participant_remember(SimpleNamespace(session=session), participant)
    session.save()
    return client


def join_as(
    client: Client,
    workshop: Workshop,
    name: str = "Dana",
    role: str = Participant.Role.OPERATIONS,
    involvement: str = Participant.Involvement.CONSULTED,
) -> Participant:
    """A participant who joined `workshop` from the device `client` stands for."""
    participant = participant_join(workshop=workshop, name=name, role=role, involvement=involvement)
    remember(client, participant)
    return participant


def session_cookie(client: Client) -> str:
    """The session cookie's value, for a real browser to become the same participant."""
    return client.cookies["sessionid"].value


class Member(NamedTuple):
    """A participant and the browser (test client) that is them."""

    client: Client
    participant: Participant


def join(
    workshop: Workshop,
    name: str,
    role: str = Participant.Role.OPERATIONS,
    involvement: str = Participant.Involvement.CONSULTED,
) -> Member:
    """A participant who joined `workshop` from a browser of their own."""
    client = Client()
    return Member(client, join_as(client, workshop, name, role, involvement))
