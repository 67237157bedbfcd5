"""The decision record as MADR 4.0 Markdown: its front matter, sections, escaping and access."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workshops.builders import DANA, NIGHTLY_BATCH, SAM, ZOE, decide, profile, save_risk
from workshops.documents.markdown import (
    decision_to_markdown,
    md_cell,
    md_inline,
    md_paragraph,
    yaml_quoted,
)
from workshops.models import Decision, Workshop
from workshops.services.decisions import decision_revisit
from workshops.services.workflows import workflow_split, workflow_update
from workshops.services.workshops import participant_add

MADR_ORDER = [
    "# Nightly inventory sync",
    "## Context and Problem Statement",
    "## Decision Drivers",
    "## Considered Options",
    "## Decision Outcome",
    "### Consequences",
    "### Confirmation",
    "## Pros and Cons of the Options",
    "### Batch processing",
    "### Real-time streaming",
    "### Event-driven choreography",
    "## More Information",
    "## Risks",
    "### Risks of Batch processing",
    "### Risks of Real-time streaming",
    "## Three-Year Total Cost of Ownership",
]
HOSTILE = "# Heading\n| a | b |\n---\n<script>alert(1)</script>\n`code` back\\| slash"


def md_url(decision) -> str:
    return reverse("workshops:decision-markdown", kwargs={"decision_id": decision.pk})


@pytest.fixture
def profiled(workshop, workflow):
    profile(workshop, people=[ZOE, DANA, SAM])
    save_risk(
        workflow,
        title="The run overruns its window",
        mitigation="Partition the load.",
        likelihood=3,
        impact=4,
        raised_by="operations",
        cost={
            "monthly_infrastructure": 400,
            "training": 1000,
            "incident_hours_per_month": 2,
            "hourly_rate": 100,
        },
    )
    return workshop


@pytest.fixture
def decision(profiled, facilitator):
    # In place of tests/workshops/conftest.py's: the record's words, people and risk tested here.
    # The rationale has no full stop: the record adds it after the team's words.
    return decide(
        profiled,
        facilitator,
        rationale="it meets the nightly window at the lowest cost",
        consequences="Stock shows a day late.",
        review_date=date(2027, 5, 31),
    )


def download(client, decision) -> str:
    response = client.get(md_url(decision))
    assert response.status_code == 200
    return response.content.decode("utf-8")


def front_matter(text: str) -> dict[str, str]:
    """The front matter's keys and values, read as YAML when PyYAML is installed."""
    assert text.startswith("---\n")
    block = text[4 : text.index("\n---\n", 4)]
    try:
        import yaml
    except ImportError:
        values = {}
        for line in block.splitlines():
            match = re.fullmatch(r'([a-z-]+): (".*")', line)
            assert match, f"not a key with a double-quoted value: {line!r}"
            # The values are written as JSON strings, which YAML reads the same way.
            values[match[1]] = json.loads(match[2])
        return values
    return yaml.safe_load(block)


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"#{1,6} ", line)]


def columns(row: str) -> int:
    """How many cells a table row has: its unescaped pipes, less one."""
    return len([token for token in re.findall(r"\\.|\|", row) if token == "|"]) - 1


