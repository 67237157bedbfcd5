"""Hybrid decisions: a reason per part, and the parts on the record, its PDF and Markdown."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
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
)
from workshops.models import Decision, Workshop
from workshops.services.decisions import decision_record
from workshops.services.workflows import workflow_part_remove
from workshops.services.workshops import workshop_create

pytestmark = pytest.mark.django_db


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
            f"Chosen option: <strong>Batch processing</strong>, because {WHOLE_REASON}",
            f"Chosen option: <strong>Batch processing</strong>, because {STAGING_REASON}",
            f"Chosen option: <strong>Event-driven choreography</strong>, because {STREAM_REASON}",
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


# --- helpers ---------------------------------------------------------------------------------


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
