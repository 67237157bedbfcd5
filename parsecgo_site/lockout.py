"""The page a locked-out login gets (django-axes' AXES_LOCKOUT_CALLABLE): when to try again,
and that an administrator can unlock sooner."""

from __future__ import annotations

import math

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

TOO_MANY_REQUESTS = 429


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    # Every attempt while locked out is counted too, so the wait starts again now: the page
    # can promise a time without looking anything up.
    cool_off = get_cool_off(request)
    return render(
        request,
        "registration/locked_out.html",
        {
            "username": get_client_username(request, credentials) or "",
            "failure_limit": get_failure_limit(request, credentials),
            "minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
        },
        status=TOO_MANY_REQUESTS,
    )
