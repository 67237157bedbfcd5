"""The facilitator's live panel of the room's answers, and settling on them: revealing votes,
taking the room's answers and the top proposed risks. (Being built: see issue 9.)"""

from __future__ import annotations


def _todo(request, *args, **kwargs):
    raise NotImplementedError


live_panel = votes_reveal = delays_apply = profile_apply = risks_adopt = _todo


def console_live_context(workshop, workflows, workflow, phase) -> dict:
    """What the console's live panel shows (merged into the console's context)."""
    return {}
