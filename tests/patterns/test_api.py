"""POST /api/match: the engine over HTTP, with the same JSON as `manage.py match`."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from patterns.api import EXAMPLE_WORKFLOW
from tests.factories import PatternFactory
from tests.patterns.builders import ANSWER_KEYS

pytestmark = pytest.mark.django_db

URL = reverse("api:match")
ORDER_PLACED = EXAMPLE_WORKFLOW  # "order placed", the example the schema publishes


def post(client, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json")


def test_it_recommends_choreography_for_order_placed_events(client):
    response = post(client, ORDER_PLACED)
    assert response.status_code == 200
    body = response.json()
    assert body["recommended"] == "choreography"
    assert [entry["pattern"] for entry in body["ranking"]] == ["choreography", "streaming", "batch"]
    streaming = body["ranking"][1]
    assert streaming["feasible"] is True
    assert streaming["mismatches"][0]["dimension"] == "failure"
    assert streaming["mismatches"][0]["explanation"].endswith(".")


def test_it_answers_with_exactly_the_documented_keys(client):
    body = post(client, {**ORDER_PLACED, "compliance": ["PCI DSS"], "chosen": "streaming"}).json()
    assert set(body) == ANSWER_KEYS
    assert set(body["ranking"][0]) == {"pattern", "feasible", "score", "reasons", "mismatches"}
    # streaming retries record by record: duplicates are a risk too
    assert [p["slug"] for p in body["pitfalls"]] == [
        "over_engineering",
        "idempotency",
        "compliance",
    ]
    assert set(body["pitfalls"][0]) == {"slug", "title", "mitigation"}


def test_it_says_when_the_nightly_batch_stops_fitting_and_when_to_revisit(client):
    body = post(
        client,
        {
            "trigger": "scheduled",
            "granularity": "batch",
            "consistency": "strong",
            "failure": "retry",
            "max_latency_seconds": 86400,
            "volume_per_day": 50_000_000,
            "growth_factor": 10,
            "throughput_per_hour": 50_000_000 / 1.2,
            "batch_window_hours": 4,
            "organisation": "autonomous_teams",
        },
    ).json()
    assert body["recommended"] == "batch"
    (window,) = body["growth"]
    assert window["slug"] == "batch_window"
    assert "stops fitting at about 3.3x" in window["explanation"]
    assert body["revisit"][0] == {
        "dimension": "volume",
        "threshold": 50_000_000 / 1.2 * 4,
        "sentence": "volume passes 166.7 M records a day",
    }
    assert body["revisit_when"].startswith("Revisit when: volume passes 166.7 M records a day;")
    assert any("bottleneck" in reason for reason in body["ranking"][0]["reasons"])


def test_it_names_a_bad_organisation_and_window(client):
    response = post(client, {**ORDER_PLACED, "organisation": "anarchy", "batch_window_hours": 0})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "unknown value 'anarchy'" in errors["organisation"][0]
    assert errors["batch_window_hours"] == ["must be greater than 0"]


def test_it_gives_the_same_answer_as_the_command(client):
    from io import StringIO
    from unittest import mock

    from django.core.management import call_command

    out = StringIO()
    with mock.patch("sys.stdin", StringIO(json.dumps(ORDER_PLACED))):
        call_command("match", stdout=out)
    assert json.loads(out.getvalue()) == post(client, ORDER_PLACED).json()


def test_it_considers_patterns_added_to_the_catalogue(client):
    PatternFactory(slug="cdc", consistency="eventual", failure="dead_letter", complexity_rank=1)
    assert post(client, ORDER_PLACED).json()["recommended"] == "cdc"


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ("not json", "__all__", "not valid JSON"),
        ("[1, 2]", "__all__", "expected a JSON object"),
        ('"text"', "__all__", "expected a JSON object"),
        ("null", "__all__", "expected a JSON object"),
        ('{"max_latency_seconds": NaN}', "__all__", "NaN"),
        ('{"max_latency_seconds": Infinity}', "__all__", "Infinity"),
        ({**ORDER_PLACED, "trigger": "hourly"}, "trigger", "unknown value 'hourly'"),
        ({**ORDER_PLACED, "max_latency_seconds": -1}, "max_latency_seconds", "greater than 0"),
        ({**ORDER_PLACED, "max_latency_seconds": 0}, "max_latency_seconds", "greater than 0"),
        ({**ORDER_PLACED, "volume_per_day": -5}, "volume_per_day", "at least 0"),
        ({**ORDER_PLACED, "volume_per_day": "many"}, "volume_per_day", "expected a number"),
        ({**ORDER_PLACED, "volume_per_day": True}, "volume_per_day", "expected a number"),
        ({**ORDER_PLACED, "consumers": 2.5}, "consumers", "whole number"),
        ({**ORDER_PLACED, "skill": "expert"}, "skill", "unknown value"),
        ({**ORDER_PLACED, "schema_policy": "yes"}, "schema_policy", "true or false"),
        ({**ORDER_PLACED, "compliance": "GDPR"}, "compliance", "list"),
        ({**ORDER_PLACED, "chosen": "kafka"}, "chosen", "unknown pattern slug"),
        ({**ORDER_PLACED, "colour": "blue"}, "colour", "unknown field"),
    ],
)
def test_it_answers_400_naming_the_bad_field(client, body, field, fragment):
    response = post(client, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors
    assert any(fragment in message for message in errors[field])


def test_it_takes_a_whole_number_written_with_a_decimal_point(client):
    # JSON Schema's "integer", which the published schema says, counts 12.0 as whole.
    with_point = post(client, {**ORDER_PLACED, "consumers": 12.0})
    assert with_point.status_code == 200
    assert with_point.json() == post(client, {**ORDER_PLACED, "consumers": 12}).json()


def test_it_names_every_missing_field(client):
    response = post(client, {})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "trigger",
        "granularity",
        "consistency",
        "failure",
        "max_latency_seconds",
        "volume_per_day",
    }


def test_it_refuses_get(client):
    assert client.get(URL).status_code == 405
