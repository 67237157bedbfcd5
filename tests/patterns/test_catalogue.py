"""The built-in catalogue and the admin pages that extend it."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from patterns.models import Pattern
from patterns.selectors import catalogue_specs

pytestmark = pytest.mark.django_db


def test_it_loads_the_three_builtin_patterns_with_the_seed_values():
    patterns = {p.slug: p for p in Pattern.objects.all()}
    assert set(patterns) >= {"batch", "streaming", "choreography"}
    batch, streaming, choreography = (patterns[s] for s in ("batch", "streaming", "choreography"))
    assert (batch.trigger, batch.granularity, batch.consistency, batch.failure) == (
        "scheduled",
        "batch",
        "strong",
        "retry",
    )
    assert (streaming.trigger, streaming.granularity, streaming.consistency) == (
        "event",
        "record",
        "eventual",
    )
    assert choreography.failure == "dead_letter"
    assert batch.latency_floor_seconds == 60
    assert choreography.latency_floor_seconds == 1
    assert streaming.latency_floor_seconds < 0.01
    assert batch.complexity_rank < choreography.complexity_rank < streaming.complexity_rank
    assert (batch.skill_level, choreography.skill_level, streaming.skill_level) == (
        "low",
        "medium",
        "high",
    )
    assert "Apache Airflow" in batch.tools_list
    assert "RabbitMQ" in choreography.tools_list
    assert streaming.default_monthly_cost > choreography.default_monthly_cost
    assert choreography.default_monthly_cost > batch.default_monthly_cost


def test_it_reads_the_catalogue_for_the_engine_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        specs = catalogue_specs()
    assert [s.slug for s in specs] == ["batch", "choreography", "streaming"]


def test_an_admin_adds_a_pattern_that_the_engine_then_recommends(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:patterns_pattern_add"),
        {
            "name": "Change data capture",
            "slug": "cdc",
            "summary": "Stream the database's change log.",
            "trigger": "event",
            "granularity": "record",
            "consistency": "strong",
            "consistency_note": "",
            "failure": "retry",
            "failure_note": "",
            "latency_floor_seconds": "0.5",
            "latency_label": "about a second",
            "complexity_rank": "1",
            "excluded_compliance": "",
            "observability_required": "low",
            "infrastructure_cost": "medium",
            "infrastructure_cost_note": "",
            "skill_level": "medium",
            "skill_note": "",
            "maintenance_level": "medium",
            "default_monthly_cost": "900",
            "typical_tools": "Debezium",
            "growth_mechanics": "",
            "fits": "",
            "pitfalls_notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    answer = client.post(
        reverse("api:match"),
        data=json.dumps(
            {
                "trigger": "event",
                "granularity": "record",
                "consistency": "strong",
                "failure": "retry",
                "max_latency_seconds": 5,
                "volume_per_day": 1000,
            }
        ),
        content_type="application/json",
    ).json()
    assert answer["recommended"] == "cdc"


def test_an_admin_cannot_save_a_pattern_without_a_latency_floor(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("admin:patterns_pattern_add"), {"name": "Broken", "slug": "b"})
    assert response.status_code == 200
    assert not Pattern.objects.filter(slug="b").exists()


def test_the_admin_is_closed_to_non_staff(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:patterns_pattern_changelist"))
    assert response.status_code == 302
