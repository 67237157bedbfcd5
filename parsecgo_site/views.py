"""Site-wide pages: the front page and the load balancer's health check."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from patterns.selectors import patterns_all


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"patterns": patterns_all()})


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
