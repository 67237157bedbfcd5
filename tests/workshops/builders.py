"""Workshops profiled and decisions made for tests, through the services the pages call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, NamedTuple
from unittest import mock

from django.db import transaction
from django.utils import timezone

from workshops.models import Decision, Team, Workflow, Workshop
from workshops.services.decisions import (
    decision_number_next,
    decision_record,
    decision_transition,
    team_decisions_changed,
)
from workshops.services.workflows import tradeoffs_save, workflow_update
from workshops.services.workshops import participant_add, workshop_create

# The standard requirements: stores send their stock levels to the warehouse every night.
# Batch processing fits them on all four dimensions; streaming is the other candidate weighed.
NIGHTLY_BATCH: Mapping[str, Any] = MappingProxyType(
    {
        "description": "Stores send their stock levels to the warehouse every night.",
        "source_system": "Store inventory database",
        "target_system": "Data warehouse",
        "latency_value": 24,
        "latency_unit": "hours",
        "volume_value": 2_340_000,
        "volume_unit": "day",
        "growth_factor": 10,
        "trigger": "scheduled",
        "granularity": "batch",
        "consistency": "strong",
        "failure": "retry",
        "candidates": ["batch", "streaming"],
    }
)


# The nightly batch (issue 11): 50 million records a day in 1.2 h of a 4 h window,
# growing tenfold. Its record says: revisit when the volume passes 166.7 M records a day.
OUTGROWN: Mapping[str, Any] = MappingProxyType(
    {
        "volume_value": 50_000_000,
        "growth_factor": 10,
        "throughput_estimate": 50_000_000 / 1.2,
        "batch_window_hours": 4,
    }
)


class Attendee(NamedTuple):
    name: str
    role: str
    involvement: str


DANA = Attendee("Dana", "operations", "decision_maker")
ZOE = Attendee("Zoë", "business", "decision_maker")
SAM = Attendee("Sam", "security", "consulted")

A_YEAR_AHEAD = timezone.localdate() + timedelta(days=365)

# How each status is reached from a recorded draft, as people move it on the record page.
_STEPS: Mapping[str, tuple[str, ...]] = {
    Decision.Status.DRAFT: (),
    Decision.Status.PROPOSED: (Decision.Status.PROPOSED,),
    Decision.Status.ACCEPTED: (Decision.Status.ACCEPTED,),
    Decision.Status.REJECTED: (Decision.Status.REJECTED,),
    Decision.Status.DEPRECATED: (Decision.Status.ACCEPTED, Decision.Status.DEPRECATED),
}


def profile(workshop: Workshop, *, people: Sequence[Attendee] = (), **fields: Any) -> Workshop:
    """The workshop with its whole workflow answering the standard requirements (`fields`
    changed or added), and `people` attending, as phases 1 to 3 of the console save them."""
    workflow = workshop.workflows.get(parent=None)
    workflow_update(workflow=workflow, version=workflow.version, fields={**NIGHTLY_BATCH, **fields})
    for person in people:
        participant_add(workshop=workshop, **person._asdict())
    return workshop


def save_risk(
    workflow: Workflow,
    *,
    title: str,
    mitigation: str,
    pattern: str = "batch",
    likelihood: int = 3,
    impact: int = 3,
    raised_by: str = "operations",
    cost: Mapping[str, Any] | None = None,
) -> Workflow:
    """`pattern`'s first risk and its cost inputs, as phase 4 saves them."""
    workflow.refresh_from_db()
    return tradeoffs_save(
        workflow=workflow,
        version=workflow.version,
        pattern_slug=pattern,
        risks=[
            {
                "rank": 1,
                "title": title,
                "likelihood": likelihood,
                "impact": impact,
                "raised_by": raised_by,
                "mitigation": mitigation,
                "pitfall_slug": "",
            }
        ],
        cost=cost
        or {
            "monthly_infrastructure": 1,
            "training": 1,
            "incident_hours_per_month": 1,
            "hourly_rate": 1,
        },
    )


def decide(
    where: Workshop | Team,
    by,
    title: str = "",
    *,
    status: str = Decision.Status.ACCEPTED,
    pattern: str = "batch",
    chosen: Mapping[int, str] | None = None,
    rationale: str = "it meets the nightly window at the lowest cost.",
    part_rationales: Mapping[int, str] | None = None,
    consequences: str = "Stores see stock a day late.",
    review_date: date | None = A_YEAR_AHEAD,
    note: str = "",
    at: datetime | None = None,
    **workflow_fields: Any,
) -> Decision:
    """A decision recorded as the decide page records it, then moved on to `status`.

    `where` is the workshop that decides, or a team: then a new workshop called `title`
    decides, its workflow as bare as a new one. `workflow_fields` are saved on the whole
    workflow first. `chosen` maps each workflow's id to its pattern (a hybrid); without it
    the whole workflow gets `pattern`; `part_rationales` says why for each part (a hybrid's
    parts, by workflow id). `note` goes with the last status change. `at`
    backdates it all: the services stamp rows with the current time, and history needs a past.
    """
    with mock.patch("django.utils.timezone.now", return_value=at or timezone.now()):
        if isinstance(where, Team):
            if not title:
                raise TypeError("A decision made in a team needs the title of its workshop.")
            workshop = workshop_create(
                team=where, title=title, scheduled_at=timezone.now(), facilitator=by
            )
        else:
            if title:
                raise TypeError("A workshop's decision takes its title from the workshop.")
            workshop = where
        workflow = workshop.workflows.get(parent=None)
        if workflow_fields:
            workflow_update(workflow=workflow, version=workflow.version, fields=workflow_fields)
        decision = decision_record(
            workshop=workshop,
            by=by,
            chosen=chosen or {workflow.pk: pattern},
            rationale=rationale,
            part_rationales=part_rationales,
            consequences=consequences,
            review_date=review_date,
        )
        steps = _STEPS[status]
        if note and not steps:
            raise TypeError("A note goes with a status change; a draft has none after recording.")
        for number, step in enumerate(steps, start=1):
            decision = decision_transition(
                decision=decision, to_status=step, by=by, note=note if number == len(steps) else ""
            )
    return decision


def bulk_decisions(team, by, count: int, *, prefix: str = "Bulk decision") -> None:
    # Volume only: dozens of rows through the full service would make the test slow for
    # nothing the other tests do not already cover.
    with transaction.atomic():
        first = decision_number_next(team_id=team.pk)
    Decision.objects.bulk_create(
        Decision(
            team=team,
            number=first + number,
            title=f"{prefix} {number:03}",
            created_by=by,
            status=Decision.Status.ACCEPTED,
            chosen_pattern="streaming",
            chosen_pattern_name="Real-time streaming",
            snapshot={},
        )
        for number in range(count)
    )
    # As the services do with every decision they write.
    team_decisions_changed(team_id=team.pk)
