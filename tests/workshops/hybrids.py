"""A two-part hybrid workshop, made through the real services; its decision comes from the
one decision builder (tests.workshops.builders.decide)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tests.workshops.builders import decide
from workshops.models import Workflow, Workshop
from workshops.services.workflows import tradeoffs_save, workflow_split, workflow_update
from workshops.services.workshops import participant_add

NEXT_YEAR = timezone.localdate() + timedelta(days=365)

# A nightly load's constraints and profile: enough for the engine to rank the patterns.
NIGHTLY = {
    "latency_value": 24,
    "latency_unit": "hours",
    "volume_value": 2_340_000,
    "trigger": "scheduled",
    "granularity": "batch",
    "consistency": "strong",
    "failure": "retry",
}
WHOLE = {
    **NIGHTLY,
    "description": "Stores send stock levels to the warehouse; caches follow each change.",
    "source_system": "Store POS",
    "target_system": "Warehouse DB",
    "growth_factor": 3,
    "trigger_notes": "The load starts once the cashiers have closed every till.",
    "candidates": ["batch"],
}
STREAM = {
    "target_system": "Shelf caches",
    "latency_value": 2,
    "latency_unit": "seconds",
    "trigger": "event",
    "granularity": "record",
    "consistency": "eventual",
    "failure": "dead_letter",
    "consistency_notes": "A shelf may show the old count for a few seconds.",
    "candidates": ["choreography", "streaming"],
}
WHOLE_REASON = "the nightly load stays simple and the caches get their own path"
STAGING_REASON = "the tills are counted once a night, so one file a night is enough"
STREAM_REASON = "each shelf cache reacts to a stock change within seconds"


@dataclass(frozen=True)
class Hybrid:
    workshop: Workshop
    whole: Workflow
    staging: Workflow
    stream: Workflow

    def chosen(self, stream: str = "choreography") -> dict[int, str]:
        return {self.whole.pk: "batch", self.staging.pk: "batch", self.stream.pk: stream}

    def reasons(self) -> dict[int, str]:
        return {self.staging.pk: STAGING_REASON, self.stream.pk: STREAM_REASON}


def save_tradeoffs(workflow: Workflow, pattern: str, *, risks: list[dict], cost: dict) -> None:
    workflow.refresh_from_db()
    tradeoffs_save(
        workflow=workflow,
        version=workflow.version,
        pattern_slug=pattern,
        risks=[
            {"rank": rank, "likelihood": 3, "impact": 4, "pitfall_slug": "", **risk}
            for rank, risk in enumerate(risks, start=1)
        ],
        cost=cost,
    )


def update(workflow: Workflow, fields: dict) -> Workflow:
    workflow.refresh_from_db()
    return workflow_update(workflow=workflow, version=workflow.version, fields=fields)


def split_into_hybrid(workshop: Workshop) -> Hybrid:
    """The workshop's workflow split into a nightly staging load and a cache stream, each with
    its own profile, candidates, risks and costs, and three attendees."""
    whole = update(workshop.workflows.get(), WHOLE)
    staging, stream = workflow_split(workflow=whole, names=("Staging load", "Cache stream"))
    update(staging, {"candidates": ["batch"], "target_throughput": 500, "measured_throughput": 900})
    update(stream, STREAM)
    save_tradeoffs(
        staging,
        "batch",
        risks=[
            {
                "title": "The load overruns its window",
                "raised_by": "operations",
                "mitigation": "Partition the file by region.",
            }
        ],
        cost={
            "monthly_infrastructure": Decimal("400"),
            "training": Decimal("0"),
            "incident_hours_per_month": Decimal("1"),
            "hourly_rate": Decimal("100"),
        },
    )
    save_tradeoffs(
        stream,
        "choreography",
        risks=[
            {
                "title": "The event bus becomes the bottleneck",
                "raised_by": "engineering",
                "mitigation": "Partition the topics on Kafka and add consumers per region.",
            },
            {
                "title": "A lost event leaves a cache stale",
                "raised_by": "operations",
                "mitigation": "Park failures in a dead-letter queue and replay them.",
            },
        ],
        cost={
            "monthly_infrastructure": Decimal("800"),
            "training": Decimal("5000"),
            "incident_hours_per_month": Decimal("4.5"),
            "hourly_rate": Decimal("120"),
        },
    )
    participant_add(workshop=workshop, name="Dana", role="operations", involvement="decision_maker")
    participant_add(workshop=workshop, name="Sam", role="security", involvement="consulted")
    participant_add(workshop=workshop, name="Ivy", role="business", involvement="informed")
    return Hybrid(workshop, whole, staging, stream)


def decide_hybrid(hybrid: Hybrid, by, *, status: str = "accepted", stream: str = "choreography"):
    """The hybrid's decision, with a reason per part, as the decide page records it."""
    return decide(
        hybrid.workshop,
        by,
        status=status,
        chosen=hybrid.chosen(stream),
        rationale=WHOLE_REASON,
        part_rationales=hybrid.reasons(),
        consequences="Two pipelines to run instead of one.",
        review_date=NEXT_YEAR,
    )
