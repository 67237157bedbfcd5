"""Hybrid decisions: a reason per part, the parts on the record, its PDF and Markdown, a
revisit that carries the split, and a history that knows every part's pattern."""

from __future__ import annotations

import copy
import csv
import importlib
import io
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.workshops.hybrids import (
    NEXT_YEAR,
    STAGING_REASON,
    STREAM_REASON,
    WHOLE_REASON,
    decide_hybrid,
    split_into_hybrid,
    update,
)
from workshops.documents.json import decision_to_json
from workshops.models import Decision, DecisionChoice, Risk, Workshop
from workshops.rules.economics import MONTHS
from workshops.services.decisions import (
    decision_import,
    decision_record,
    decision_revisit,
    decision_transition,
    record_search_text,
)
from workshops.services.teams import team_create
from workshops.services.workflows import workflow_part_remove
from workshops.services.workshops import workshop_create

pytestmark = pytest.mark.django_db

HISTORY = reverse("workshops:decision-list")
CSV = reverse("workshops:decision-csv")
# The record names each chosen pattern with a link to its page.
BATCH_LINK = '<a href="/patterns/batch/">Batch processing</a>'
CHOREOGRAPHY_LINK = '<a href="/patterns/choreography/">Event-driven choreography</a>'
ROW_TITLE = re.compile(r'<tr data-decision="\d+">\s*<td><a href="[^"]+">([^<]+)</a>')


@pytest.fixture
def hybrid(workshop):
    return split_into_hybrid(workshop)


@pytest.fixture
def decision(hybrid, facilitator):
    return decide_hybrid(hybrid, facilitator)


def decide_url(workshop) -> str:
    return reverse("workshops:decide", kwargs={"workshop_id": workshop.pk})


def decide_form(hybrid, **overrides) -> dict[str, str]:
    """What a facilitator sends from the decide page of the hybrid: a reason per part."""
    data = {
        f"chosen_{hybrid.whole.pk}": "batch",
        f"chosen_{hybrid.staging.pk}": "batch",
        f"chosen_{hybrid.stream.pk}": "choreography",
        "rationale": WHOLE_REASON,
        f"rationale_{hybrid.staging.pk}": STAGING_REASON,
        f"rationale_{hybrid.stream.pk}": STREAM_REASON,
        "consequences": "Two pipelines to run.",
        "review_date": NEXT_YEAR.isoformat(),
        "action": "draft",
    }
    return {**data, **overrides}


