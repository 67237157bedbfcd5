"""GET /api/decisions and /api/decisions/<id>: the history's list and a record, for tools,
under the pages' access rules, with a session or a personal token."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workshops.builders import bulk_decisions, decide
from tests.workshops.hybrids import decide_hybrid, split_into_hybrid
from workshops.api import FILTER_DAY_PATTERN, PAGE_SIZE
from workshops.forms import EARLIEST_FILTER_DATE, LATEST_FILTER_DATE
from workshops.services.decisions import decision_transition
from workshops.services.tokens import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:decision-list")


def detail_url(decision) -> str:
    return reverse("api:decision-detail", kwargs={"decision_id": decision.pk})


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def token(facilitator):
    _token, secret = api_token_create(user=facilitator, name="CI")
    return secret


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


# --- who sees what ---------------------------------------------------------------------------


def test_it_lists_my_teams_decisions_to_a_signed_in_session(
    facilitator_client, team, facilitator, teammate, other_team, outsider
):
    decide(team, facilitator, "Nightly inventory sync")
    decide(team, teammate, "Order events to billing", pattern="streaming", status="draft")
    decide(other_team, outsider, "Card settlement files")
    body = facilitator_client.get(LIST_URL).json()
    assert [item["title"] for item in body["items"]] == [
        "Order events to billing",
        "Nightly inventory sync",
    ]
    assert body["count"] == 2 and body["pages"] == 1
    first = body["items"][1]
    assert first["team"] == {"id": team.pk, "name": "Platform"}
    assert first["status"] == "accepted"
    assert first["chosen_pattern"] == "batch"
    assert first["chosen_pattern_name"] == "Batch processing"
    assert first["url"].endswith(f"/decisions/{first['id']}/")


def test_it_lists_them_to_a_personal_token(client, team, facilitator, token):
    decide(team, facilitator, "Nightly inventory sync")
    assert titles(client.get(LIST_URL, headers=bearer(token))) == ["Nightly inventory sync"]


def test_it_shows_outsiders_none_of_them(client, team, facilitator, outsider):
    decide(team, facilitator, "Nightly inventory sync")
    _token, secret = api_token_create(user=outsider, name="mine")
    assert titles(client.get(LIST_URL, headers=bearer(secret))) == []


def test_it_answers_404_to_an_outsider_asking_for_a_decision(client, team, facilitator, outsider):
    decision = decide(team, facilitator, "Nightly inventory sync")
    _token, secret = api_token_create(user=outsider, name="mine")
    response = client.get(detail_url(decision), headers=bearer(secret))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    # and the same for one that does not exist at all
    missing = reverse("api:decision-detail", kwargs={"decision_id": decision.pk + 1000})
    assert client.get(missing, headers=bearer(secret)).json() == {"detail": "Not found."}


def test_it_answers_401_without_a_session_or_token(client, team, facilitator):
    decision = decide(team, facilitator, "Nightly inventory sync")
    for url in (LIST_URL, detail_url(decision)):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json() == {"detail": "Sign in or send an API token."}
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_answers_401_to_a_revoked_token(client, team, facilitator):
    decide(team, facilitator, "Nightly inventory sync")
    created, secret = api_token_create(user=facilitator, name="CI")
    assert client.get(LIST_URL, headers=bearer(secret)).status_code == 200
    api_token_revoke(token=created)
    response = client.get(LIST_URL, headers=bearer(secret))
    assert response.status_code == 401
    assert response.json() == {"detail": "The API token is unknown or was revoked."}


@pytest.mark.parametrize("header", ["Bearer pgw_not-a-token", "Bearer ", "Bearer \x7f\u00e9"])
def test_it_answers_401_to_a_wrong_token_even_beside_a_session(facilitator_client, header):
    response = facilitator_client.get(LIST_URL, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_it_refuses_the_token_of_a_deactivated_account(client, facilitator, token):
    facilitator.is_active = False
    facilitator.save()
    assert client.get(LIST_URL, headers=bearer(token)).status_code == 401


def test_it_notes_when_a_token_was_last_used(client, facilitator):
    created, secret = api_token_create(user=facilitator, name="CI")
    assert created.last_used_at is None
    client.get(LIST_URL, headers=bearer(secret))
    created.refresh_from_db()
    assert created.last_used_at is not None


def test_it_refuses_writes(facilitator_client, token, client):
    assert facilitator_client.post(LIST_URL).status_code == 405
    assert client.delete(LIST_URL, headers=bearer(token)).status_code == 405


# --- the history's filters -----------------------------------------------------------------


def test_it_filters_as_the_history_page_does(
    facilitator_client, team, second_team, facilitator, teammate
):
    decide(team, facilitator, "Nightly inventory sync")
    decide(team, teammate, "Order events to billing", pattern="streaming", status="draft")
    decide(second_team, facilitator, "Warehouse scans", pattern="streaming")

    def get(**params):
        return titles(facilitator_client.get(LIST_URL, params))

    assert get(q="billing") == ["Order events to billing"]
    assert get(pattern="streaming") == ["Warehouse scans", "Order events to billing"]
    assert get(status="draft") == ["Order events to billing"]
    assert get(team=second_team.pk) == ["Warehouse scans"]
    assert get(sort="title") == [
        "Nightly inventory sync",
        "Order events to billing",
        "Warehouse scans",
    ]
    assert get(pattern="streaming", status="accepted") == ["Warehouse scans"]


def test_it_filters_by_the_day_recorded_and_review_due(facilitator_client, team, facilitator):
    now = timezone.now()
    decide(team, facilitator, "Old one", at=now - timedelta(days=40), review_date=date(2020, 1, 1))
    decide(team, facilitator, "New one")
    since = (now - timedelta(days=1)).date().isoformat()
    until = (now - timedelta(days=30)).date().isoformat()
    assert titles(facilitator_client.get(LIST_URL, {"from": since})) == ["New one"]
    assert titles(facilitator_client.get(LIST_URL, {"to": until})) == ["Old one"]
    assert titles(facilitator_client.get(LIST_URL, {"review_due": "true"})) == ["Old one"]


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"status": "maybe"}, "status", "'draft'"),
        ({"sort": "random"}, "sort", "'newest'"),
        ({"from": "yesterday"}, "from", "YYYY-MM-DD"),
        ({"from": "0"}, "from", "YYYY-MM-DD"),
        ({"from": "1066-10-14"}, "from", "1900-01-01"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "to", "before the “from” date"),
        ({"team": "platform"}, "team", "integer"),
        ({"team": str(2**70)}, "team", "less than or equal"),
        ({"page": "0"}, "page", "greater than or equal to 1"),
        ({"page_size": "1000"}, "page_size", "less than or equal to 100"),
        ({"q": "x" * 201}, "q", "at most 200 characters"),
        ({"q": "a\x00b"}, "q", "match pattern"),
        ({"pattern": "<script>"}, "pattern", "match pattern"),
        ({"review_due": "often"}, "review_due", "boolean"),
    ],
)
def test_it_answers_400_naming_the_bad_filter(facilitator_client, team, params, field, fragment):
    response = facilitator_client.get(LIST_URL, params)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors, errors
    assert any(fragment in message for message in errors[field]), errors


def test_it_publishes_the_years_the_date_filters_take():
    def published(day) -> bool:
        return re.fullmatch(FILTER_DAY_PATTERN, day.isoformat()) is not None

    assert published(EARLIEST_FILTER_DATE) and published(LATEST_FILTER_DATE)
    assert not published(EARLIEST_FILTER_DATE - timedelta(days=1))
    assert not published(LATEST_FILTER_DATE + timedelta(days=1))


def test_it_answers_400_to_a_decision_id_past_what_a_database_holds(facilitator_client):
    url = reverse("api:decision-detail", kwargs={"decision_id": 2**64})
    response = facilitator_client.get(url)
    assert response.status_code == 400
    assert "decision_id" in response.json()["errors"]


# --- pages -----------------------------------------------------------------------------------


def test_it_pages_the_list_with_links_to_the_next_and_previous(
    facilitator_client, team, facilitator
):
    bulk_decisions(team, facilitator, PAGE_SIZE + 5)
    first = facilitator_client.get(LIST_URL, {"status": "accepted"}).json()
    assert (first["count"], first["page"], first["pages"]) == (PAGE_SIZE + 5, 1, 2)
    assert len(first["items"]) == PAGE_SIZE and first["previous"] is None
    assert "status=accepted" in first["next"] and "page=2" in first["next"]
    second = facilitator_client.get(first["next"]).json()
    assert len(second["items"]) == 5 and second["next"] is None
    assert "page=1" in second["previous"]
    assert {i["id"] for i in first["items"]}.isdisjoint(i["id"] for i in second["items"])
    past = facilitator_client.get(LIST_URL, {"page": 9}).json()
    assert past["items"] == [] and past["count"] == PAGE_SIZE + 5
    assert "page=2" in past["previous"]
    small = facilitator_client.get(LIST_URL, {"page_size": 10}).json()
    assert (len(small["items"]), small["pages"]) == (10, 3)


@pytest.mark.parametrize("filters", [{}, {"q": "decision", "status": "accepted", "sort": "review"}])
def test_it_costs_the_same_queries_for_3_or_30_decisions(
    client, team, facilitator, second_team, django_assert_max_num_queries, filters
):
    _token, secret = api_token_create(user=facilitator, name="CI")
    bulk_decisions(team, facilitator, 3)
    # Drawn: the token with its user, noting its use, my teams, the cache look-up, the count,
    # the page of rows with their teams, their parts, then storing the page in the database
    # cache (a count, a savepoint, a look-up, the insert, the release).
    with django_assert_max_num_queries(12) as small:
        response = client.get(LIST_URL, filters, headers=bearer(secret))
        assert len(titles(response)) == 3
    bulk_decisions(second_team, facilitator, 27, prefix="More decision")
    with django_assert_max_num_queries(len(small)):
        assert len(titles(client.get(LIST_URL, filters, headers=bearer(secret)))) == PAGE_SIZE
    # Asked again unchanged: the token with its user, my teams, the page as drawn.
    with django_assert_max_num_queries(3):
        assert len(titles(client.get(LIST_URL, filters, headers=bearer(secret)))) == PAGE_SIZE


def test_it_answers_a_change_at_once_though_pages_are_drawn_once(
    facilitator_client, team, facilitator, teammate
):
    decision = decide(team, facilitator, "Nightly inventory sync")
    assert facilitator_client.get(LIST_URL).json()["items"][0]["status"] == "accepted"
    decision_transition(decision=decision, to_status="deprecated", by=teammate, note="Old.")
    assert facilitator_client.get(LIST_URL).json()["items"][0]["status"] == "deprecated"
    decide(team, teammate, "Order events to billing", status="draft")
    assert titles(facilitator_client.get(LIST_URL)) == [
        "Order events to billing",
        "Nightly inventory sync",
    ]


def test_it_never_answers_one_persons_page_to_another(
    facilitator_client, client, team, facilitator, outsider, other_team
):
    decide(team, facilitator, "Nightly inventory sync")
    decide(other_team, outsider, "Card settlement files")
    assert titles(facilitator_client.get(LIST_URL)) == ["Nightly inventory sync"]
    client.force_login(outsider)
    assert titles(client.get(LIST_URL)) == ["Card settlement files"]


def test_its_links_name_the_host_asked(facilitator_client, team, facilitator):
    decide(team, facilitator, "Nightly inventory sync")
    here = facilitator_client.get(LIST_URL).json()["items"][0]["url"]
    there = facilitator_client.get(LIST_URL, HTTP_HOST="localhost").json()["items"][0]["url"]
    assert here.startswith("http://testserver/") and there.startswith("http://localhost/")


# --- one decision ----------------------------------------------------------------------------


def test_it_gives_a_decision_with_its_rationale_and_timeline(client, decision, token):
    body = client.get(detail_url(decision), headers=bearer(token)).json()
    assert body["id"] == decision.pk
    assert body["title"] == "Nightly inventory sync"
    assert body["rationale"] == "it fits on all four dimensions — and Zoë agrees."
    assert body["consequences"] == "The run must stay inside its 4-hour window."
    assert body["review_date"] == "2027-05-31"
    assert [(c["from"], c["to"], c["by"]) for c in body["status_changes"]] == [
        ("", "draft", "fiona"),
        ("draft", "accepted", "fiona"),
    ]
    assert body["status_changes"][-1]["note"] == "Agreed in the room."
    # to the millisecond, as Django writes times in JSON
    decided_at = datetime.fromisoformat(body["decided_at"])
    assert abs(decided_at - decision.decided_at) < timedelta(milliseconds=1)
    assert body["supersedes"] is None and body["superseded_by"] == []


def test_it_names_a_hybrids_parts(facilitator_client, workshop, facilitator):
    hybrid_decision = decide_hybrid(split_into_hybrid(workshop), facilitator)
    body = facilitator_client.get(detail_url(hybrid_decision)).json()
    assert [(p["part"], p["pattern"]) for p in body["parts"]] == [
        (part.part_name, part.pattern_slug)
        for part in hybrid_decision.choices.exclude(part_name="")
    ]
    assert body["parts"]
    listed = facilitator_client.get(LIST_URL).json()["items"]
    assert listed[0]["parts"] == body["parts"]


def test_it_links_a_revisited_decision_both_ways(facilitator_client, decision, successor):
    old, new = decision, successor
    assert facilitator_client.get(detail_url(new)).json()["supersedes"] == old.pk
    assert facilitator_client.get(detail_url(old)).json()["superseded_by"] == [new.pk]
