"""`manage.py match` reads JSON on stdin and writes JSON on stdout."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NIGHTLY_SYNC = {
    "trigger": "scheduled",
    "granularity": "batch",
    "consistency": "strong",
    "failure": "retry",
    "max_latency_seconds": 86400,
    "volume_per_day": 2_000_000,
}


def run_match(payload: str) -> dict:
    out = StringIO()
    with mock.patch("sys.stdin", StringIO(payload)):
        call_command("match", stdout=out)
    return json.loads(out.getvalue())


def test_it_recommends_batch_for_a_nightly_sync():
    result = run_match(json.dumps(NIGHTLY_SYNC))
    assert result["recommended"] == "batch"
    assert result["ranking"][0]["score"] == 100
    assert result["pitfalls"] == []


def test_it_flags_over_engineering_when_the_team_chooses_streaming():
    result = run_match(json.dumps({**NIGHTLY_SYNC, "chosen": "streaming"}))
    assert [p["slug"] for p in result["pitfalls"]][0] == "over_engineering"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{", "input: not valid JSON"),
        ("[]", "input: expected a JSON object, got an array"),
        (json.dumps({**NIGHTLY_SYNC, "failure": "ignore"}), "failure: unknown value 'ignore'"),
        (json.dumps({**NIGHTLY_SYNC, "volume_per_day": -1}), "volume_per_day: must be at least 0"),
    ],
)
def test_it_refuses_bad_input_with_a_message_naming_the_field(payload, message):
    with pytest.raises(CommandError) as raised:
        run_match(payload)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.django_db(transaction=True)
def test_it_exits_non_zero_with_one_line_and_no_traceback(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "match"],
        cwd=ROOT,
        env=env,
        input=json.dumps({**NIGHTLY_SYNC, "max_latency_seconds": "soon"}),
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.strip() == (
        "CommandError: max_latency_seconds: expected a number, got a string"
    )
    good = subprocess.run(
        [sys.executable, "manage.py", "match"],
        cwd=ROOT,
        env=env,
        input=json.dumps(NIGHTLY_SYNC),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(good.stdout)["recommended"] == "batch"
