"""What the console shows for one workflow: ranking, latency check, trade-offs, validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from patterns.evaluation import Evaluation, evaluate
from patterns.matching import PatternSpec
from patterns.pitfalls import Pitfall
from workshops.economics import CostInputs, TcoBreakdown, cheapest, three_year_tco
from workshops.latency import LatencyTolerance, compare_with_stated, latency_tolerance_from_answers
from workshops.models import Workflow
from workshops.profiles import missing_for_match, requirements_of
from workshops.validation import (
    Check,
    GrowthProjection,
    Measurements,
    ValidationTargets,
    growth_projection,
    validation_checks,
    validation_verdict,
)


@dataclass(frozen=True)
class CandidateView:
    pattern: PatternSpec
    pitfalls: tuple[Pitfall, ...]
    tco: TcoBreakdown
    risks: tuple


@dataclass(frozen=True)
class WorkflowView:
    workflow: Workflow
    missing: tuple[str, ...]
    evaluation: Evaluation | None
    tolerance: LatencyTolerance | None
    tolerance_warning: str | None
    candidates: tuple[CandidateView, ...]
    cheapest: str | None
    checks: tuple[Check, ...]
    verdict: str
    projection: GrowthProjection | None


def workflow_view(
    workflow: Workflow,
    patterns: tuple[PatternSpec, ...],
    default_costs: Mapping[str, Decimal] | None = None,
) -> WorkflowView:
    """Everything derived from one workflow's answers; reads only prefetched rows."""
    requirements = requirements_of(workflow)
    evaluation = evaluate(requirements, patterns) if requirements else None

    tolerance = latency_tolerance_from_answers(
        after_10s=workflow.delay_10s or None,
        after_10m=workflow.delay_10m or None,
        after_1h=workflow.delay_1h or None,
    )
    stated = workflow.max_latency_seconds
    warning = (
        compare_with_stated(stated_seconds=stated, tolerance=tolerance)
        if tolerance is not None and stated is not None
        else None
    )

    by_slug = {p.slug: p for p in patterns}
    costs = {c.pattern_slug: c for c in workflow.costs.all()}
    candidates = []
    for slug in workflow.candidates:
        pattern = by_slug.get(slug)
        if pattern is None:
            continue  # removed from the catalogue since it was picked
        pitfalls = evaluate(requirements, patterns, chosen=slug).pitfalls if requirements else ()
        cost = costs.get(slug)
        if cost is not None:
            inputs = CostInputs(
                monthly_infrastructure=cost.monthly_infrastructure,
                training=cost.training,
                incident_hours_per_month=Decimal(cost.incident_hours_per_month),
                hourly_rate=cost.hourly_rate,
            )
        else:  # nothing entered yet: the catalogue's default infrastructure cost alone
            inputs = CostInputs(
                monthly_infrastructure=Decimal((default_costs or {}).get(slug, 0)),
                training=Decimal("0"),
                incident_hours_per_month=Decimal("0"),
                hourly_rate=Decimal("0"),
            )
        tco = three_year_tco(inputs)
        risks = tuple(r for r in workflow.risks.all() if r.pattern_slug == slug)
        candidates.append(CandidateView(pattern=pattern, pitfalls=pitfalls, tco=tco, risks=risks))
    totals = {c.pattern.slug: c.tco for c in candidates}

    checks = validation_checks(
        ValidationTargets(
            p95_latency_seconds=workflow.target_p95_seconds,
            throughput_per_second=workflow.target_throughput,
            error_rate_percent=workflow.target_error_rate,
            batch_window_hours=workflow.batch_window_hours,
        ),
        Measurements(
            p95_latency_seconds=workflow.measured_p95_seconds,
            throughput_per_second=workflow.measured_throughput,
            error_rate_percent=workflow.measured_error_rate,
        ),
    )
    projection = (
        growth_projection(
            volume_per_day=workflow.volume_per_day,
            growth_factor=workflow.growth_factor,
            measured_throughput_per_second=workflow.measured_throughput,
            batch_window_hours=workflow.batch_window_hours,
        )
        if workflow.volume_per_day is not None
        else None
    )
    return WorkflowView(
        workflow=workflow,
        missing=tuple(missing_for_match(workflow)),
        evaluation=evaluation,
        tolerance=tolerance,
        tolerance_warning=warning,
        candidates=tuple(candidates),
        cheapest=cheapest(totals) if totals else None,
        checks=checks,
        verdict=validation_verdict(checks),
        projection=projection,
    )
