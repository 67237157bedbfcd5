"""Failed joins are counted per client, in the database or in Redis, and shared by every app
server; past the limit the client waits for its window to end."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import close_old_connections
from django.test import RequestFactory, override_settings
from django.utils import timezone

from workshops.models import JoinThrottle
from workshops.services.join_throttle import join_client, join_failure_record, join_wait_seconds

REDIS_LOCATION = "redis://127.0.0.1:6379/15"
REDIS_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_LOCATION,
        "KEY_PREFIX": "parsecgo-test",
    }
}


def _redis_or_skip() -> None:
    """Redis runs beside CI (.ci/run starts it); elsewhere its absence skips these tests."""
    import redis

    try:
        redis.Redis.from_url(REDIS_LOCATION, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as error:
        message = f"Redis is not reachable at {REDIS_LOCATION}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.JOIN_FAILURE_LIMIT = 3
    settings.JOIN_FAILURE_WINDOW_MINUTES = 15


@pytest.fixture(params=["database", "redis"])
def backend(request, db):
    if request.param == "database":
        yield "database"
        return
    _redis_or_skip()
    with override_settings(CACHES=REDIS_CACHES):
        cache.clear()
        yield "redis"
        cache.clear()


class TestTheLimit:
    def test_it_lets_a_client_try_until_the_limit(self, backend):
        for _ in range(2):
            join_failure_record("203.0.113.7")
        assert join_wait_seconds("203.0.113.7") is None

    def test_it_makes_the_client_wait_for_its_window_at_the_limit(self, backend):
        now = timezone.now()
        for _ in range(3):
            join_failure_record("203.0.113.7", now=now)
        wait = join_wait_seconds("203.0.113.7", now=now + timedelta(minutes=5))
        assert wait is not None
        assert 9 * 60 <= wait <= 10 * 60 + 1

    def test_it_never_blocks_another_client(self, backend):
        for _ in range(5):
            join_failure_record("203.0.113.7")
        assert join_wait_seconds("198.51.100.2") is None
        assert join_wait_seconds("2001:db8::1") is None

    def test_it_counts_every_failure(self, backend):
        counts = [join_failure_record("2001:db8::1") for _ in range(4)]
        assert counts == [1, 2, 3, 4]


class TestTheDatabaseWindow:
    def test_a_window_older_than_the_limit_starts_again(self, db):
        then = timezone.now() - timedelta(minutes=16)
        for _ in range(3):
            join_failure_record("203.0.113.7", now=then)
        assert join_wait_seconds("203.0.113.7") is None
        assert join_failure_record("203.0.113.7") == 1
        assert JoinThrottle.objects.get(client="203.0.113.7").failures == 1

    def test_the_wait_ends_with_the_window(self, db):
        now = timezone.now()
        for _ in range(3):
            join_failure_record("203.0.113.7", now=now)
        assert join_wait_seconds("203.0.113.7", now=now + timedelta(minutes=15, seconds=1)) is None


@pytest.mark.django_db(transaction=True)
@override_settings(JOIN_FAILURE_LIMIT=100)
def test_concurrent_failures_all_count_in_the_database():
    """Several app server threads at once: the locked row loses none of them."""

    def fail_five() -> None:
        try:
            for _ in range(5):
                join_failure_record("203.0.113.9")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=fail_five) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert JoinThrottle.objects.get(client="203.0.113.9").failures == 20


@override_settings(JOIN_FAILURE_LIMIT=100)
def test_concurrent_failures_all_count_in_redis(db):
    _redis_or_skip()
    with override_settings(CACHES=REDIS_CACHES):
        cache.clear()

        def fail_five() -> None:
            for _ in range(5):
                join_failure_record("203.0.113.9")

        threads = [threading.Thread(target=fail_five) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert join_failure_record("203.0.113.9") == 21
        assert not JoinThrottle.objects.exists()  # Redis counted them, not the database
        cache.clear()


class TestTheClient:
    def test_it_is_the_remote_address_without_proxies(self, settings):
        request = RequestFactory().get("/join/", REMOTE_ADDR="198.51.100.2")
        request.META["HTTP_X_FORWARDED_FOR"] = "203.0.113.66"  # forged: no proxy is trusted
        assert join_client(request) == "198.51.100.2"
