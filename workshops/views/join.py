"""Joining a workshop from one's own device: the short code, the invite link, name and role.
(Being built: see issue 9.)"""

from __future__ import annotations


def join_code(request, *args, **kwargs):
    raise NotImplementedError


def join_invite(request, *args, **kwargs):
    raise NotImplementedError
