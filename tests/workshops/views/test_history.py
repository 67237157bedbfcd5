"""The decision history: my teams' decisions only, searched, filtered, sorted, paged, cached."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workshops.builders import bulk_decisions, decide
from workshops.services.decisions import decision_transition
from workshops.views.history import PAGE_SIZE

pytestmark = pytest.mark.django_db

URL = reverse("workshops:decision-list")
CSV_URL = reverse("workshops:decision-csv")


ROW_TITLE = re.compile(r'<tr data-decision="\d+">\s*<td><a href="[^"]+">([^<]+)</a>')


def listed(response) -> list[str]:
    """Titles of the decisions in the list, in order."""
    return [title.strip() for title in ROW_TITLE.findall(_text(response))]


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- Who sees what ---------------------------------------------------------------------------


def test_it_lists_my_teams_decisions(facilitator_client, team, facilitator, teammate):
    mine = decide(team, facilitator, "Nightly inventory sync")
    decide(team, teammate, "Order events to billing", pattern="streaming", status="draft")
    response = facilitator_client.get(URL)
    content = _text(response)
    assert listed(response) == ["Order events to billing", "Nightly inventory sync"]
    assert f'href="{mine.get_absolute_url()}"' in content
    assert "Batch processing" in content and "Real-time streaming" in content
    assert ">Accepted</span>" in content and ">Draft</span>" in content
    assert "Platform" in content
    assert "2 decisions" in content


def test_it_shows_outsiders_none_of_them(
    outsider_client, client, team, facilitator, other_team, outsider
):
    decide(team, facilitator, "Nightly inventory sync")
    decide(other_team, outsider, "Card settlement files")
    assert listed(outsider_client.get(URL)) == ["Card settlement files"]
    client.force_login(facilitator)
    assert listed(client.get(URL)) == ["Nightly inventory sync"]


def test_it_offers_only_my_teams_in_the_team_filter(facilitator_client, team, other_team):
    content = _text(facilitator_client.get(URL))
    assert f'<option value="{team.pk}">Platform</option>' in content
    assert "Payments" not in content


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_other_methods(facilitator_client):
    assert facilitator_client.post(URL).status_code == 405


# --- Search and filters ------------------------------------------------------------------------


def test_it_searches_the_systems_and_description_with_every_word(
    facilitator_client, team, facilitator
):
    decide(
        team,
        facilitator,
        "Stock levels",
        source_system="Store POS",
        target_system="Warehouse ERP",
        description="Counts per shelf, every night.",
    )
    decide(team, facilitator, "Customer addresses", target_system="CRM")
    assert listed(facilitator_client.get(URL, {"q": "warehouse"})) == ["Stock levels"]
    assert listed(facilitator_client.get(URL, {"q": "  erp   SHELF "})) == ["Stock levels"]
    assert listed(facilitator_client.get(URL, {"q": "customer"})) == ["Customer addresses"]
    assert listed(facilitator_client.get(URL, {"q": "erp crm"})) == []


def test_it_filters_by_pattern(facilitator_client, team, facilitator):
    decide(team, facilitator, "Stock levels", pattern="batch")
    decide(team, facilitator, "Order events", pattern="streaming")
    assert listed(facilitator_client.get(URL, {"pattern": "streaming"})) == ["Order events"]


def test_it_filters_by_status(facilitator_client, team, facilitator):
    decide(team, facilitator, "Stock levels")
    decide(team, facilitator, "Order events", status="draft")
    assert listed(facilitator_client.get(URL, {"status": "accepted"})) == ["Stock levels"]
    assert listed(facilitator_client.get(URL, {"status": "draft"})) == ["Order events"]


def test_it_filters_by_team(facilitator_client, team, second_team, facilitator):
    decide(team, facilitator, "Stock levels")
    decide(second_team, facilitator, "Warehouse feed")
    assert listed(facilitator_client.get(URL)) == ["Warehouse feed", "Stock levels"]
    assert listed(facilitator_client.get(URL, {"team": second_team.pk})) == ["Warehouse feed"]


def test_it_filters_by_the_date_recorded(facilitator_client, team, facilitator):
    decide(team, facilitator, "March", at=timezone.make_aware(datetime(2026, 3, 10, 23, 30)))
    decide(team, facilitator, "April", at=timezone.make_aware(datetime(2026, 4, 2, 9)))
    decide(team, facilitator, "May", at=timezone.make_aware(datetime(2026, 5, 1, 0, 5)))
    assert listed(facilitator_client.get(URL, {"from": "2026-03-10", "to": "2026-04-02"})) == [
        "April",
        "March",
    ]
    assert listed(facilitator_client.get(URL, {"from": "2026-04-03"})) == ["May"]
    assert listed(facilitator_client.get(URL, {"to": "2026-03-10"})) == ["March"]


def test_it_lists_accepted_decisions_due_for_review(facilitator_client, team, facilitator):
    today = timezone.localdate()
    decide(team, facilitator, "Overdue", review_date=today - timedelta(days=3))
    decide(team, facilitator, "Due today", review_date=today)
    decide(team, facilitator, "Later", review_date=today + timedelta(days=30))
    decide(
        team, facilitator, "Draft past date", status="draft", review_date=today - timedelta(days=3)
    )
    response = facilitator_client.get(URL, {"review_due": "on", "sort": "review"})
    assert listed(response) == ["Overdue", "Due today"]
    assert _text(response).count('data-testid="review-due"') == 2


def test_it_highlights_due_reviews_in_the_whole_list(facilitator_client, team, facilitator):
    today = timezone.localdate()
    decide(team, facilitator, "Overdue", review_date=today - timedelta(days=1))
    decide(team, facilitator, "Later", review_date=today + timedelta(days=1))
    content = _text(facilitator_client.get(URL))
    assert content.count('data-testid="review-due"') == 1


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Bravo", "Charlie", "alpha"]),
        ("newest", ["Bravo", "Charlie", "alpha"]),
        ("oldest", ["alpha", "Charlie", "Bravo"]),
        ("title", ["alpha", "Bravo", "Charlie"]),
        ("review", ["Charlie", "alpha", "Bravo"]),
    ],
)
def test_it_sorts(facilitator_client, team, facilitator, sort, expected):
    start = timezone.now() - timedelta(days=10)
    decide(team, facilitator, "alpha", review_date=date(2027, 6, 1), at=start)
    decide(team, facilitator, "Charlie", review_date=date(2027, 1, 1), at=start + timedelta(1))
    decide(team, facilitator, "Bravo", review_date=None, at=start + timedelta(2))
    assert listed(facilitator_client.get(URL, {"sort": sort})) == expected


def test_it_keeps_the_filters_in_the_page_links(facilitator_client, team, facilitator):
    bulk_decisions(team, facilitator, PAGE_SIZE + 5)
    decide(team, facilitator, "A draft", status="draft")
    first = facilitator_client.get(URL, {"status": "accepted", "sort": "title"})
    assert len(listed(first)) == PAGE_SIZE
    content = _text(first)
    assert "status=accepted&amp;sort=title&amp;page=2" in content
    assert "30 decisions match these filters · page 1 of 2" in content
    second = facilitator_client.get(URL, {"status": "accepted", "sort": "title", "page": 2})
    assert listed(second) == [f"Bulk decision {n:03}" for n in range(PAGE_SIZE, PAGE_SIZE + 5)]
    assert "status=accepted&amp;sort=title&amp;page=1" in _text(second)


@pytest.mark.parametrize("page", ["99", "last", "-1", "abc"])
def test_it_answers_a_page_that_does_not_exist_with_a_real_one(
    facilitator_client, team, facilitator, page
):
    bulk_decisions(team, facilitator, PAGE_SIZE + 1)
    assert len(listed(facilitator_client.get(URL, {"page": page}))) in (1, PAGE_SIZE)


def test_it_shows_an_invalid_filter_beside_its_field_and_still_lists(
    facilitator_client, team, facilitator, other_team
):
    decide(team, facilitator, "Stock levels")
    response = facilitator_client.get(
        URL,
        {
            "status": "accepted",
            "pattern": "telepathy",
            "team": other_team.pk,
            "from": "31/31/2026",
            "sort": "sideways",
        },
    )
    content = _text(response)
    assert listed(response) == ["Stock levels"]
    assert content.count("Select a valid choice.") >= 2 * 3  # beside the field and in the summary
    assert "Enter a valid date." in content
    assert 'id="error_1_id_from"' in content  # crispy's error element beside the field
    assert "1 decision matches these filters" in content  # the valid status filter still applies


def test_it_refuses_an_end_date_before_the_start_date(facilitator_client, team, facilitator):
    decide(team, facilitator, "Stock levels")
    today = timezone.localdate()
    start, end = today - timedelta(days=1), today - timedelta(days=5)
    response = facilitator_client.get(URL, {"from": start.isoformat(), "to": end.isoformat()})
    assert "This date is before the “from” date." in _text(response)
    assert listed(response) == ["Stock levels"]  # "from" still applies, "to" does not


# --- Empty states, htmx, query count ---------------------------------------------------------


def test_it_welcomes_someone_without_decisions(facilitator_client, team):
    content = _text(facilitator_client.get(URL))
    assert "No decisions yet." in content
    assert 'data-testid="pattern-chart"' not in content


def test_it_says_when_no_decision_matches(facilitator_client, team, facilitator):
    decide(team, facilitator, "Stock levels")
    content = _text(facilitator_client.get(URL, {"q": "nothing-like-this"}))
    assert "No decision matches these filters." in content


def test_it_answers_htmx_with_the_results_alone(facilitator_client, team, facilitator):
    decide(team, facilitator, "Stock levels")
    response = facilitator_client.get(URL, {"q": "stock"}, HTTP_HX_REQUEST="true")
    content = _text(response)
    assert "<html" not in content
    assert content.lstrip().startswith('<div id="results">')
    assert listed(response) == ["Stock levels"]
    assert "HX-Request" in response["Vary"]


def test_it_answers_an_htmx_history_restore_with_the_whole_page(facilitator_client, team):
    response = facilitator_client.get(
        URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in _text(response)


def test_it_works_without_javascript(facilitator_client, team):
    content = _text(facilitator_client.get(URL))
    form = re.search(r"<form method=\"get\" action=\"([^\"]+)\" id=\"decision-filters\"", content)
    assert form and form.group(1) == URL
    assert 'data-hx-push-url="true"' in content
    assert '<button type="submit" class="btn btn-primary">Show decisions</button>' in content


@pytest.mark.parametrize("filters", [{}, {"q": "decision", "status": "accepted", "sort": "review"}])
def test_it_costs_the_same_queries_for_3_or_60_decisions(
    client, team, facilitator, second_team, django_assert_max_num_queries, filters
):
    client.force_login(facilitator)
    bulk_decisions(team, facilitator, 3)
    # Drawing the list: session, user, my teams, the catalogue's version, the cache look-up,
    # catalogue (pattern choices), chart counts, the paginator's count, the page of rows with
    # their teams, their parts' patterns, then storing the drawing in the database cache.
    with django_assert_max_num_queries(15) as small:
        assert len(listed(client.get(URL, filters))) == 3
    bulk_decisions(second_team, facilitator, 57, prefix="More decision")
    with django_assert_max_num_queries(len(small)):
        assert len(listed(client.get(URL, {**filters, "page": "2"}))) == PAGE_SIZE
    # Seen again unchanged: session, user, my teams, catalogue version, the cached drawing.
    with django_assert_max_num_queries(5):
        assert len(listed(client.get(URL, {**filters, "page": "2"}))) == PAGE_SIZE


def test_it_shows_a_change_at_once_despite_the_cache(client, team, facilitator):
    client.force_login(facilitator)
    bulk_decisions(team, facilitator, 3)
    assert len(listed(client.get(URL))) == 3
    decision = decide(team, facilitator, "Order events", pattern="choreography", status="draft")
    assert len(listed(client.get(URL))) == 4
    decision_transition(decision=decision, to_status="rejected", by=facilitator)
    assert len(listed(client.get(URL, {"status": "rejected"}))) == 1


class TestListLink:
    def test_the_list_links_to_the_csv_with_its_filters_but_not_its_page(
        self, facilitator_client, team, facilitator
    ):
        decide(team, facilitator, "Nightly inventory sync")
        content = facilitator_client.get(URL + "?status=draft&page=2&q=sync").content.decode()
        assert f'href="{CSV_URL}?status=draft&amp;q=sync"' in content
        assert ">Download CSV</a>" in content
        assert "data-hx-swap-oob" not in content

    def test_an_htmx_update_brings_the_link_for_the_new_filters(
        self, facilitator_client, team, facilitator
    ):
        decide(team, facilitator, "Nightly inventory sync")
        content = facilitator_client.get(
            URL + "?pattern=batch",
            headers={"HX-Request": "true"},
        ).content.decode()
        assert content.lstrip().startswith('<div id="results">')
        assert (
            f'id="decision-csv" href="{CSV_URL}?pattern=batch" data-hx-swap-oob="true"' in content
        )

    def test_without_filters_the_link_has_no_query(self, facilitator_client, team):
        content = facilitator_client.get(URL).content.decode()
        assert f'href="{CSV_URL}"' in content
