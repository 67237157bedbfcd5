"""Drawn once per version and shared by every app server: the one mechanism for cached drawings.

A drawing is the output of a template that is the same for everyone until something it shows
changes. Its cache key is made of the template's version and the state it shows, so nothing
is ever invalidated by hand: a change to the state makes a new key, and the old entry ages out.
Every drawing of the product is declared at the end of this module, with what invalidates it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Drawing:
    name: str
    # Bump when the template changes, so that what was drawn with the old one is drawn again.
    template_version: int
    timeout: int = 24 * 3600
    # How many drawings each process also keeps in memory, in front of the shared cache (0:
    # none). A key names the whole state drawn, so a kept drawing is never stale, whatever
    # another process changed: this saves the cache round trip on a hot public page, and no
    # other server needs it.
    kept_in_process: int = 0
    _kept: OrderedDict[str, str] = field(
        default_factory=OrderedDict, init=False, repr=False, compare=False
    )
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def key(self, *state: object) -> str:
        """The key of this drawing of `state`: the same state always gives the same key."""
        # 160 bits of the digest: collisions are out of reach, and the key fits RecordPdf's column.
        digest = hashlib.sha256(repr(state).encode()).hexdigest()[:40]
        return f"drawing:{self.name}:{self.template_version}:{digest}"

    def html(self, *state: object, draw: Callable[[], str]) -> SafeString:
        """The HTML drawn for `state`, from the shared cache, or drawn now and kept there."""
        key = self.key(*state)
        html = self._kept.get(key) if self.kept_in_process else None
        if html is None:
            html = cache.get(key)
            if html is None:
                html = draw()
                cache.set(key, html, timeout=self.timeout)
            if self.kept_in_process:
                self._keep(key, html)
        # Only our own templates draw these, and they escaped every value people typed.
        return mark_safe(html)

    def _keep(self, key: str, html: str) -> None:
        with self._lock:
            self._kept[key] = html
            self._kept.move_to_end(key)
            while len(self._kept) > self.kept_in_process:
                self._kept.popitem(last=False)

    def forget_kept(self) -> None:
        """Empty this process's memory of drawings (tests start from the shared cache)."""
        with self._lock:
            self._kept.clear()


# The comparison table of the pattern catalogue. State: the catalogue's version (a pattern
# added, edited or deleted changes it).
# Public and asked for on every visit to /patterns/: each process keeps the last few too.
CATALOGUE_TABLE = Drawing("catalogue-table", template_version=1, kept_in_process=4)

# A decision record's page body. State: the decision's id and `updated_at`, which every
# change moves: a status change, being superseded, gaining a successor.
DECISION_RECORD = Drawing("decision-record", template_version=11, timeout=7 * 24 * 3600)

# The empty form that notes figures on a decision's page (its fields, without the CSRF token).
# State: the decision's id and `updated_at` (its workflows' names), and the day (the date
# it offers).
FIGURES_FORM = Drawing("figures-form", template_version=1)

# The history list. State: the query, each of the user's teams with its `decisions_version`
# (every write to a team's decisions moves it), the catalogue's version, and the day (the
# "due for review" marks move with it).
DECISION_LIST = Drawing("decision-list", template_version=4)

# A page of /api/decisions, as JSON. State: the validated query, each of the user's teams with
# its `decisions_version` (as for the history list), the day (review_due moves with it) and
# the address the links in it start with (scheme, host, path).
DECISIONS_API_PAGE = Drawing("decisions-api-page", template_version=2)
# A decision record's PDF. State: the decision's id and `updated_at`, as for its page. PDFs
# are kept in the database (RecordPdf), not in the cache: they are costly to draw and each
# decision has one, so they must not age out. Its key is the stored PDF's source version.
DECISION_PDF = Drawing("decision-pdf", template_version=10)

DRAWINGS: tuple[Drawing, ...] = (
    CATALOGUE_TABLE,
    DECISION_RECORD,
    FIGURES_FORM,
    DECISION_LIST,
    DECISIONS_API_PAGE,
    DECISION_PDF,
)
