"""Drawn once per version and shared by every app server: the one mechanism for cached drawings.

A drawing is the output of a template that is the same for everyone until something it shows
changes. Its cache key is made of the template's version and the state it shows, so nothing
is ever invalidated by hand: a change to the state makes a new key, and the old entry ages out.
Every drawing of the product is declared at the end of this module, with what invalidates it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Drawing:
    name: str
    # Bump when the template changes, so that what was drawn with the old one is drawn again.
    template_version: int
    timeout: int = 24 * 3600

    def key(self, *state: object) -> str:
        """The key of this drawing of `state`: the same state always gives the same key."""
        # 160 bits of the digest: collisions are out of reach, and the key fits RecordPdf's column.
        digest = hashlib.sha256(repr(state).encode()).hexdigest()[:40]
        return f"drawing:{self.name}:{self.template_version}:{digest}"

    def html(self, *state: object, draw: Callable[[], str]) -> SafeString:
        """The HTML drawn for `state`, from the shared cache, or drawn now and kept there."""
        key = self.key(*state)
        html = cache.get(key)
        if html is None:
            html = draw()
            cache.set(key, html, timeout=self.timeout)
        # Only our own templates draw these, and they escaped every value people typed.
        return mark_safe(html)


# The comparison table of the pattern catalogue. State: the catalogue's version (a pattern
# added, edited or deleted changes it).
CATALOGUE_TABLE = Drawing("catalogue-table", template_version=1)

# A decision record's page body. State: the decision's id and `updated_at`, which every
# change moves: a status change, being superseded, gaining a successor.
DECISION_RECORD = Drawing("decision-record", template_version=5, timeout=7 * 24 * 3600)

# The history list. State: the query, each of the user's teams with its `decisions_version`
# (every write to a team's decisions moves it), the catalogue's version, and the day (the
# "due for review" marks move with it).
DECISION_LIST = Drawing("decision-list", template_version=3)

# A decision record's PDF. State: the decision's id and `updated_at`, as for its page. PDFs
# are kept in the database (RecordPdf), not in the cache: they are costly to draw and each
# decision has one, so they must not age out. Its key is the stored PDF's source version.
DECISION_PDF = Drawing("decision-pdf", template_version=4)