@pytest.mark.django_db
class TestDownload:
    def test_it_downloads_the_record_as_a_markdown_attachment(
        self, facilitator_client, decision, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(8):
            response = facilitator_client.get(md_url(decision))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/markdown; charset=utf-8"
        # MADR's name: the team's number for the decision, then its title in kebab case.
        assert response["Content-Disposition"] == (
            'attachment; filename="0001-nightly-inventory-sync.md"'
        )
        assert "Zoë" in response.content.decode("utf-8")

    def test_it_serves_team_members(self, client, teammate, decision):
        client.force_login(teammate)
        assert client.get(md_url(decision)).status_code == 200

    def test_it_returns_404_to_outsiders(self, outsider_client, decision):
        assert outsider_client.get(md_url(decision)).status_code == 404

    def test_it_returns_404_for_a_decision_that_does_not_exist(self, facilitator_client, db):
        url = reverse("workshops:decision-markdown", kwargs={"decision_id": 999})
        assert facilitator_client.get(url).status_code == 404

    def test_it_sends_anonymous_visitors_to_log_in(self, client, decision):
        response = client.get(md_url(decision))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_it_refuses_other_methods(self, facilitator_client, decision):
        assert facilitator_client.post(md_url(decision)).status_code == 405


@pytest.mark.django_db
class TestMadr:
    def test_its_front_matter_holds_status_date_and_people(self, facilitator_client, decision):
        meta = front_matter(download(facilitator_client, decision))
        assert meta == {
            "status": "accepted",
            "date": timezone.localdate(decision.decided_at).isoformat(),
            "decision-makers": "Zoë (Business), Dana (Operations)",
            "consulted": "Sam (Security)",
        }

    def test_a_draft_is_dated_when_it_was_recorded(self, facilitator, profiled):
        draft = decide(profiled, facilitator, status="draft", review_date=None)
        text = decision_to_markdown(
            Decision.objects.get(pk=draft.pk),
            record_url="http://testserver/",
            supersedes=None,
            successors=[],
            changes=[],
        )
        meta = front_matter(text)
        assert meta["status"] == "draft"
        assert meta["date"] == timezone.localdate(draft.created_at).isoformat()
        assert "* No review date set." in text

    def test_its_sections_follow_madr_then_ours(self, facilitator_client, decision):
        assert headings(download(facilitator_client, decision)) == MADR_ORDER

    def test_it_states_the_chosen_option_madr_style(self, facilitator_client, decision):
        text = download(facilitator_client, decision)
        assert (
            'Chosen option: "Batch processing", because it meets the nightly window '
            "at the lowest cost.\n" in text
        )

    def test_it_lists_drivers_options_and_their_pros_and_cons(self, facilitator_client, decision):
        text = download(facilitator_client, decision)
        drivers = text.split("## Decision Drivers")[1].split("## Considered Options")[0]
        assert "* Trigger: Scheduled (pull)\n" in drivers
        assert "* Failure handling: Retry\n" in drivers
        assert "* Maximum acceptable latency: 24 hours\n" in drivers
        assert "* Volume: 2,340,000 per day, 10× in three years\n" in drivers
        options = text.split("## Considered Options")[1].split("## Decision Outcome")[0]
        assert options.strip().splitlines() == [
            "* Batch processing",
            "* Real-time streaming",
            "* Event-driven choreography",
        ]
        batch = text.split("### Batch processing\n")[1].split("###")[0]
        assert "Fit 100%, feasible. Recommended by the matching engine. Chosen." in batch
        assert "* Good, because Batch processing matches the profile" in batch
        streaming = text.split("### Real-time streaming\n")[1].split("###")[0]
        assert "* Bad, because the trigger does not match: The workflow runs on a" in streaming

    def test_its_consequences_are_the_teams_words_then_the_chosen_patterns(
        self, facilitator_client, decision
    ):
        text = download(facilitator_client, decision)
        consequences = text.split("### Consequences\n")[1].split("### Confirmation")[0]
        assert consequences.startswith("\nStock shows a day late.\n")
        assert "* Good, because it is the simplest pattern" in consequences
        assert "* Bad, because of the pitfall “Schema evolution”:" in consequences

    def test_it_tabulates_risks_and_costs(self, facilitator_client, decision):
        text = download(facilitator_client, decision)
        assert (
            "| 1 | The run overruns its window | 3 × 4 = 12 | Operations | Partition the load. |"
            in text
        )
        # $400 a month today and 10x in three years: $2,200 a month on average, not $400.
        assert "| Batch processing (cheapest) | $79,200 | $1,000 | $7,200 | $87,400 |" in text
        assert "### Risks of Real-time streaming\n\nNo risks recorded." in text

    def test_it_confirms_with_the_prototype_plan_and_results(
        self, facilitator_client, facilitator, profiled
    ):
        workflow = profiled.workflows.get()
        workflow.refresh_from_db()
        workflow_update(
            workflow=workflow,
            version=workflow.version,
            fields={
                "prototype_data_subset": "One week of two stores",
                "target_p95_seconds": 60,
                "measured_p95_seconds": 30,
            },
        )
        text = download(facilitator_client, decide(profiled, facilitator))
        confirmation = text.split("### Confirmation\n")[1].split("## Pros and Cons")[0]
        assert "Prototype on: One week of two stores" in confirmation
        assert re.search(r"^\* .+: target .+, measured .+ — pass$", confirmation, re.M)
        assert "Verdict: **" in confirmation

    def test_it_links_superseded_and_superseding_records_both_ways(
        self, facilitator_client, facilitator, decision
    ):
        revisit = decision_revisit(decision=decision, by=facilitator)
        successor = decide(revisit, facilitator)
        newer = download(facilitator_client, successor)
        older = download(facilitator_client, decision)
        # To the other record's file, beside this one in the repository.
        assert "* Supersedes [Nightly inventory sync](0001-nightly-inventory-sync.md)" in newer
        assert (
            "* Superseded by [Nightly inventory sync (revisited)]"
            "(0002-nightly-inventory-sync-revisited.md) (accepted)." in older
        )
        assert "(superseded)." in newer
        assert front_matter(older)["status"] == "superseded"
        assert "* Review by 2027-05-31, or sooner" in older
        assert "Draft → Accepted by fiona" in older


@pytest.mark.django_db
class TestEscaping:
    @pytest.fixture
    def hostile(self, facilitator, profiled):
        workflow = profiled.workflows.get()
        workflow.refresh_from_db()
        workflow_update(
            workflow=workflow, version=workflow.version, fields={"description": HOSTILE}
        )
        save_risk(workflow, title=HOSTILE, mitigation=HOSTILE)
        participant_add(
            workshop=profiled,
            name='Eve"\nstatus: "rejected\n---',
            role="other",
            involvement="informed",
        )
        Workshop.objects.filter(pk=profiled.pk).update(title=HOSTILE.replace("\n", " \n"))
        profiled.refresh_from_db()
        return decide(profiled, facilitator, consequences=HOSTILE)

    def test_hostile_text_adds_no_heading_front_matter_or_column(self, facilitator_client, hostile):
        text = download(facilitator_client, hostile)
        title, *rest = headings(text)
        assert title.startswith("# \\# Heading \\| a \\| b \\| --- &lt;script&gt;")
        assert rest == MADR_ORDER[1:]
        assert text.splitlines().count("---") == 2
        assert front_matter(text) == {
            "status": "accepted",
            "date": timezone.localdate(hostile.decided_at).isoformat(),
            "decision-makers": "Zoë (Business), Dana (Operations)",
            "consulted": "Sam (Security)",
            "informed": 'Eve"\nstatus: "rejected\n--- (Other)',
        }
        rows = [line for line in text.splitlines() if line.startswith("|")]
        assert rows and all(columns(row) == 5 for row in rows)

    def test_hostile_text_shows_escaped(self, facilitator_client, hostile):
        text = download(facilitator_client, hostile)
        assert "<script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        context = text.split("## Context and Problem Statement\n\n")[1].split("\n\n")[0]
        assert context.splitlines() == [
            "\\# Heading",
            "\\| a \\| b \\|",
            "\\---",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "\\`code\\` back\\\\\\| slash",
        ]
        risk = next(line for line in text.splitlines() if line.startswith("| 1 |"))
        # Inside a cell, "#" starts nothing: only the pipes need escaping there.
        assert risk.startswith("| 1 | # Heading \\| a \\| b \\| --- &lt;script&gt;")
        assert "\n\\# Heading\n" in text.split("### Consequences")[1]


class TestEscapers:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("# Title", "\\# Title"),
            ("- item", "\\- item"),
            ("+ item", "\\+ item"),
            ("=====", "\\====="),
            ("> quote", "&gt; quote"),
            ("1. first", "1\\. first"),
            ("1) first", "1\\) first"),
            ("#hashtag", "\\#hashtag"),
            ("---", "\\---"),
            ("-", "\\-"),
            # Figures start no block: they read as typed.
            ("0.02% of the events", "0.02% of the events"),
            ("2026.", "2026\\."),
            ("-5 consumers", "-5 consumers"),
            ("+1 for batch", "+1 for batch"),
            ("=5", "=5"),
            # A web address is a link, e-mail addresses and www. stay text: no bare URL.
            (
                "See https://wiki.example.org/sync_(v2).",
                "See <https://wiki.example.org/sync_(v2)>.",
            ),
            ("https://x.org/a?b=1&c=2|d", "<https://x.org/a?b=1&c=2>\\|d"),
            ("https://x.org/<script>", "<https://x.org/>&lt;script&gt;"),
            ("Mail fiona@example.org", "Mail fiona\\@example.org"),
            ("www.example.org", "www\\.example.org"),
            ("    indented code", "indented code"),
            ("```python", "\\`\\`\\`python"),
            ("~~~", "\\~\\~\\~"),
            ("[link](javascript:x)", "\\[link\\](javascript:x)"),
            ("*bold* and _it_ and snake_case", "\\*bold\\* and \\_it\\_ and snake_case"),
            ("R&D &amp; co", "R&D &amp;amp; co"),
            ("C:\\path", "C:\\\\path"),
        ],
    )
    def test_it_escapes_what_could_start_a_block_or_markup(self, text, expected):
        assert md_inline(text) == expected

    def test_a_paragraph_keeps_its_breaks_and_escapes_every_line(self):
        assert md_paragraph("one\n\n\n## two\n---\r\n  * three  ") == (
            "one\n\n\\## two\n\\---\n\\* three"
        )

    def test_a_cell_is_one_line_with_escaped_pipes(self):
        assert md_cell("a | b\nc\\|d") == "a \\| b c\\\\\\|d"
        assert md_cell("") == "—"

    @pytest.mark.parametrize(
        "text", ["plain", 'say "hi"\\', "two\nlines\ttab", "\x00\x1b\x85\u2028\ufeff", "ünï ✓"]
    )
    def test_a_yaml_value_is_double_quoted_and_reads_back(self, text):
        quoted = yaml_quoted(text)
        assert quoted.startswith('"') and quoted.endswith('"')
        assert "\n" not in quoted and "\u2028" not in quoted
        assert json.loads(quoted) == text


