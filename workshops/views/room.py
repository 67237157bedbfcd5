"""The room: the projector's view and the facilitator's controls of the invite, the clock and
the facilitator role. (Being built: see issue 9.)"""

from __future__ import annotations


def _todo(request, *args, **kwargs):
    raise NotImplementedError


room_view = room_state = invite_rotate = joining_toggle = clock_toggle = hand_off = _todo


def console_room_context(workshop, workflows, workflow, phase) -> dict:
    """What the console's room card shows (merged into the console's context)."""
    return {}
