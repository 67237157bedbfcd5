"""`loaddemo`: the demo team's three finished workshops, loaded once however often it runs."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from workshops.documents.json import decision_to_json, parse_export
from workshops.models import (
    CostEstimate,
    Decision,
    Membership,
    Participant,
    Risk,
    StatusChange,
    Team,
    Workflow,
    Workshop,
)
from workshops.services.teams import team_create

pytestmark = pytest.mark.django_db

CHOSEN = {
    "Retail nightly inventory sync": "batch",
    "Ride-sharing location updates": "streaming",
    "E-commerce order placed": "choreography",
}
MODELS = (
    get_user_model(),
    Team,
    Membership,
    Workshop,
    Workflow,
    Participant,
    Risk,
    CostEstimate,
    Decision,
    StatusChange,
)


def loaddemo() -> str:
    out = StringIO()
    call_command("loaddemo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def decisions(db) -> dict[str, Decision]:
    loaddemo()
    return {d.title: d for d in Decision.objects.filter(team__name="Demo team")}


def recorded(decision: Decision) -> dict:
    """The record of the decision's (only) workflow."""
    (workflow,) = decision.snapshot["workflows"]
    return workflow


def test_it_loads_three_accepted_decisions_with_the_three_patterns(decisions):
    assert {title: d.chosen_pattern for title, d in decisions.items()} == CHOSEN
    for decision in decisions.values():
        assert decision.status == Decision.Status.ACCEPTED
        assert decision.rationale
        assert decision.consequences
        # A year after the day it was accepted (28 February when that was a 29th).
        decided = timezone.localdate(decision.decided_at)
        assert decision.review_date.year == decided.year + 1
        assert 365 <= (decision.review_date - decided).days <= 366
        assert decision.workshop.status == Workshop.Status.DECIDED
        assert [(c.from_status, c.to_status) for c in decision.changes.all()] == [
            ("", "draft"),
            ("draft", "proposed"),
            ("proposed", "accepted"),
        ]


def test_the_engine_recommends_what_was_chosen(decisions):
    for decision in decisions.values():
        workflow = recorded(decision)
        assert workflow["ranking"]
        assert workflow["recommended"] == decision.chosen_pattern
        assert workflow["ranking"][0]["pattern"] == decision.chosen_pattern
        assert workflow["chosen"]["pattern"] == decision.chosen_pattern
        assert not workflow["suggest_split"]


def test_every_workshop_is_filled_through_all_five_phases(decisions):
    for decision in decisions.values():
        workflow = recorded(decision)
        assert workflow["source_system"] and workflow["target_system"]
        assert all(workflow["delay_answers"].values())
        assert workflow["tolerance"] and not workflow["tolerance_warning"]
        assert all(workflow["profile"].values()) and all(workflow["notes"].values())
        assert len(workflow["candidates"]) == 2
        for candidate in workflow["candidates"]:
            assert [risk["rank"] for risk in candidate["risks"]] == [1, 2, 3]
            assert all(risk["mitigation"] for risk in candidate["risks"])
            # Every pitfall the engine flags is among the risks, with its mitigation.
            flagged = {pitfall["slug"] for pitfall in candidate["pitfalls"]}
            assert flagged <= {risk["pitfall"] for risk in candidate["risks"]}
            assert float(candidate["tco"]["total"]) > 0
        assert workflow["validation"]["data_subset"]
        assert workflow["validation"]["verdict"] == "pass"
        people = decision.snapshot["people"]
        assert people["decision_makers"] and people["consulted"] and people["informed"]
        assert decision.workshop.participants.filter(user__username="demo").exists()


def test_the_retail_sync_outgrows_its_window_at_ten_times_the_volume(decisions):
    workflow = recorded(decisions["Retail nightly inventory sync"])
    assert workflow["profile"] == {
        "trigger": "scheduled",
        "granularity": "batch",
        "consistency": "strong",
        "failure": "retry",
    }
    assert workflow["max_latency_seconds"] == 24 * 3600
    assert workflow["volume_per_day"] == 2_340_000
    assert workflow["growth_factor"] == 10
    assert workflow["validation"]["targets"]["batch_window_hours"] == 4
    assert workflow["validation"]["measured"]["throughput"] == 1000
    assert workflow["validation"]["projection"] == (
        "At 10x the daily volume needs 6.5 hours at the measured 1,000 records/s: "
        "it no longer fits the 4-hour window."
    )


def test_the_ride_sharing_updates_rule_out_batch(decisions):
    workflow = recorded(decisions["Ride-sharing location updates"])
    assert workflow["profile"] == {
        "trigger": "event",
        "granularity": "record",
        "consistency": "eventual",
        "failure": "retry",
    }
    assert workflow["max_latency_seconds"] == 1
    assert workflow["volume_per_day"] == 300_000_000
    batch = next(fit for fit in workflow["ranking"] if fit["pattern"] == "batch")
    assert not batch["feasible"]


def test_the_order_placed_event_states_its_pci_dss_controls(decisions):
    workflow = recorded(decisions["E-commerce order placed"])
    assert workflow["profile"] == {
        "trigger": "event",
        "granularity": "record",
        "consistency": "eventual",
        "failure": "dead_letter",
    }
    assert workflow["max_latency_seconds"] == 60
    assert workflow["compliance"] == ["PCI DSS"]
    assert workflow["security_controls"] is True
    pitfalls = {p["slug"] for c in workflow["candidates"] for p in c["pitfalls"]}
    assert "compliance" not in pitfalls
    risks = [r for c in workflow["candidates"] for r in c["risks"]]
    assert any(r["raised_by"] == "security" for r in risks)


def test_running_it_twice_changes_nothing(decisions):
    before = counts()
    output = loaddemo()
    assert counts() == before
    assert output.count("already there, left as it is.") == 3
    assert "Demo loaded: 0 workshops created, 3 already there." in output


def test_it_says_what_it_did(db):
    output = loaddemo()
    assert "Team “Demo team”: created, with demo in it." in output
    assert "Workshop “Retail nightly inventory sync”: created; decision accepted: " in output
    assert "Demo loaded: 3 workshops created, 0 already there." in output


def test_it_creates_the_demo_user_without_a_password_when_missing(db):
    output = loaddemo()
    demo = get_user_model().objects.get(username="demo")
    assert not demo.has_usable_password()
    assert list(Team.objects.get(name="Demo team").members.all()) == [demo]
    assert "changepassword demo" in output


def test_it_keeps_the_demo_facilitator_made_before(db):
    call_command("ensure_demo_facilitator", stdout=StringIO())
    output = loaddemo()
    assert get_user_model().objects.get(username="demo").has_usable_password()
    assert "Demo user “demo”: already there." in output


def test_it_joins_an_existing_demo_team(db):
    someone = get_user_model().objects.create_user(username="sam")
    team_create(name="Demo team", creator=someone)
    output = loaddemo()
    team = Team.objects.get(name="Demo team")
    assert set(team.members.values_list("username", flat=True)) == {"sam", "demo"}
    assert "Team “Demo team”: already there; demo added." in output
    assert team.decisions.count() == 3


def test_the_demo_decisions_export_and_validate(decisions):
    for decision in decisions.values():
        record = parse_export(json.loads(json.dumps(decision_to_json(decision))))
        assert record.chosen_pattern == decision.chosen_pattern
