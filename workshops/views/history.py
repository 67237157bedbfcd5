"""The decision history page: every decision of my teams, searched, filtered and charted."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from parsecgo_site.drawings import DECISION_LIST
from patterns.selectors import catalogue_version, pattern_choices
from workshops import selectors
from workshops.charts.history import pattern_chart
from workshops.forms import DecisionFilterForm
from workshops.models import Decision, Team

PAGE_SIZE = 25
# The list shows none of the long texts: the frozen record and the search text stay in the
# database.
UNLISTED_FIELDS = ("snapshot", "search_text", "rationale", "consequences")


@login_required
@require_GET
def decision_list(request: HttpRequest) -> HttpResponse:
    teams = list(selectors.teams_of(request.user))
    today = timezone.localdate()
    # A history restore after a cache miss asks for the whole page, HX-Request or not.
    partial = bool(request.htmx and not request.htmx.history_restore_request)
    html = DECISION_LIST.html(
        partial,
        sorted(request.GET.lists()),
        [(team.pk, team.decisions_version) for team in teams],
        catalogue_version(),
        today.isoformat(),
        draw=lambda: _draw_list(request, teams=teams, today=today, partial=partial),
    )
    if partial:
        response = HttpResponse(html)
    else:
        response = render(request, "workshops/decision_list.html", {"content": html})
    # The same URL answers a fragment or the page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _draw_list(request: HttpRequest, *, teams: list[Team], today: date, partial: bool) -> str:
    form = DecisionFilterForm(request.GET, patterns=pattern_choices(), teams=teams)
    filters = form.filters()
    decisions = selectors.decisions_filtered(
        selectors.decisions_visible_to(request.user), filters, today=today
    )
    chart = pattern_chart(selectors.pattern_counts(decisions))
    page = _page(selectors.decision_parts(decisions), number=request.GET.get("page"))
    return render_to_string(
        "workshops/decision_list.html#results"
        if partial
        else "workshops/decision_list.html#content",
        {
            "form": form,
            "filters": filters,
            "chart": chart,
            "page": page,
            "page_numbers": page_numbers(page),
            "today": today,
            "teams": teams,
        },
        request=request,
    )


def page_numbers(page: Page) -> list[int | str]:
    """The page links to offer: both ends and the pages around this one, "…" between."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def _page(decisions: QuerySet[Decision], *, number: Any) -> Page:
    """One page of `decisions` (a bad or too large number gives the nearest page)."""
    return Paginator(decisions.defer(*UNLISTED_FIELDS), PAGE_SIZE).get_page(number)
