"""Ids as a request carries them (a form field, a query parameter): digits only, as many as
an id of ours can have. isdigit() alone takes "²" and "١", which int() refuses or reads."""

from __future__ import annotations

import re

ID_SHAPE = re.compile(r"[0-9]{1,12}")


def id_or_none(value: str | None) -> int | None:
    """The id `value` names, or None when it is no id of ours (never sent to the database)."""
    if value is None or not ID_SHAPE.fullmatch(value):
        return None
    return int(value)
