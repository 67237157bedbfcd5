"""Turns a workshop's workflow into the matching engine's input, and says what is missing."""

from __future__ import annotations

from patterns.matching import Profile, Requirements
from workshops.models import Workflow


def missing_for_match(workflow: Workflow) -> list[str]:
    """What phase 1 and 2 still need before the engine can rank patterns, in plain words."""
    missing = []
    if workflow.max_latency_seconds is None:
        missing.append("the maximum acceptable latency (phase 1)")
    if workflow.volume_per_day is None:
        missing.append("the volume (phase 1)")
    if not workflow.has_profile:
        missing.append("a value on each of the four dimensions (phase 2)")
    return missing


def requirements_of(workflow: Workflow) -> Requirements | None:
    """The engine's view of the workflow, or None while something it needs is missing."""
    if missing_for_match(workflow):
        return None
    return Requirements(
        profile=Profile(
            trigger=workflow.trigger,
            granularity=workflow.granularity,
            consistency=workflow.consistency,
            failure=workflow.failure,
        ),
        max_latency_seconds=workflow.max_latency_seconds,
        volume_per_day=workflow.volume_per_day,
        growth_factor=workflow.growth_factor,
        compliance=tuple(workflow.compliance),
        observability=workflow.observability or None,
        skill=workflow.skill or None,
        coupling=workflow.coupling or None,
        idempotency_key=workflow.idempotency_key,
        schema_policy=workflow.schema_policy,
        security_controls=workflow.security_controls,
        consumers=workflow.consumers,
    )
