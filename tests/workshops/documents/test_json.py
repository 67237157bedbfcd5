"""The decision exported as JSON: its download, its document and the format it declares."""

from __future__ import annotations

import json
from datetime import UTC

import pytest
from django.urls import reverse

from workshops.documents.json import FORMAT, InvalidExport, decision_to_json, parse_export
from workshops.models import Decision

pytestmark = pytest.mark.django_db


def json_url(decision) -> str:
    return reverse("workshops:decision-json", kwargs={"decision_id": decision.pk})


class TestExport:
    def test_it_downloads_the_decision_as_a_json_attachment(
        self, facilitator_client, decision, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(8):
            response = facilitator_client.get(json_url(decision))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert (
            response["Content-Disposition"] == f'attachment; filename="decision-{decision.pk}.json"'
        )
        body = json.loads(response.content.decode("utf-8"))
        draft, accepted = decision.changes.order_by("changed_at", "id")
        assert body == {
            "format": "parsecgo.decision-export/1",
            "title": "Nightly inventory sync",
            "status": "accepted",
            "team": "Platform",
            "chosen_pattern": "batch",
            "chosen_pattern_name": "Batch processing",
            "rationale": "it fits on all four dimensions — and Zoë agrees.",
            "consequences": "The run must stay inside its 4-hour window.",
            "review_date": "2027-05-31",
            "decided_at": decision.decided_at.astimezone(UTC).isoformat(),
            "created_at": decision.created_at.astimezone(UTC).isoformat(),
            "status_changes": [
                {
                    "from": None,
                    "to": "draft",
                    "by": "fiona",
                    "at": draft.changed_at.astimezone(UTC).isoformat(),
                    "note": "",
                },
                {
                    "from": "draft",
                    "to": "accepted",
                    "by": "fiona",
                    "at": accepted.changed_at.astimezone(UTC).isoformat(),
                    "note": "Agreed in the room.",
                },
            ],
            "supersedes": None,
            "snapshot": decision.snapshot,
        }
        assert body["snapshot"]["schema"] == "parsecgo.decision/1"
        assert body["snapshot"]["workflows"][0]["ranking"][0]["pattern"] == "batch"

    def test_it_is_pretty_printed_utf8(self, facilitator_client, decision):
        content = facilitator_client.get(json_url(decision)).content
        assert content.startswith(b'{\n  "format": ')
        assert "Zoë agrees".encode() in content
        assert b"\\u00eb" not in content

    def test_it_names_the_decision_it_supersedes(self, facilitator_client, successor):
        body = facilitator_client.get(json_url(successor)).json()
        assert body["supersedes"] == "Nightly inventory sync"
        assert body["title"] == "Nightly inventory sync (revisited)"

    def test_it_serves_team_members(self, client, teammate, decision):
        client.force_login(teammate)
        assert client.get(json_url(decision)).status_code == 200

    def test_it_returns_404_to_outsiders(self, outsider_client, decision):
        assert outsider_client.get(json_url(decision)).status_code == 404

    def test_it_returns_404_for_a_decision_that_does_not_exist(self, facilitator_client, db):
        url = reverse("workshops:decision-json", kwargs={"decision_id": 999_999})
        assert facilitator_client.get(url).status_code == 404

    def test_it_sends_anonymous_visitors_to_the_login_page(self, client, decision):
        response = client.get(json_url(decision))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_it_refuses_other_methods(self, facilitator_client, decision):
        assert facilitator_client.post(json_url(decision)).status_code == 405

    # --- import: round trip --------------------------------------------------------------------


class TestRoundTrip:
    def test_every_export_passes_its_own_validation(self, successor):
        for decision in Decision.objects.all():
            record = parse_export(json.loads(json.dumps(decision_to_json(decision))))
            assert record.title == decision.title
            assert len(record.changes) == decision.changes.count()


def test_the_format_marker_is_versioned():
    assert FORMAT == "parsecgo.decision-export/1"
    with pytest.raises(InvalidExport, match="this version imports"):
        parse_export({"format": "parsecgo.decision-export/2"})
