"""A workflow assessed: its engine input, ranking, latency check, costs, checks, default choice.

What the console, the decide page, the snapshot and the draft PDF show of a workflow is
computed here and nowhere else."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from patterns.evaluation import Evaluation, evaluate
from patterns.growth import (
    GrowthFinding,
    RevisitTrigger,
    revisit_sentence,
)
from patterns.matching import PatternSpec, Profile, Requirements
from patterns.pitfalls import Pitfall
from workshops.models import Workflow
from workshops.rules.acceptance import Readiness
from workshops.rules.economics import CostInputs, TcoBreakdown, cheapest, three_year_tco
from workshops.rules.latency import (
    LatencyTolerance,
    compare_with_stated,
    latency_tolerance_from_answers,
)
from workshops.rules.prototype import (
    Check,
    GrowthProjection,
    Measurements,
    ValidationTargets,
    growth_projection,
    validation_checks,
    validation_verdict,
)


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
        batch_window_hours=workflow.batch_window_hours,
        throughput_per_hour=run_throughput_per_hour(workflow),
        organisation=workflow.organisation or None,
    )


def run_throughput_per_hour(workflow: Workflow) -> float | None:
    """Records an hour a run moves: phase 5's measurement once there is one, else the phase-1
    estimate."""
    if workflow.measured_throughput:
        return workflow.measured_throughput * 3600
    return workflow.throughput_estimate


@dataclass(frozen=True)
class CandidateAssessment:
    pattern: PatternSpec
    pitfalls: tuple[Pitfall, ...]
    tco: TcoBreakdown
    risks: tuple
    # What the group estimated, or None while the catalogue's default cost stands in.
    estimate: CostInputs | None = None
    growth: tuple[GrowthFinding, ...] = ()
    triggers: tuple[RevisitTrigger, ...] = ()

    @property
    def revisit(self) -> str:
        return revisit_sentence(self.triggers)


@dataclass(frozen=True)
class Assessment:
    workflow: Workflow
    missing: tuple[str, ...]
    evaluation: Evaluation | None
    tolerance: LatencyTolerance | None
    tolerance_warning: str | None
    candidates: tuple[CandidateAssessment, ...]
    cheapest: str | None
    checks: tuple[Check, ...]
    verdict: str
    projection: GrowthProjection | None
    # What growth does to the engine's recommendation, and when to revisit it.
    growth: tuple[GrowthFinding, ...] = ()
    triggers: tuple[RevisitTrigger, ...] = ()

    @property
    def revisit(self) -> str:
        return revisit_sentence(self.triggers)

    @property
    def recommended(self) -> str | None:
        """The engine's recommendation (a pattern slug), once it can rank the patterns."""
        result = self.evaluation.result if self.evaluation else None
        return result.recommended.pattern.slug if result and result.recommended else None

    @property
    def has_infeasible(self) -> bool:
        """Whether the ranking lists a pattern that cannot work (it is ranked last)."""
        result = self.evaluation.result if self.evaluation else None
        return bool(result) and any(not fit.feasible for fit in result.ranking)

    @property
    def default_choice(self) -> str | None:
        """The pattern chosen unless the group says otherwise: the first candidate it picked
        to weigh, else the engine's recommendation. Phase 3 preselects it, the decide page
        proposes it, the draft PDF prints it."""
        # Candidates still in the catalogue: one removed since it was picked is no choice.
        return self.candidates[0].pattern.slug if self.candidates else self.recommended

    @property
    def readiness(self) -> Readiness:
        """What accepting a decision on this workflow would be warned about."""
        return Readiness(
            name=self.workflow.name,
            is_part=self.workflow.parent_id is not None,
            verdict=self.verdict,
            checks=len(self.checks),
            failed_checks=tuple(check.name for check in self.checks if check.passed is False),
            candidates=tuple(c.pattern.name for c in self.candidates),
            candidates_without_risks=tuple(c.pattern.name for c in self.candidates if not c.risks),
        )


def headline_pattern(workflows: Sequence[Workflow], chosen: Mapping[int, str]) -> str:
    """The pattern a decision is listed under: the whole workflow's, or for a hybrid whose
    whole has none, the first part's that has one."""
    return next((chosen[w.pk] for w in workflows if chosen.get(w.pk)), "")


def assess_workflow(
    workflow: Workflow,
    patterns: tuple[PatternSpec, ...],
    default_costs: Mapping[str, Decimal] | None = None,
) -> Assessment:
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
        weighed = evaluate(requirements, patterns, chosen=slug) if requirements else None
        cost = costs.get(slug)
        estimate = None
        if cost is not None:
            inputs = estimate = CostInputs(
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
        tco = three_year_tco(inputs, growth_factor=_growth_decimal(workflow.growth_factor))
        risks = tuple(r for r in workflow.risks.all() if r.pattern_slug == slug)
        candidates.append(
            CandidateAssessment(
                pattern=pattern,
                pitfalls=weighed.pitfalls if weighed else (),
                tco=tco,
                risks=risks,
                estimate=estimate,
                growth=weighed.growth if weighed else (),
                triggers=weighed.triggers if weighed else (),
            )
        )
    # "Cheapest" is said only of a candidate that can work: an infeasible one is no option.
    infeasible = (
        {fit.pattern.slug for fit in evaluation.result.ranking if not fit.feasible}
        if evaluation
        else set()
    )
    totals = {c.pattern.slug: c.tco for c in candidates if c.pattern.slug not in infeasible}

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
    return Assessment(
        growth=evaluation.growth if evaluation else (),
        triggers=evaluation.triggers if evaluation else (),
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


def _growth_decimal(growth_factor: float | None) -> Decimal | None:
    """The growth factor as the TCO's exact arithmetic takes it; None for no usable growth."""
    if growth_factor is None or not growth_factor > 0:
        return None
    return Decimal(str(growth_factor))
