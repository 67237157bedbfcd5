"""Site-wide pages: the front page and the load balancer's health check."""

from __future__ import annotations

from datetime import timedelta

from django.db import DatabaseError, connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from patterns.selectors import patterns_all
from workshops import selectors as workshop_selectors
from workshops.models import Workshop

DUE_SOON = timedelta(days=30)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard for a signed-in facilitator; what the product is, for everyone else."""
    if not request.user.is_authenticated:
        return render(request, "home.html", {"patterns": patterns_all()})
    decisions = workshop_selectors.decisions_visible_to(request.user)
    return render(
        request,
        "dashboard.html",
        {
            "workshops": workshop_selectors.workshops_visible_to(request.user)
            .filter(status__in=[Workshop.Status.DRAFT, Workshop.Status.LIVE])
            .order_by("-status", "-scheduled_at")[:20],
            "due": decisions.filter(
                workshop_selectors.review_due_q(timezone.localdate(), ahead=DUE_SOON)
            ).order_by("-noted_review_due", F("review_date").asc(nulls_last=True), "id")[:10],
            "recent": decisions.order_by("-created_at", "-id")[:8],
            "today": timezone.localdate(),
            "has_team": workshop_selectors.teams_of(request.user).exists(),
        },
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" once the database answers; 503 otherwise, so the balancer drops this server."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
