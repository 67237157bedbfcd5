"""The decision history page: every decision of my teams, searched, filtered and charted."""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from patterns.selectors import catalogue_version
from workshops import history, selectors

# Bump when the page's template changes, so that cached lists are drawn again.
LIST_TEMPLATE_VERSION = 1


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
