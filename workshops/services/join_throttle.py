"""Failed joins counted per client, so that nobody can guess short codes or invite links: past
JOIN_FAILURE_LIMIT failures within JOIN_FAILURE_WINDOW_MINUTES, a client's joins are refused
until its window ends. The counters are shared by every app server: in Redis when it is the
cache (atomic add and incr), in the database otherwise (a locked row per client)."""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from workshops.models import JoinThrottle

REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"


def join_client(request: HttpRequest) -> str:
    """The client a failure is counted against: its address as django-axes resolves it
    (TRUSTED_PROXY_COUNT says how many proxies' X-Forwarded-For entries to trust)."""
    return get_client_ip_address(request) or "unknown"


def join_wait_seconds(client: str, *, now: datetime | None = None) -> int | None:
    """How many seconds `client` must wait before trying to join again, or None when it may
    try now (fewer than the limit of failures in its current window)."""
    now = now or timezone.now()
    if _uses_redis():
        failures, started = _redis_read(client)
    else:
        failures, started = _db_read(client, now)
    if failures < settings.JOIN_FAILURE_LIMIT:
        return None
    ends = (started or now) + _window()
    return max(1, math.ceil((ends - now).total_seconds()))


def join_failure_record(client: str, *, now: datetime | None = None) -> int:
    """Count one failed join of `client`; the failures in its current window, this one
    included."""
    now = now or timezone.now()
    if _uses_redis():
        return _redis_record(client, now)
    return _db_record(client, now)


def _window() -> timedelta:
    return timedelta(minutes=settings.JOIN_FAILURE_WINDOW_MINUTES)


def _uses_redis() -> bool:
    return settings.CACHES["default"]["BACKEND"] == REDIS_BACKEND


# --- Redis: the window is the counter key's lifetime ------------------------------------------


def _redis_keys(client: str) -> tuple[str, str]:
    # Addresses hold colons (IPv6); a digest keeps every key short and of one alphabet.
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]
    return f"join-failures:{digest}", f"join-failures:{digest}:since"


def _redis_record(client: str, now: datetime) -> int:
    count_key, since_key = _redis_keys(client)
    timeout = math.ceil(_window().total_seconds())
    # add() only writes a missing key (SET NX) and incr() is INCR: both atomic in Redis, so
    # concurrent failures on different app servers all count and the first starts the window.
    cache.add(since_key, now.timestamp(), timeout)
    cache.add(count_key, 0, timeout)
    try:
        return cache.incr(count_key)
    except ValueError:  # the key expired between add() and incr(): a new window
        cache.add(count_key, 0, timeout)
        return cache.incr(count_key)


def _redis_read(client: str) -> tuple[int, datetime | None]:
    count_key, since_key = _redis_keys(client)
    values = cache.get_many([count_key, since_key])
    since = values.get(since_key)
    started = datetime.fromtimestamp(since, tz=UTC) if since is not None else None
    return int(values.get(count_key) or 0), started


# --- the database: one row per client, locked while it is counted ------------------------------


@transaction.atomic
def _db_record(client: str, now: datetime) -> int:
    row, created = JoinThrottle.objects.select_for_update().get_or_create(
        client=client[:64], defaults={"window_started_at": now, "failures": 1}
    )
    if created:
        return row.failures
    if row.window_started_at <= now - _window():
        row.window_started_at, row.failures = now, 1
    else:
        row.failures += 1  # the row is locked (select_for_update): no other writer between
    row.save(update_fields=["window_started_at", "failures"])
    return row.failures


def _db_read(client: str, now: datetime) -> tuple[int, datetime | None]:
    row = (
        JoinThrottle.objects.filter(client=client[:64], window_started_at__gt=now - _window())
        .values_list("failures", "window_started_at")
        .first()
    )
    return row if row is not None else (0, None)
