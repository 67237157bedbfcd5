"""The console's query count does not grow with the number of parts a workflow is split into."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.workshops.builders import profile, save_risk
from workshops.models import Workflow
from workshops.services.workflows import workflow_split, workflow_update
from workshops.services.workshops import phase_go

pytestmark = pytest.mark.django_db


def console_url(workshop, part: Workflow | None = None) -> str:
    url = reverse("workshops:console", kwargs={"workshop_id": workshop.pk})
    return f"{url}?part={part.pk}" if part is not None else url


def parts_add(workshop, names: tuple[str, ...]) -> list[Workflow]:
    """Parts as the split form adds them, each with candidates, a risk and costs of its own,
    so that a page reading any of them per part would show it in its query count."""
    whole = workshop.workflows.get(parent=None)
    parts = workflow_split(workflow=whole, names=names)
    for part in parts:
        workflow_update(
            workflow=part,
            version=part.version,
            fields={
                "trigger": "scheduled",
                "granularity": "batch",
                "consistency": "strong",
                "failure": "retry",
                "candidates": ["batch", "streaming"],
            },
        )
        save_risk(part, title=f"{part.name} runs late", mitigation="Alert at 80%.")
    return parts


# Session, user, workshop, its attendees, workflows, their risks, their costs, catalogue; the
# trade-offs add the catalogue's default costs. The room card adds one: the team members the
# facilitator can hand the role to (its hand-off select). The live panel reads nothing here,
# with nobody joined; with participants it reads its phase's answers once (test_live.py).
@pytest.mark.parametrize(("phase", "queries"), [(1, 9), (4, 10)])
@pytest.mark.parametrize("on_a_part", [False, True], ids=["whole", "part"])
def test_the_console_costs_the_same_queries_with_1_or_6_parts(
    facilitator_client, workshop, phase, queries, on_a_part, django_assert_max_num_queries
):
    profile(workshop)
    save_risk(workshop.workflows.get(parent=None), title="The run overruns", mitigation="Split.")
    first = parts_add(workshop, ("Stores",))[0]
    phase_go(workshop=workshop, phase=phase)
    url = console_url(workshop, first if on_a_part else None)

    with django_assert_max_num_queries(queries) as one_part:
        assert facilitator_client.get(url).status_code == 200
    parts_add(workshop, ("Warehouse", "Web shop", "Returns", "Suppliers", "Finance"))
    assert workshop.workflows.filter(parent__isnull=False).count() == 6
    with django_assert_max_num_queries(len(one_part)):
        response = facilitator_client.get(url)
    assert response.status_code == 200
    assert "Finance" in response.content.decode()  # the sixth part's tab is drawn
