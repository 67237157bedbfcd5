"""Settings come from the environment; bad values stop start-up with a sentence naming them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import TEST_PASSWORD_HASHERS

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "parsecgo.example.org",
}


def manage(env: dict[str, str], *args: str, check: bool = False) -> subprocess.CompletedProcess:
    """`manage.py` in a fresh process that sees only PATH and `env`, as a deployment would."""
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        check=check,
    )


def django_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return manage(env, "check", *args)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://localhost:6379"}, "REDIS_URL"),
        ({"DB_CONN_MAX_AGE": "soon", "DATABASE_URL": "postgres://u@h/d"}, "DB_CONN_MAX_AGE"),
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": PRODUCTION["SECRET_KEY"]}, "ALLOWED_HOSTS"),
        ({"LOGIN_FAILURE_LIMIT": "five"}, "LOGIN_FAILURE_LIMIT"),
        ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT"),
        ({"LOGIN_COOLOFF_MINUTES": "a while"}, "LOGIN_COOLOFF_MINUTES"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND"),
        ({"TASKS_BACKEND": "redis"}, "TASKS_BACKEND"),  # without REDIS_URL
        ({"PDF_DRAW_TIME_LIMIT": "0"}, "PDF_DRAW_TIME_LIMIT"),
        ({"SITE_URL": "parsecgo.example.org"}, "SITE_URL"),
    ],
)
def test_it_stops_on_a_bad_value_naming_the_variable(env, variable):
    done = django_check(env)
    assert done.returncode != 0
    last_line = done.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert f"environment variable {variable}" in last_line


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        (PRODUCTION, "https://parsecgo.example.org"),
        (PRODUCTION | {"ALLOWED_HOSTS": ".example.org,*"}, ""),
        (
            PRODUCTION | {"SITE_URL": "https://decisions.example.org/"},
            "https://decisions.example.org",
        ),
    ],
)
def test_the_site_url_for_printed_links_has_a_default_from_the_hosts(env, site_url):
    done = manage(
        env, "shell", "-c", "from django.conf import settings; print(repr(settings.SITE_URL))"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == repr(site_url)


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """`collectstatic` under production settings into a fresh STATIC_ROOT, as a release does.

    Only the optional Brotli encoder is hidden from WhiteNoise (it takes ~40 s on two cores
    and has nothing to do with hashing); the gzip copies are still made."""
    root = tmp_path_factory.mktemp("static_root")
    no_brotli = tmp_path_factory.mktemp("no_brotli")
    (no_brotli / "brotli.py").write_text("raise ImportError('hidden from the tests')\n")
    env = PRODUCTION | {"STATIC_ROOT": str(root), "PYTHONPATH": str(no_brotli)}
    return manage(env, "collectstatic", "--noinput", "-v0"), root


def test_it_collects_the_static_files_with_production_settings(collected):
    done, root = collected
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    assert re.fullmatch(r"pdf/record\.[0-9a-f]{12}\.css", manifest["pdf/record.css"])
    assert re.fullmatch(r"css/parsecgo\.[0-9a-f]{12}\.css", manifest["css/parsecgo.css"])
    # The PDF stylesheet names its fonts with the PDF fetcher's own scheme: kept as written.
    collected_css = (root / manifest["pdf/record.css"]).read_text()
    assert collected_css == (ROOT / "static" / "pdf" / "record.css").read_text()


def test_it_passes_the_deployment_checklist_with_production_values(collected):
    _, root = collected
    done = django_check(
        PRODUCTION | {"STATIC_ROOT": str(root)}, "--deploy", "--fail-level", "WARNING"
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_it_warns_before_deploying_without_collected_static_files(tmp_path):
    done = django_check(PRODUCTION | {"STATIC_ROOT": str(tmp_path)}, "--deploy")
    assert done.returncode == 0  # a warning: the site can still be checked and migrated
    assert "parsecgo_site.W001" in done.stderr
    assert f"{tmp_path / 'staticfiles.json'} is missing" in done.stderr
    assert "manage.py collectstatic --noinput" in done.stderr
    strict = django_check(
        PRODUCTION | {"STATIC_ROOT": str(tmp_path)}, "--deploy", "--fail-level", "WARNING"
    )
    assert strict.returncode != 0


def test_it_uses_redis_for_the_cache_when_configured():
    done = manage(
        {"REDIS_URL": "redis://127.0.0.1:6379/0"},
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "django.core.cache.backends.redis.RedisCache"


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "django_tasks_db.DatabaseBackend"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "django_tasks_rq.RQBackend"),
        (
            {"REDIS_URL": "redis://127.0.0.1:6379/0", "TASKS_BACKEND": "database"},
            "django_tasks_db.DatabaseBackend",
        ),
    ],
)
def test_it_queues_pdfs_in_the_database_unless_redis_is_configured(env, backend):
    done = manage(
        env,
        "shell",
        "-c",
        "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])",
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == backend


@pytest.mark.parametrize(
    ("env", "limit", "minutes"),
    [({}, 5, 15), ({"LOGIN_FAILURE_LIMIT": "3", "LOGIN_COOLOFF_MINUTES": "60"}, 3, 60)],
)
def test_it_reads_the_login_throttle_from_the_environment(env, limit, minutes):
    done = manage(
        env,
        "shell",
        "-c",
        "from django.conf import settings\n"
        "print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds() / 60)",
        check=True,
    )
    assert done.stdout.split()[-2:] == [str(limit), f"{minutes:.1f}"]


# TRUSTED_PROXY_COUNT -> (REMOTE_ADDR, X-Forwarded-For, the address failures are counted for).
# Whatever a client puts in X-Forwarded-For itself lands on the left and is never used.
CLIENT_ADDRESSES = {
    "0": [
        ("203.0.113.7", "", "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
    ],
    "1": [
        ("10.0.0.2", "203.0.113.7", "203.0.113.7"),
        ("10.0.0.2", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        ("10.0.0.2", "8.8.8.8, 10.9.9.9", "10.9.9.9"),
        ("10.0.0.2", "", "10.0.0.2"),
    ],
    "2": [
        ("10.0.0.3", "203.0.113.7, 10.0.0.2", "203.0.113.7"),
        ("10.0.0.3", "198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
    ],
}


@pytest.mark.parametrize("proxies", CLIENT_ADDRESSES)
def test_it_counts_login_failures_for_the_address_the_trusted_proxies_saw(proxies):
    cases = CLIENT_ADDRESSES[proxies]
    done = manage(
        {"TRUSTED_PROXY_COUNT": proxies},
        "shell",
        "-c",
        "from axes.helpers import get_client_ip_address\n"
        "from django.test import RequestFactory\n"
        f"for remote, forwarded, _ in {cases!r}:\n"
        "    meta = {'REMOTE_ADDR': remote}\n"
        "    if forwarded:\n"
        "        meta['HTTP_X_FORWARDED_FOR'] = forwarded\n"
        "    print(get_client_ip_address(RequestFactory().post('/accounts/login/', **meta)))",
        check=True,
    )
    assert done.stdout.split()[-len(cases) :] == [counted for *_, counted in cases]


def test_it_shares_the_cache_between_processes_by_default():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.django_db
def test_it_configures_the_database_for_several_writers():
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert database["OPTIONS"]["timeout"] >= 5
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    else:
        assert connection.vendor == "postgresql"
        assert database["CONN_HEALTH_CHECKS"] is True
        assert database["CONN_MAX_AGE"] == 60


def test_it_runs_a_sqlite_file_in_wal_mode(tmp_path):
    done = manage(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}"},
        "shell",
        "-c",
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode')\n"
        "    print(c.fetchone()[0])",
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "wal"


def test_migrate_alone_creates_the_cache_table_sessions_need(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    manage(env, "migrate", "--noinput", "-v0", check=True)
    done = manage(env, "createcachetable", "--dry-run", check=True)
    assert "CREATE TABLE" not in done.stdout  # nothing left to create


# Django's own strong hashers; a deployment must never start with a fast one such as MD5.
STRONG_HASHERS = {
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
}


def test_it_hashes_production_passwords_with_a_strong_hasher():
    # A fresh process loads the settings module as a deployment does, without the test
    # suite's fast hasher (tests/conftest.py).
    done = manage(
        PRODUCTION,
        "shell",
        "-c",
        "from django.conf import settings\n"
        "from django.contrib.auth.hashers import make_password\n"
        "print(settings.PASSWORD_HASHERS[0])\n"
        "print(make_password('correct horse battery').split('$')[0])",
        check=True,
    )
    first_hasher, algorithm = done.stdout.strip().splitlines()[-2:]
    assert first_hasher in STRONG_HASHERS
    assert algorithm in {"pbkdf2_sha256", "argon2", "scrypt"}


def test_it_hashes_test_passwords_with_the_fast_hasher_only_here():
    assert settings.PASSWORD_HASHERS == TEST_PASSWORD_HASHERS
