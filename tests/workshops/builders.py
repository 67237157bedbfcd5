"""Decisions made for tests as the decide page makes them, and in bulk for volume."""

from __future__ import annotations

from datetime import date, datetime
from unittest import mock

from django.utils import timezone

from workshops.models import Decision
from workshops.services.decisions import (
    decision_record,
    decision_transition,
    team_decisions_changed,
)
from workshops.services.workshops import workshop_create


def record(
    team,
    by,
    title: str,
    *,
    pattern: str = "batch",
    accept: bool = False,
    review_date: date | None = None,
    at: datetime | None = None,
    **workflow_fields,
) -> Decision:
    """A decision recorded at the end of a workshop, as the decide page records it.

    `at` backdates it: the services stamp rows with the current time, and history needs a past.
    """
    moment = at or timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=moment):
        workshop = workshop_create(
            team=team,
            title=title,
            scheduled_at=moment,
            facilitator=by,
            workflow_fields=workflow_fields,
        )
        decision = decision_record(
            workshop=workshop,
            by=by,
            chosen={workshop.workflows.get().pk: pattern},
            rationale="It fits the profile.",
            consequences="",
            review_date=review_date,
        )
        if accept:
            decision = decision_transition(decision=decision, to_status="accepted", by=by)
    return decision


def bulk_decisions(team, by, count: int, *, prefix: str = "Bulk decision") -> None:
    # Volume only: dozens of rows through the full service would make the test slow for
    # nothing the other tests do not already cover.
    Decision.objects.bulk_create(
        Decision(
            team=team,
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
