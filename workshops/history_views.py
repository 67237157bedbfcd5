"""The decision history page: every decision of my teams, searched, filtered and charted."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from workshops import history, selectors


@login_required
@require_GET
def decision_list(request: HttpRequest) -> HttpResponse:
    form = history.DecisionFilterForm(
        request.GET,
        patterns=history.pattern_choices(),
        teams=list(selectors.teams_of(request.user)),
    )
    filters = form.filters()
    today = timezone.localdate()
    decisions = history.decisions_filtered(
        selectors.decisions_visible_to(request.user), filters, today=today
    )
    chart = history.pattern_chart(history.pattern_counts(decisions))
    page = history.decisions_page(decisions, number=request.GET.get("page"), total=chart.total)
    # A history restore after a cache miss asks for the whole page, HX-Request or not.
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(
        request,
        "workshops/decision_list.html#results" if partial else "workshops/decision_list.html",
        {
            "form": form,
            "filters": filters,
            "chart": chart,
            "page": page,
            "page_numbers": history.page_numbers(page),
            "today": today,
        },
    )
    # The same URL answers a fragment or the page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response
