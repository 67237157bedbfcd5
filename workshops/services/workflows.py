"""Writes of a workshop's workflows: the phase answers, the split into parts, the trade-offs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from workshops.models import REQUIREMENT_FIELDS, CostEstimate, Risk, Workflow
from workshops.services.locking import save_versioned
from workshops.services.room import room_changed


def workflow_update(*, workflow: Workflow, version: int, fields: Mapping[str, Any]) -> Workflow:
    workflow = save_versioned(workflow, version=version, fields=fields)
    # Participants see the workflow (its name, its candidates): their pages follow.
    room_changed(workshop_id=workflow.workshop_id)
    return workflow


@transaction.atomic
def workflow_split(*, workflow: Workflow, names: tuple[str, ...]) -> list[Workflow]:
    """Split a workflow into parts (a hybrid); each starts from the whole's requirements."""
    if workflow.parent_id is not None:
        raise ValidationError("Only the whole workflow can be split into parts.")
    copied = {name: getattr(workflow, name) for name in REQUIREMENT_FIELDS}
    parts = [workflow_part_add(whole=workflow, name=name, fields=copied) for name in names]
    room_changed(workshop_id=workflow.workshop_id)
    return parts


def workflow_part_add(*, whole: Workflow, name: str, fields: Mapping[str, Any]) -> Workflow:
    """A part of the whole with answers of its own (a revisit's parts start from the record)."""
    if whole.parent_id is not None:
        raise ValidationError("Only the whole workflow can have parts.")
    return Workflow.objects.create(
        workshop=whole.workshop,
        parent=whole,
        position=whole.parts.count() + 1,
        name=name,
        **fields,
    )


@transaction.atomic
def tradeoffs_restore(
    *,
    workflow: Workflow,
    risks: Sequence[Mapping[str, Any]],
    estimates: Sequence[Mapping[str, Any]],
) -> None:
    """Put risks and cost estimates back as a record kept them (each names its pattern)."""
    Risk.objects.bulk_create(Risk(workflow=workflow, **risk) for risk in risks)
    CostEstimate.objects.bulk_create(
        CostEstimate(workflow=workflow, **estimate) for estimate in estimates
    )


def workflow_part_remove(*, part: Workflow) -> None:
    if part.parent_id is None:
        raise ValidationError("The whole workflow cannot be removed.")
    part.delete()
    room_changed(workshop_id=part.workshop_id)


@transaction.atomic
def tradeoffs_save(
    *,
    workflow: Workflow,
    version: int,
    pattern_slug: str,
    risks: list[Mapping[str, Any]],
    cost: Mapping[str, Any],
) -> Workflow:
    """Save one candidate's top risks (a blank title removes that rank) and its cost inputs."""
    workflow = save_versioned(workflow, version=version, fields={})
    for risk in risks:
        values = dict(risk)
        rank = values.pop("rank")
        if not values["title"]:
            Risk.objects.filter(workflow=workflow, pattern_slug=pattern_slug, rank=rank).delete()
            continue
        Risk.objects.update_or_create(
            workflow=workflow, pattern_slug=pattern_slug, rank=rank, defaults=values
        )
    CostEstimate.objects.update_or_create(
        workflow=workflow, pattern_slug=pattern_slug, defaults=dict(cost)
    )
    return workflow


@transaction.atomic
def risk_from_pitfall(
    *, workflow: Workflow, pattern_slug: str, pitfall_slug: str, title: str, mitigation: str
) -> Risk | None:
    """Put an engine pitfall into the first free risk rank of a candidate (None when full);
    a pitfall already among the candidate's risks is not added twice."""
    # Two clicks at once must not both take the same free rank: the workflow's row is locked
    # until this transaction ends, so the second waits and then sees the first one's risk.
    Workflow.objects.select_for_update().filter(pk=workflow.pk).first()
    candidate_risks = Risk.objects.filter(workflow=workflow, pattern_slug=pattern_slug)
    if already := candidate_risks.filter(pitfall_slug=pitfall_slug).first():
        return already  # a second click on the same pitfall adds nothing
    taken = set(candidate_risks.values_list("rank", flat=True))
    free = next((rank for rank in (1, 2, 3) if rank not in taken), None)
    if free is None:
        return None
    Workflow.objects.filter(pk=workflow.pk).update(version=F("version") + 1)
    return Risk.objects.create(
        workflow=workflow,
        pattern_slug=pattern_slug,
        rank=free,
        title=title,
        likelihood=3,
        impact=3,
        mitigation=mitigation,
        raised_by=Risk.RaisedBy.ENGINEERING,
        pitfall_slug=pitfall_slug,
    )