@pytest.mark.django_db
class TestHybrid:
    @pytest.fixture
    def hybrid(self, facilitator, profiled):
        whole = profiled.workflows.get()
        staging, stream = workflow_split(workflow=whole, names=("Staging load", "Cache stream"))
        workflow_update(
            workflow=stream,
            version=stream.version,
            fields={
                "trigger": "event",
                "granularity": "record",
                "consistency": "eventual",
                "failure": "retry",
                "latency_value": 2,
                "latency_unit": "seconds",
            },
        )
        workflow_update(
            workflow=staging,
            version=staging.version,
            fields={key: NIGHTLY_BATCH[key] for key in ("trigger", "granularity")},
        )
        return decide(
            profiled,
            facilitator,
            chosen={whole.pk: "batch", staging.pk: "batch", stream.pk: "streaming"},
        )

    def test_each_part_has_its_own_sub_headings(self, facilitator_client, hybrid):
        text = download(facilitator_client, hybrid)
        found = headings(text)
        sections = [
            "## Context and Problem Statement",
            "## Decision Drivers",
            "## Considered Options",
            "## Pros and Cons of the Options",
            "## Risks",
            "## Three-Year Total Cost of Ownership",
        ]
        for section in sections:
            start = found.index(section)
            following = found[start + 1 :]
            end = next((i for i, h in enumerate(following) if h.startswith("## ")), len(following))
            block = following[:end]
            assert block[0] == "### Nightly inventory sync", section
            assert "### Part: Staging load" in block, section
            assert "### Part: Cache stream" in block, section
        confirmation = text.split("### Confirmation\n")[1].split("## Pros and Cons")[0]
        assert "#### Part: Staging load" in confirmation
        assert "#### Part: Cache stream" in confirmation
        assert "A hybrid: the workflow is split into 2 parts" in text

    def test_it_names_every_parts_chosen_option(self, facilitator_client, hybrid):
        text = download(facilitator_client, hybrid)
        outcome = text.split("## Decision Outcome\n")[1].split("### Consequences")[0]
        assert 'Chosen option: "Batch processing", because' in outcome
        assert '### Part: Staging load\n\nChosen option: "Batch processing", because' in outcome
        assert '### Part: Cache stream\n\nChosen option: "Real-time streaming", because' in outcome
        pros = text.split("## Pros and Cons of the Options")[1].split("## More Information")[0]
        stream_part = pros.split("### Part: Cache stream")[1]
        assert "#### Real-time streaming" in stream_part
        assert "Recorded by team Platform" in text
        # MADR's sections still come once each, in MADR's order.
        order = [h for h in headings(text) if h.startswith("## ")]
        assert order == [h for h in MADR_ORDER if h.startswith("## ")]


class TestImportedRecords:
    def test_it_draws_a_record_whose_snapshot_has_only_its_outline(self):
        decision = Decision(
            title="Imported",
            status="proposed",
            snapshot={"schema": "parsecgo.decision/1", "workflows": [{"name": 3}]},
        )
        text = decision_to_markdown(
            decision,
            record_url="https://example.org/d/1/",
            supersedes=None,
            successors=[],
            changes=[],
        )
        assert front_matter(text)["status"] == "proposed"
        assert 'Chosen option: "none", because no rationale was recorded.' in text
        assert "The workflow was not profiled far enough to rank the patterns." in text