def page(client, url: str, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def listed(content: str) -> list[str]:
    return [title.strip() for title in ROW_TITLE.findall(content)]


def textarea(content: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>\s*(.*?)</textarea>', content, re.S)
    assert match, name
    return match.group(1).strip()


# --- the decide page ---------------------------------------------------------------------------


class TestDecidePage:
    def test_it_asks_for_a_pattern_and_a_reason_for_each_part(self, facilitator_client, hybrid):
        content = page(facilitator_client, decide_url(hybrid.workshop))
        for name in ("Staging load", "Cache stream"):
            assert f"Part: {name}</legend>" in content
            assert f"Pattern for {name}" in content
            assert f"{name}: chosen because…" in content
        assert f'name="rationale_{hybrid.staging.pk}"' in content
        assert f'name="rationale_{hybrid.stream.pk}"' in content
        assert f'name="rationale_{hybrid.whole.pk}"' not in content  # the whole's is "rationale"

    def test_it_explains_what_the_whole_workflows_entry_means(self, facilitator_client, hybrid):
        content = page(facilitator_client, decide_url(hybrid.workshop))
        explained = content.split('data-testid="hybrid-explained"')[1].split("</div>")[0]
        assert "hybrid of 2 parts" in explained
        assert "The whole workflow is the umbrella over its parts" in explained
        assert "headline" in explained and "applies to that part alone" in explained
        assert "The whole workflow: chosen because…" in content

    def test_a_single_workflow_keeps_its_one_plain_outcome(self, facilitator_client, workshop):
        content = page(facilitator_client, decide_url(workshop))
        assert "Chosen pattern" in content and "Chosen because…" in content
        assert 'data-testid="hybrid-explained"' not in content
        assert "<legend" not in content

    def test_it_records_each_parts_own_reason_in_the_frozen_record(
        self, facilitator_client, hybrid
    ):
        response = facilitator_client.post(decide_url(hybrid.workshop), decide_form(hybrid))
        decision = Decision.objects.get()
        assert response["Location"] == decision.get_absolute_url()
        whole, staging, stream = decision.snapshot["workflows"]
        assert (whole["rationale"], staging["rationale"], stream["rationale"]) == (
            WHOLE_REASON,
            STAGING_REASON,
            STREAM_REASON,
        )
        assert stream["chosen"] == {"pattern": "choreography", "name": "Event-driven choreography"}
        # Lists and older readers keep the whole's reason and pattern as the headline.
        assert decision.rationale == decision.snapshot["rationale"] == WHOLE_REASON
        assert decision.chosen_pattern == "batch"

    def test_reopening_an_open_decision_shows_each_parts_reason_again(
        self, facilitator_client, hybrid
    ):
        facilitator_client.post(decide_url(hybrid.workshop), decide_form(hybrid, action="proposed"))
        content = page(facilitator_client, decide_url(hybrid.workshop))
        assert textarea(content, "rationale") == WHOLE_REASON
        assert textarea(content, f"rationale_{hybrid.staging.pk}") == STAGING_REASON
        assert textarea(content, f"rationale_{hybrid.stream.pk}") == STREAM_REASON
        stream_choice = re.search(
            rf'<select name="chosen_{hybrid.stream.pk}".*?</select>', content, re.S
        ).group()
        assert '<option value="choreography" selected>' in stream_choice

    def test_reopening_finds_a_parts_reason_after_another_part_was_removed(
        self, facilitator_client, hybrid
    ):
        facilitator_client.post(decide_url(hybrid.workshop), decide_form(hybrid))
        workflow_part_remove(part=hybrid.staging)
        content = page(facilitator_client, decide_url(hybrid.workshop))
        assert textarea(content, f"rationale_{hybrid.stream.pk}") == STREAM_REASON

    def test_a_missing_part_reason_is_shown_beside_its_field_keeping_everything_typed(
        self, facilitator_client, hybrid
    ):
        response = facilitator_client.post(
            decide_url(hybrid.workshop),
            decide_form(hybrid, **{f"rationale_{hybrid.stream.pk}": "  "}),
        )
        content = response.content.decode()
        assert response.status_code == 200
        beside = content.split(f'id="div_id_rationale_{hybrid.stream.pk}"')[1].split("</div>")[0]
        assert f'id="error_1_id_rationale_{hybrid.stream.pk}"' in content
        assert "This field is required." in content.split(f'name="rationale_{hybrid.stream.pk}"')[1]
        assert "is-invalid" in beside
        assert textarea(content, "rationale") == WHOLE_REASON
        assert textarea(content, f"rationale_{hybrid.staging.pk}") == STAGING_REASON
        assert "Two pipelines to run." in content
        assert not Decision.objects.exists()


# --- the record, its PDF and its Markdown --------------------------------------------------


class TestRecord:
    def test_the_record_opens_with_each_parts_pattern_and_why(self, facilitator_client, decision):
        content = page(facilitator_client, decision.get_absolute_url())
        summary = content.split('data-testid="parts-summary"')[1].split("</section>")[0]
        assert content.index('data-testid="parts-summary"') < content.index("people-heading")
        rows = re.findall(
            r"<tr><th scope=\"row\">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>", summary
        )
        assert rows == [
            ("The whole workflow (headline)", "Batch processing", WHOLE_REASON),
            ("Staging load", "Batch processing", STAGING_REASON),
            ("Cache stream", "Event-driven choreography", STREAM_REASON),
        ]

    def test_each_parts_outcome_gives_its_own_reason(self, facilitator_client, decision):
        content = page(facilitator_client, decision.get_absolute_url())
        outcomes = re.findall(r'data-testid="outcome">(.*?)</p>', content)
        assert outcomes == [
            f"Chosen option: <strong>{BATCH_LINK}</strong>, because {WHOLE_REASON}",
            f"Chosen option: <strong>{BATCH_LINK}</strong>, because {STAGING_REASON}",
            f"Chosen option: <strong>{CHOREOGRAPHY_LINK}</strong>, because {STREAM_REASON}",
        ]

    def test_a_single_workflow_has_no_parts_summary(self, facilitator_client, facilitator, team):
        decision = _plain_decision(team, facilitator, "Price files")
        assert 'data-testid="parts-summary"' not in page(
            facilitator_client, decision.get_absolute_url()
        )

    def test_the_pdf_summarises_the_parts_on_its_first_page(self, facilitator_client, decision):
        url = reverse("workshops:decision-pdf", kwargs={"decision_id": decision.pk})
        response = facilitator_client.get(url)
        assert response.status_code == 200
        first = " ".join(PdfReader(BytesIO(response.content)).pages[0].extract_text().split())
        assert "The parts and their patterns" in first
        assert "Staging load Batch processing" in first
        assert "Cache stream Event-driven choreography" in first
        assert "within seconds" in first  # the stream's own reason

    def test_the_markdown_gives_each_part_its_chosen_option_and_reason(
        self, facilitator_client, decision
    ):
        url = reverse("workshops:decision-markdown", kwargs={"decision_id": decision.pk})
        text = facilitator_client.get(url).content.decode()
        outcome = text.split("## Decision Outcome\n")[1].split("### Consequences")[0]
        assert f'Chosen option: "Batch processing", because {WHOLE_REASON}.' in outcome
        assert (
            "### Part: Staging load\n\n"
            f'Chosen option: "Batch processing", because {STAGING_REASON}.'
        ) in outcome
        assert (
            "### Part: Cache stream\n\n"
            f'Chosen option: "Event-driven choreography", because {STREAM_REASON}.'
        ) in outcome


# --- revisiting ------------------------------------------------------------------------------


class TestRevisit:
    def test_revisiting_a_hybrid_carries_the_split_from_the_record(
        self, facilitator_client, facilitator, hybrid, decision
    ):
        # The old workshop changes after the decision: the revisit reads the record.
        update(hybrid.stream, {"target_system": "Changed later", "candidates": ["streaming"]})
        Risk.objects.filter(workflow=hybrid.stream).delete()
        url = reverse("workshops:decision-revisit", kwargs={"decision_id": decision.pk})
        response = facilitator_client.post(url)

        workshop = Workshop.objects.exclude(pk=hybrid.workshop.pk).get()
        assert response["Location"] == workshop.get_absolute_url()
        assert workshop.revisits == decision
        whole = workshop.workflows.get(parent=None)
        staging, stream = whole.parts.order_by("position")
        assert (staging.name, stream.name) == ("Staging load", "Cache stream")
        assert (whole.source_system, whole.trigger, whole.latency_value) == (
            "Store POS",
            "scheduled",
            24,
        )
        assert whole.trigger_notes.startswith("The load starts once the cashiers")
        assert (stream.target_system, stream.latency_value, stream.latency_unit) == (
            "Shelf caches",
            2,
            "seconds",
        )
        assert (stream.trigger, stream.granularity, stream.failure) == (
            "event",
            "record",
            "dead_letter",
        )
        assert stream.consistency_notes == "A shelf may show the old count for a few seconds."
        assert stream.candidates == ["choreography", "streaming"]
        assert staging.candidates == ["batch"]

    def test_revisiting_carries_the_risks_costs_and_attendees(self, facilitator, hybrid, decision):
        workshop = decision_revisit(decision=decision, by=facilitator)
        stream = workshop.workflows.get(name="Cache stream")
        risks = list(
            stream.risks.order_by("rank").values_list("pattern_slug", "rank", "title", "mitigation")
        )
        assert risks == [
            (
                "choreography",
                1,
                "The event bus becomes the bottleneck",
                "Partition the topics on Kafka and add consumers per region.",
            ),
            (
                "choreography",
                2,
                "A lost event leaves a cache stale",
                "Park failures in a dead-letter queue and replay them.",
            ),
        ]
        cost = stream.costs.get(pattern_slug="choreography")
        assert (cost.monthly_infrastructure, cost.training) == (Decimal("800"), Decimal("5000"))
        assert (cost.incident_hours_per_month, cost.hourly_rate) == (Decimal("4.5"), Decimal("120"))
        # No estimate was entered for streaming: the catalogue's default still stands in.
        assert not stream.costs.filter(pattern_slug="streaming").exists()
        assert workshop.workflows.get(name="Staging load").risks.get().title == (
            "The load overruns its window"
        )
        people = list(workshop.participants.values_list("name", "role", "involvement"))
        assert people == [
            ("Dana", "operations", "decision_maker"),
            ("Sam", "security", "consulted"),
            ("Ivy", "business", "informed"),
        ]

    def test_the_revisited_workshop_draws_the_same_costs_and_risks_on_its_draft(
        self, facilitator_client, facilitator, decision
    ):
        workshop = decision_revisit(decision=decision, by=facilitator)
        draft = _decide_all(workshop, facilitator, "batch")
        old, new = decision.snapshot["workflows"][2], draft.snapshot["workflows"][2]
        assert [c["tco"] for c in new["candidates"]] == [c["tco"] for c in old["candidates"]]
        assert [c["risks"] for c in new["candidates"]] == [c["risks"] for c in old["candidates"]]

    def test_an_older_record_gives_back_its_costs_from_its_three_year_figures(
        self, facilitator, decision
    ):
        older = copy.deepcopy(decision.snapshot)
        for workflow in older["workflows"]:
            for candidate in workflow["candidates"]:
                estimate = candidate.pop("estimate")  # records from before the inputs were kept
                if estimate:  # those records held the infrastructure flat over 36 months
                    monthly = Decimal(estimate["monthly_infrastructure"])
                    candidate["tco"]["infrastructure"] = str(monthly * MONTHS)
        Decision.objects.filter(pk=decision.pk).update(snapshot=older)
        decision.refresh_from_db()
        workshop = decision_revisit(decision=decision, by=facilitator)
        cost = workshop.workflows.get(name="Staging load").costs.get()
        # 400 a month and 1 incident hour a month at $100: the default rate gives them back.
        assert (cost.monthly_infrastructure, cost.incident_hours_per_month, cost.hourly_rate) == (
            Decimal("400"),
            Decimal("1"),
            Decimal("100"),
        )

    def test_a_garbled_imported_record_revisits_without_what_it_cannot_use(
        self, facilitator, team, decision
    ):
        """Imports refuse such a record now (tests/workshops/documents/test_export_schema.py);
        one imported before they did is still revisited."""
        data = decision_to_json(decision)
        imported = decision_import(data=copy.deepcopy(data), team=team, user=facilitator)
        stream = data["snapshot"]["workflows"][2]
        stream["latency"] = {"value": "soon", "unit": "fortnights"}
        stream["profile"]["trigger"] = "telepathy"
        stream["name"] = "x" * 500
        stream["candidates"][0]["risks"][0]["likelihood"] = 9
        stream["candidates"][0]["estimate"]["hourly_rate"] = "-5"
        data["snapshot"]["people"]["consulted"] = [{"name": "", "role": "Security"}, "Sam"]
        Decision.objects.filter(pk=imported.pk).update(snapshot=data["snapshot"])
        imported.refresh_from_db()

        workshop = decision_revisit(decision=imported, by=facilitator)
        part = workshop.workflows.get(position=2)
        assert len(part.name) == 200
        assert (part.latency_value, part.latency_unit, part.trigger) == (None, "minutes", "")
        assert part.granularity == "record"
        assert list(part.risks.values_list("title", flat=True)) == [
            "A lost event leaves a cache stale"
        ]
        assert not part.costs.exists()
        assert list(workshop.participants.values_list("name", flat=True)) == ["Dana", "Ivy"]


# --- the history -----------------------------------------------------------------------------


class TestHistory:
    def test_filtering_by_a_parts_pattern_finds_the_hybrid(
        self, facilitator_client, facilitator, team, decision
    ):
        _plain_decision(team, facilitator, "Price files", pattern="streaming")
        assert listed(page(facilitator_client, HISTORY, pattern="choreography")) == [decision.title]
        assert listed(page(facilitator_client, HISTORY, pattern="batch")) == [decision.title]
        assert listed(page(facilitator_client, HISTORY, pattern="streaming")) == ["Price files"]

    def test_the_list_names_each_parts_pattern_under_the_headline(
        self, facilitator_client, decision
    ):
        content = page(facilitator_client, HISTORY)
        parts = content.split('data-testid="parts"')[1].split("</ul>")[0]
        assert "<li>Staging load: Batch processing</li>" in parts
        assert "<li>Cache stream: Event-driven choreography</li>" in parts

    def test_the_csv_lists_every_parts_pattern(self, facilitator_client, decision):
        response = facilitator_client.get(CSV, {"pattern": "choreography"})
        content = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
        header, row = csv.reader(io.StringIO(content, newline=""))
        values = dict(zip(header, row, strict=True))
        assert values["chosen pattern"] == "Batch processing"
        assert values["part patterns"] == (
            "Staging load: Batch processing; Cache stream: Event-driven choreography"
        )

    def test_the_chart_counts_the_patterns_of_decisions_in_force_parts_included(
        self, facilitator_client, facilitator, team, hybrid, decision
    ):
        # A draft, a rejected decision and one superseded by its revisit are not in force.
        decide_hybrid(
            split_into_hybrid(_workshop(team, facilitator, "Draft hybrid")),
            facilitator,
            status="draft",
        )
        rejected = decide_hybrid(
            split_into_hybrid(_workshop(team, facilitator, "Refused hybrid")),
            facilitator,
            status="draft",
        )
        decision_transition(decision=rejected, to_status="rejected", by=facilitator)
        revisit = decision_revisit(decision=decision, by=facilitator)
        successor = _decide_all(revisit, facilitator, "streaming")
        decision_transition(decision=successor, to_status="accepted", by=facilitator)

        content = page(facilitator_client, HISTORY)
        counts = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', content))
        # The successor chose streaming for its whole and both parts: one decision.
        assert counts == {"Real-time streaming": "1"}
        assert "4 decisions" in content
        caption = content.split('id="chart-caption"')[1].split("</p>")[0]
        assert "decisions in force" in caption
        assert "Counts accepted decisions only" in caption
        assert "superseded, deprecated or rejected" in caption

    def test_a_hybrid_counts_once_under_each_pattern_it_chose(
        self, facilitator_client, facilitator, team, decision
    ):
        other = decide_hybrid(
            split_into_hybrid(_workshop(team, facilitator, "Second hybrid")),
            facilitator,
            stream="streaming",
        )
        assert other.status == "accepted"
        content = page(facilitator_client, HISTORY)
        assert (
            'aria-label="Decisions in force per chosen pattern, parts included: '
            'Batch processing 2, Event-driven choreography 1, Real-time streaming 1."'
        ) in content

    def test_it_says_so_when_no_decision_is_in_force(self, facilitator_client, facilitator, hybrid):
        decide_hybrid(hybrid, facilitator, status="proposed")
        content = page(facilitator_client, HISTORY)
        assert 'data-testid="pattern-chart"' not in content
        assert "None of these decisions is in force (accepted)" in content

    @pytest.mark.parametrize(
        "words",
        [
            "kafka",  # a risk's mitigation
            "bottleneck",  # a risk's title
            "cashiers",  # a dimension note
            "shelf cache reacts",  # a part's reason
            "nightly load stays simple",  # the whole's reason
        ],
    )
    def test_search_reads_reasons_risks_and_dimension_notes(
        self, facilitator_client, facilitator, team, decision, words
    ):
        _plain_decision(team, facilitator, "Price files")
        assert listed(page(facilitator_client, HISTORY, q=words)) == [decision.title]

    def test_the_list_costs_the_same_queries_for_1_or_6_hybrids(
        self, client, facilitator, team, decision, django_assert_max_num_queries
    ):
        client.force_login(facilitator)
        with django_assert_max_num_queries(15) as one:
            assert len(listed(page(client, HISTORY))) == 1
        for number in range(5):
            decide_hybrid(
                split_into_hybrid(_workshop(team, facilitator, f"Hybrid {number}")), facilitator
            )
        with django_assert_max_num_queries(len(one)):
            content = page(client, HISTORY)
        assert len(listed(content)) == 6
        assert content.count("<li>Cache stream: Event-driven choreography</li>") == 6


def _workshop(team, facilitator, title: str) -> Workshop:
    return workshop_create(
        team=team, title=title, scheduled_at=timezone.now(), facilitator=facilitator
    )


def _decide_all(workshop, by, pattern: str) -> Decision:
    """The workshop's open decision, one pattern and one reason for all of its workflows."""
    workflows = list(workshop.workflows.all())
    return decision_record(
        workshop=workshop,
        by=by,
        chosen={workflow.pk: pattern for workflow in workflows},
        rationale="it is simple.",
        part_rationales={workflow.pk: "it is simple." for workflow in workflows},
        consequences="",
        review_date=NEXT_YEAR,
    )


def _plain_decision(team, facilitator, title: str, *, pattern: str = "batch") -> Decision:
    return _decide_all(_workshop(team, facilitator, title), facilitator, pattern)


# --- export and import -----------------------------------------------------------------------


class TestExportAndImport:
    def test_an_export_imports_with_every_parts_pattern_and_reason(
        self, facilitator_client, facilitator, outsider, decision
    ):
        elsewhere = team_create(name="Elsewhere", creator=facilitator)
        imported = decision_import(
            data=decision_to_json(decision), team=elsewhere, user=facilitator
        )
        assert imported.snapshot == decision.snapshot
        assert list(imported.choices.values_list("part_name", "pattern_slug")) == [
            ("", "batch"),
            ("Staging load", "batch"),
            ("Cache stream", "choreography"),
        ]
        assert imported.search_text == decision.search_text
        found = listed(page(facilitator_client, HISTORY, pattern="choreography", team=elsewhere.pk))
        assert found == [decision.title]
        assert decision_to_json(imported)["snapshot"] == decision_to_json(decision)["snapshot"]

    def test_an_older_export_without_part_reasons_still_imports_and_reads(
        self, facilitator_client, facilitator, team, decision
    ):
        data = decision_to_json(decision)
        for workflow in data["snapshot"]["workflows"]:
            del workflow["rationale"]
            for candidate in workflow["candidates"]:
                del candidate["estimate"]
        imported = decision_import(data=data, team=team, user=facilitator)
        content = page(facilitator_client, imported.get_absolute_url())
        summary = content.split('data-testid="parts-summary"')[1].split("</section>")[0]
        # One rationale then served every part: each shows it.
        assert summary.count(WHOLE_REASON) == 3
        assert imported.choices.count() == 3
        url = reverse("workshops:decision-markdown", kwargs={"decision_id": imported.pk})
        markdown = facilitator_client.get(url).content.decode()
        assert f'Chosen option: "Event-driven choreography", because {WHOLE_REASON}.' in markdown

    def test_an_import_whose_workflows_name_no_pattern_is_listed_under_its_headline(
        self, facilitator, team, decision
    ):
        data = decision_to_json(decision)
        for workflow in data["snapshot"]["workflows"]:
            workflow["chosen"] = {"pattern": "", "name": ""}
        imported = decision_import(data=data, team=team, user=facilitator)
        assert list(imported.choices.values_list("part_name", "pattern_name")) == [
            ("", "Batch processing")
        ]


# --- the migration ---------------------------------------------------------------------------


def test_the_migration_backfills_choices_and_search_text_from_the_records(facilitator, decision):
    """Records made before the migration have no choices and a narrower search text: the
    back-fill gives them what the services now write."""
    written = list(
        decision.choices.values_list("position", "part_name", "pattern_slug", "pattern_name")
    )
    search_text = decision.search_text
    DecisionChoice.objects.all().delete()
    Decision.objects.filter(pk=decision.pk).update(search_text="Nightly inventory sync")

    migration = importlib.import_module("workshops.migrations.0007_backfill_decision_choices")
    migration.backfill(apps, schema_editor=None)

    decision.refresh_from_db()
    assert (
        list(decision.choices.values_list("position", "part_name", "pattern_slug", "pattern_name"))
        == written
    )
    assert decision.search_text == search_text == record_search_text(decision.snapshot)
    assert "Kafka" in decision.search_text
