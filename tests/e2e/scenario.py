"""A team's history and a live workshop with every phase filled, made by the real services, for
the browser tests that look at every page (accessibility) and at the console's layout."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from tests.workshops.builders import decide
from workshops.management.commands.loaddemo import DEMO_TEAM, DEMO_USERNAME, RETAIL, RIDES
from workshops.models import Decision, Team, Workflow, Workshop
from workshops.services.decisions import decision_revisit
from workshops.services.workflows import tradeoffs_save, workflow_split, workflow_update
from workshops.services.workshops import workshop_create, workshop_start

# Streaming's third risk; on a desktop the console shows at least 30 characters of a title.
LONG_RISK_TITLE = "Consumer lag grows unnoticed during the evening peak"


@dataclass(frozen=True)
class Scenario:
    user: object
    team: Team
    workshop: Workshop  # live; phase 3 ranks batch infeasible, phase 4 has two candidates
    part: Workflow  # a part of the workshop's workflow (a hybrid)
    accepted: Decision
    superseded: Decision  # shows the "Superseded by" banner


def workshop_filled(*, team: Team, by) -> Workshop:
    """A new ride-sharing workshop (batch is infeasible at its 1 s), filled through phase 5."""
    workshop = workshop_create(
        team=team,
        title=RIDES.title,
        scheduled_at=timezone.now(),
        facilitator=by,
        workflow_fields={**RIDES.requirements, **RIDES.profile},
    )
    return fill_phases(workshop)


def fill_phases(workshop: Workshop) -> Workshop:
    """The ride-sharing example's candidates, risks, costs and prototype, and the clock running."""
    workflow = workshop.workflows.get(parent=None)
    workflow = workflow_update(
        workflow=workflow, version=workflow.version, fields={"candidates": list(RIDES.candidates)}
    )
    for tradeoff in RIDES.tradeoffs:
        risks = [{"rank": rank, **risk} for rank, risk in enumerate(tradeoff.risks, 1)]
        workflow = tradeoffs_save(
            workflow=workflow,
            version=workflow.version,
            pattern_slug=tradeoff.pattern,
            risks=risks,
            cost=tradeoff.cost,
        )
    workflow = tradeoffs_save(
        workflow=workflow,
        version=workflow.version,
        pattern_slug="streaming",
        risks=[
            {
                "rank": 3,
                "title": LONG_RISK_TITLE,
                "likelihood": 2,
                "impact": 3,
                "raised_by": "engineering",
                "mitigation": "Alert on consumer lag per partition.",
                "pitfall_slug": "",
            }
        ],
        cost=RIDES.tradeoffs[0].cost,
    )
    workflow_update(workflow=workflow, version=workflow.version, fields=RIDES.validation)
    return workshop_start(workshop=workshop)


def build_scenario() -> Scenario:
    """The demo team's three accepted decisions (loaddemo), the retail one superseded by an
    accepted revisit, and a live revisit of the ride-sharing one split into two parts."""
    call_command("loaddemo", stdout=io.StringIO())
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    team = Team.objects.get(name=DEMO_TEAM)

    retail = Decision.objects.get(title=RETAIL.title)
    decide(decision_revisit(decision=retail, by=user), user)  # accepted: supersedes `retail`

    rides = Decision.objects.get(title=RIDES.title)
    workshop = fill_phases(decision_revisit(decision=rides, by=user))
    part, _ = workflow_split(
        workflow=workshop.workflows.get(), names=("Live positions", "Trip history")
    )
    return Scenario(
        user=user,
        team=team,
        workshop=workshop,
        part=part,
        accepted=rides,
        superseded=Decision.objects.get(pk=retail.pk),
    )
