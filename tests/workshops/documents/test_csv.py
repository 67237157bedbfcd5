"""The decision history as CSV: the list's filters and sort, every page, my teams only."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workshops.builders import bulk_decisions, decide
from workshops.documents.csv import CSV_ROWS_PER_CHUNK
from workshops.views.history import PAGE_SIZE

pytestmark = pytest.mark.django_db

URL = reverse("workshops:decision-csv")
HEADER = [
    "id",
    "title",
    "status",
    "chosen pattern",
    "team",
    "recorded",
    "decided",
    "review date",
    "url",
    "part patterns",
]


def download(client, query: str = "") -> list[list[str]]:
    """The rows of the CSV, header first."""
    response = client.get(URL + query)
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"), newline="")))


def titles(rows: list[list[str]]) -> list[str]:
    return [row[1] for row in rows[1:]]


def test_it_streams_a_utf8_csv_attachment_with_a_header(facilitator_client, team, facilitator):
    decision = decide(team, facilitator, "Nightly inventory sync", review_date=date(2027, 5, 31))
    draft = decide(
        team,
        facilitator,
        "Order events to billing",
        pattern="streaming",
        status="draft",
        review_date=None,
    )
    response = facilitator_client.get(URL)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="decisions.csv"'
    rows = download(facilitator_client)
    assert rows[0] == HEADER
    today = timezone.localdate().isoformat()
    assert rows[1:] == [
        [
            str(draft.pk),
            "Order events to billing",
            "Draft",
            "Real-time streaming",
            "Platform",
            today,
            "",
            "",
            f"http://testserver/decisions/{draft.pk}/",
            "",
        ],
        [
            str(decision.pk),
            "Nightly inventory sync",
            "Accepted",
            "Batch processing",
            "Platform",
            today,
            today,
            "2027-05-31",
            f"http://testserver/decisions/{decision.pk}/",
            "",
        ],
    ]


def test_it_applies_the_lists_filters(facilitator_client, team, facilitator):
    decide(team, facilitator, "Nightly inventory sync")
    decide(team, facilitator, "Order events to billing", pattern="streaming")
    decide(team, facilitator, "Payroll export", status="draft", source_system="Payroll")
    assert titles(download(facilitator_client, "?status=accepted")) == [
        "Order events to billing",
        "Nightly inventory sync",
    ]
    assert titles(download(facilitator_client, "?pattern=streaming")) == ["Order events to billing"]
    # Search reads the systems too, as the list's search does.
    assert titles(download(facilitator_client, "?q=payroll")) == ["Payroll export"]
    # "inventory" is in the accepted one only (the rationale says "nightly" for all three).
    assert titles(download(facilitator_client, "?q=inventory&status=draft")) == []


def test_it_applies_the_lists_sort(facilitator_client, team, facilitator):
    for title in ("Bravo", "alpha", "Charlie"):
        decide(team, facilitator, title)
    assert titles(download(facilitator_client, "?sort=title")) == ["alpha", "Bravo", "Charlie"]
    assert titles(download(facilitator_client, "?sort=oldest")) == ["Bravo", "alpha", "Charlie"]


def test_it_leaves_out_invalid_filters_as_the_list_does(facilitator_client, team, facilitator):
    decide(team, facilitator, "Nightly inventory sync")
    rows = download(facilitator_client, "?status=maybe&from=soon&team=abc&sort=sideways")
    assert titles(rows) == ["Nightly inventory sync"]


def test_it_includes_every_page_ignoring_the_page_number(facilitator_client, team, facilitator):
    bulk_decisions(team, facilitator, PAGE_SIZE + 10)
    rows = download(facilitator_client, "?page=2&sort=title")
    assert len(rows) == 1 + PAGE_SIZE + 10
    assert titles(rows)[0] == "Bulk decision 000"
    assert titles(rows)[-1] == f"Bulk decision {PAGE_SIZE + 9:03}"


def test_its_bytes_are_what_excel_and_libreoffice_read_as_utf8(
    facilitator_client, team, facilitator
):
    # Excel and LibreOffice's Text Import dialog take the file for UTF-8 from a byte-order
    # mark at its very start; without one, both read Windows-1252 (checked by hand, README).
    decide(team, facilitator, "Zoë’s nightly sync ✓")
    bulk_decisions(team, facilitator, CSV_ROWS_PER_CHUNK + 5)  # more than one chunk
    body = b"".join(facilitator_client.get(URL).streaming_content)
    assert body.startswith(b"\xef\xbb\xbfid,title,status,")
    assert body.count(b"\xef\xbb\xbf") == 1  # once, not at each chunk
    assert "Zoë’s nightly sync ✓".encode() in body
    lines = body.split(b"\r\n")
    # Every line ends in CRLF (RFC 4180): the header, the 506 rows, then nothing.
    assert len(lines) == 1 + (CSV_ROWS_PER_CHUNK + 6) + 1 and lines[-1] == b""
    assert b"\n" not in b"".join(lines)


def test_it_lists_only_my_teams(
    facilitator_client, team, second_team, other_team, facilitator, outsider
):
    decide(team, facilitator, "Nightly inventory sync")
    decide(second_team, facilitator, "Warehouse load")
    decide(other_team, outsider, "Card payments")
    assert sorted(titles(download(facilitator_client))) == [
        "Nightly inventory sync",
        "Warehouse load",
    ]
    rows = download(facilitator_client, f"?team={second_team.pk}")
    assert [(row[1], row[4]) for row in rows[1:]] == [("Warehouse load", "Data")]


def test_it_shows_outsiders_none_of_another_teams_rows(
    outsider_client, team, other_team, facilitator, outsider
):
    decide(team, facilitator, "Nightly inventory sync")
    bulk_decisions(team, facilitator, 5)
    decide(other_team, outsider, "Card payments")
    assert titles(download(outsider_client)) == ["Card payments"]
    # Naming the other team's id filters nothing in: it is not one of the outsider's teams.
    assert titles(download(outsider_client, f"?team={team.pk}")) == ["Card payments"]


def test_it_neutralises_formulas(facilitator_client, team, facilitator):
    hostile = ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)", "\tTabbed", "\rReturn"]
    for title in hostile:
        decide(team, facilitator, title)
    assert sorted(titles(download(facilitator_client))) == sorted(f"'{t}" for t in hostile)


def test_it_keeps_ordinary_text_as_it_is(facilitator_client, team, facilitator):
    decide(team, facilitator, 'Zoë\'s "sync", with commas; 100% done')
    assert titles(download(facilitator_client)) == ['Zoë\'s "sync", with commas; 100% done']


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_other_methods(facilitator_client, team):
    assert facilitator_client.post(URL).status_code == 405


def test_its_query_count_does_not_grow_with_rows(
    facilitator_client, team, facilitator, django_assert_max_num_queries
):
    decide(team, facilitator, "Nightly inventory sync")
    with django_assert_max_num_queries(8) as few:
        assert len(download(facilitator_client, "?status=accepted&q=bulk")) == 1
    # More than one chunk of the iterator.
    bulk_decisions(team, facilitator, 1200)
    with django_assert_max_num_queries(len(few)):
        rows = download(facilitator_client, "?status=accepted&q=bulk")
    assert len(rows) == 1 + 1200
