"""The decision history as CSV: every row of a filtered list, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from workshops.models import Decision
from workshops.selectors import decision_part_patterns

# Lowercase "id" first: a file that starts with "ID" is taken for SYLK by Excel.
CSV_HEADER = (
    "id",
    "title",
    "status",
    "chosen pattern",
    "team",
    "recorded",
    "decided",
    "review date",
    "url",
    # A hybrid's parts, each with its pattern; "chosen pattern" is the whole workflow's.
    "part patterns",
)
CSV_ROWS_PER_CHUNK = 500
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file for csv.writer that hands each written line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def decisions_csv(decisions: QuerySet[Decision], *, url_for: Callable[[int], str]) -> Iterator[str]:
    """The decisions as CSV text in chunks, for a streaming response; `url_for` gives the
    address of a decision's record from its id."""
    rows = decisions.values_list(
        "pk",
        "title",
        "status",
        "chosen_pattern_name",
        "team__name",
        "created_at",
        "decided_at",
        "review_date",
    ).iterator(chunk_size=CSV_ROWS_PER_CHUNK)
    return _csv_lines(rows, url_for=url_for, parts=lambda: decision_part_patterns(decisions))


def _csv_lines(
    rows: Iterable[tuple],
    *,
    url_for: Callable[[int], str],
    parts: Callable[[], Mapping[int, list[tuple[str, str]]]],
) -> Iterator[str]:
    writer = csv.writer(_Echo())
    statuses = dict(Decision.Status.choices)
    # UTF-8 with its byte-order mark, once, before the header: what Excel (double-click or
    # File > Open) and LibreOffice's Text Import dialog take for UTF-8; without it both read
    # the system code page (Windows-1252) and "Zoë" comes out "ZoÃ«". See the README's CSV.
    chunk = ["\ufeff" + writer.writerow(CSV_HEADER)]
    # Read when the download starts streaming, like the rows: a hybrid's parts, by decision.
    hybrids = parts()
    for pk, title, status, pattern, team, created, decided, review in rows:
        url = url_for(pk)
        cells = (
            pk,
            title,
            statuses.get(status, status),
            pattern,
            team,
            _iso_day(created),
            _iso_day(decided),
            _iso_day(review),
            url,
            "; ".join(f"{part}: {chosen}" for part, chosen in hybrids.get(pk, ())),
        )
        chunk.append(writer.writerow([_csv_cell(cell) for cell in cells]))
        if len(chunk) >= CSV_ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def _iso_day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
