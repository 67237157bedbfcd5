"""A participant's page: the current phase's questions, following the facilitator's phase.
(Being built: see issue 9.)"""

from __future__ import annotations


def _todo(request, *args, **kwargs):
    raise NotImplementedError


participant_page = participant_state = delay_save = vote_save = risk_propose = _todo
dot_toggle = ready_toggle = consent_save = _todo
