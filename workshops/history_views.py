"""The decision history page: every decision of my teams, searched, filtered and charted."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from patterns.selectors import catalogue_version
from workshops import history, selectors
from workshops.models import Decision

# Bump when the page's template changes, so that cached lists are drawn again.
LIST_TEMPLATE_VERSION = 2


@login_required
@require_GET
def decision_list(request: HttpRequest) -> HttpResponse:
    teams = list(selectors.teams_of(request.user))
    today = timezone.localdate()
    # A history restore after a cache miss asks for the whole page, HX-Request or not.
    partial = bool(request.htmx and not request.htmx.history_restore_request)
    # The list is the same for everyone who sees the same teams until one of their decisions
    # changes (every write moves its team's decisions_version) or the catalogue or the day
    # does: drawn once per such state, shared by every app server through the cache.
    key = (
        "decision-list:"
        + hashlib.sha256(
            repr(
                (
                    LIST_TEMPLATE_VERSION,
                    partial,
                    sorted(request.GET.lists()),
                    [(team.pk, team.decisions_version) for team in teams],
                    catalogue_version(),
                    today.isoformat(),
                )
            ).encode()
        ).hexdigest()
    )
    html = cache.get(key)
    if html is None:
        html = _draw_list(request, teams=teams, today=today, partial=partial)
        cache.set(key, html, timeout=24 * 3600)
    if partial:
        response = HttpResponse(html)
    else:
        # Drawn by our own template, which escaped every value people typed.
        response = render(request, "workshops/decision_list.html", {"content": mark_safe(html)})
    # The same URL answers a fragment or the page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _draw_list(request: HttpRequest, *, teams, today, partial: bool) -> str:
    form = history.DecisionFilterForm(request.GET, patterns=history.pattern_choices(), teams=teams)
    filters = form.filters()
    decisions = history.decisions_filtered(
        selectors.decisions_visible_to(request.user), filters, today=today
    )
    chart = history.pattern_chart(history.pattern_counts(decisions))
    page = history.decisions_page(decisions, number=request.GET.get("page"), total=chart.total)
    return render_to_string(
        "workshops/decision_list.html#results"
        if partial
        else "workshops/decision_list.html#content",
        {
            "form": form,
            "filters": filters,
            "chart": chart,
            "page": page,
            "page_numbers": history.page_numbers(page),
            "today": today,
        },
        request=request,
    )


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
)
CSV_ROWS_PER_CHUNK = 500
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@login_required
@require_GET
def decision_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The history list as CSV, with the list's filters and sort, every page of it."""
    teams = list(selectors.teams_of(request.user))
    form = history.DecisionFilterForm(request.GET, patterns=history.pattern_choices(), teams=teams)
    decisions = history.decisions_filtered(
        selectors.decisions_visible_to(request.user), form.filters(), today=timezone.localdate()
    )
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
    response = StreamingHttpResponse(
        _csv_lines(request, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="decisions.csv"'
    return response


class _Echo:
    """A file for csv.writer that hands each written line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def _csv_lines(request: HttpRequest, rows: Iterable[tuple]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    statuses = dict(Decision.Status.choices)
    # The byte-order mark tells spreadsheet apps the file is UTF-8.
    chunk = ["\ufeff" + writer.writerow(CSV_HEADER)]
    for pk, title, status, pattern, team, created, decided, review in rows:
        url = request.build_absolute_uri(
            reverse("workshops:decision-detail", kwargs={"decision_id": pk})
        )
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
