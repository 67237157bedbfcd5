"""The frozen form of a decision record: everything the record shows, as plain JSON data."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import JSONField, Model

from patterns.matching import MatchResult, PatternSpec
from patterns.wire import as_dict, as_dicts, as_text, growth_to_json
from workshops import selectors
from workshops.assessment import Assessment, assess_workflow, headline_pattern
from workshops.models import (
    MAX_FIGURE,
    REQUIREMENT_FIELDS,
    Consent,
    CostEstimate,
    Decision,
    Dimension,
    Participant,
    Risk,
    Workflow,
    Workshop,
)
from workshops.rules.acceptance import Readiness
from workshops.rules.economics import MONTHS, CostInputs
from workshops.rules.room import (
    DelayVoice,
    Objection,
    ProposedRisk,
    VoteCast,
    delay_summary,
    top_risks,
    vote_tally,
    votes_complete,
)
from workshops.services.room import DIMENSION_VALUES

SCHEMA = "parsecgo.decision/1"


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def ranking_as_data(result: MatchResult | None) -> list[dict[str, Any]]:
    """The engine's ranking as the record keeps it (and as the profile chart reads it)."""
    return [
        {
            "pattern": fit.pattern.slug,
            "name": fit.pattern.name,
            "feasible": fit.feasible,
            "score": fit.score,
            "reasons": list(fit.reasons),
            "mismatches": [
                {"dimension": m.dimension, "explanation": m.explanation} for m in fit.mismatches
            ],
        }
        for fit in (result.ranking if result else ())
    ]


def _estimate(inputs: CostInputs | None) -> dict[str, str] | None:
    if inputs is None:
        return None
    return {
        "monthly_infrastructure": _money(inputs.monthly_infrastructure),
        "training": _money(inputs.training),
        "incident_hours_per_month": str(inputs.incident_hours_per_month),
        "hourly_rate": _money(inputs.hourly_rate),
    }


def _growth_as_data(view: Assessment, chosen: str | None) -> dict[str, Any]:
    """What growth does to the chosen pattern (the recommendation while none is chosen), and
    the conditions under which it stops fitting."""
    growth, triggers = view.growth, view.triggers
    if chosen and chosen != view.recommended:
        weighed = next((c for c in view.candidates if c.pattern.slug == chosen), None)
        growth, triggers = (weighed.growth, weighed.triggers) if weighed else ((), ())
    return growth_to_json(growth, triggers)


def _workflow_snapshot(
    view: Assessment, chosen: str | None, names: Mapping[str, str], rationale: str
) -> dict:
    workflow = view.workflow
    result = view.evaluation.result if view.evaluation else None
    return {
        "name": workflow.name,
        "is_part": workflow.parent_id is not None,
        "description": workflow.description,
        "source_system": workflow.source_system,
        "target_system": workflow.target_system,
        "data_elements": workflow.data_elements,
        "update_frequency": workflow.update_frequency,
        "latency": {"value": workflow.latency_value, "unit": workflow.latency_unit},
        "max_latency_seconds": workflow.max_latency_seconds,
        "volume": {"value": workflow.volume_value, "unit": workflow.volume_unit},
        "volume_per_day": workflow.volume_per_day,
        "growth_factor": workflow.growth_factor,
        "compliance": list(workflow.compliance),
        "observability": workflow.observability,
        "skill": workflow.skill,
        "coupling": workflow.coupling,
        "consumers": workflow.consumers,
        "throughput_estimate": workflow.throughput_estimate,
        "batch_window_hours": workflow.batch_window_hours,
        "organisation": workflow.organisation,
        "idempotency_key": workflow.idempotency_key,
        "schema_policy": workflow.schema_policy,
        "security_controls": workflow.security_controls,
        "delay_answers": {
            "10s": workflow.delay_10s,
            "10m": workflow.delay_10m,
            "1h": workflow.delay_1h,
        },
        "tolerance": view.tolerance.sentence if view.tolerance else "",
        "tolerance_warning": view.tolerance_warning or "",
        "profile": {
            "trigger": workflow.trigger,
            "granularity": workflow.granularity,
            "consistency": workflow.consistency,
            "failure": workflow.failure,
        },
        "notes": {
            "trigger": workflow.trigger_notes,
            "granularity": workflow.granularity_notes,
            "consistency": workflow.consistency_notes,
            "failure": workflow.failure_notes,
        },
        "recommended": result.recommended.pattern.slug if result and result.recommended else None,
        "suggest_split": bool(result and result.suggest_split),
        "ranking": ranking_as_data(result),
        "candidates": [
            {
                "pattern": c.pattern.slug,
                "name": c.pattern.name,
                "risks": [
                    {
                        "rank": r.rank,
                        "title": r.title,
                        "likelihood": r.likelihood,
                        "impact": r.impact,
                        "score": r.score,
                        "mitigation": r.mitigation,
                        "raised_by": r.raised_by,
                        "pitfall": r.pitfall_slug,
                    }
                    for r in sorted(c.risks, key=lambda r: r.rank)
                ],
                # The group's estimate (None: the catalogue's default cost stood in), so that a
                # revisit starts from the same figures.
                "estimate": _estimate(c.estimate),
                "tco": {
                    "infrastructure": _money(c.tco.infrastructure),
                    "training": _money(c.tco.training),
                    "incidents": _money(c.tco.incidents),
                    "total": _money(c.tco.total),
                },
                "pitfalls": [
                    {
                        "slug": p.slug,
                        "title": p.title,
                        "reason": p.reason,
                        "mitigation": p.mitigation,
                    }
                    for p in c.pitfalls
                ],
            }
            for c in view.candidates
        ],
        "cheapest": view.cheapest,
        # The infrastructure above follows the expected growth (records from before it did
        # held it flat and lack this key).
        "tco_along_growth": True,
        **_growth_as_data(view, chosen),
        "chosen": {"pattern": chosen or "", "name": names.get(chosen or "", "")},
        # "Chosen option: X, because …" for this workflow: a part's own reason; the whole's is
        # the decision's rationale.
        "rationale": rationale,
        "validation": {
            "data_subset": workflow.prototype_data_subset,
            "targets": {
                "p95_seconds": workflow.target_p95_seconds,
                "throughput": workflow.target_throughput,
                "error_rate": workflow.target_error_rate,
                "batch_window_hours": workflow.batch_window_hours,
            },
            "measured": {
                "p95_seconds": workflow.measured_p95_seconds,
                "throughput": workflow.measured_throughput,
                "error_rate": workflow.measured_error_rate,
            },
            "checks": [
                {
                    "name": check.name,
                    "target": check.target_text,
                    "measured": check.measured_text,
                    "passed": check.passed,
                }
                for check in view.checks
            ],
            "verdict": view.verdict,
            "projection": view.projection.sentence if view.projection else "",
        },
    }


def _people(participants: Sequence[Participant]) -> dict[str, list[dict[str, str]]]:
    groups: dict[str, list[dict[str, str]]] = {
        "decision_makers": [],
        "consulted": [],
        "informed": [],
    }
    key = {"decision_maker": "decision_makers", "consulted": "consulted", "informed": "informed"}
    for person in participants:
        groups[key[person.involvement]].append(
            {"name": person.name, "role": person.get_role_display()}
        )
    return groups


# --- what the room said: its delay answers, dimension votes, proposed risks, and consent ---
# The same data the console's live panel draws (workshops.views.live), so that the record
# says what the room saw.

DELAY_KEYS = ("10s", "10m", "1h")
ROLE_LABELS = dict(Participant.Role.choices)
DIMENSION_LABELS = dict(Dimension.choices)
# Each dimension's values with their labels, as the workflow's own fields name them.
DIMENSION_VALUE_LABELS: dict[str, dict[str, str]] = {
    dimension: dict(Workflow._meta.get_field(dimension).flatchoices)
    for dimension in DIMENSION_VALUES
}


def dimension_value_label(dimension: str, value: Any) -> str:
    """A recorded profile value as people read it ("Dead-letter", not "dead_letter"); a value
    the catalogue no longer knows reads as it was recorded."""
    text = as_text(value)
    return DIMENSION_VALUE_LABELS.get(dimension, {}).get(text, text)


def delays_as_data(voices: Sequence[DelayVoice]) -> dict[str, Any]:
    """The room's answers to the three delay questions: each participant's, their spread per
    question overall and per role, the group's answers, the tolerance they imply and where
    the roles disagree."""
    summary = delay_summary(voices)
    roles = sorted({role for question in summary.questions for role, _ in question.by_role})
    by_role = [dict(question.by_role) for question in summary.questions]
    nothing = tuple((answer, 0) for answer in ("fine", "degraded", "unacceptable"))
    return {
        "respondents": summary.respondents,
        "answers": [
            {
                "name": voice.name,
                "role": voice.role,
                **dict(zip(DELAY_KEYS, (answer or "" for answer in voice.answers), strict=True)),
            }
            for voice in voices
            if any(voice.answers)
        ],
        "questions": [
            {
                "key": key,
                "label": question.label,
                "counts": dict(question.counts),
                "answers": question.answers,
                "group_answer": question.group_answer or "",
            }
            for key, question in zip(DELAY_KEYS, summary.questions, strict=True)
        ],
        "roles": [
            {"role": role, "counts": [dict(counts.get(role, nothing)) for counts in by_role]}
            for role in roles
        ],
        "group_answers": {
            key: answer or "" for key, answer in zip(DELAY_KEYS, summary.group_answers, strict=True)
        },
        "tolerance": summary.tolerance.sentence if summary.tolerance else "",
        "disagreements": list(summary.disagreements),
    }


def votes_as_data(
    casts: Sequence[VoteCast], *, voters: Sequence[int], revealed: bool
) -> dict[str, Any]:
    """The room's votes on the four dimensions. While they are hidden (not revealed, and not
    everyone has voted on everything) only how many voted is told, to nobody's anchoring."""
    shown = revealed or votes_complete(casts, voters=voters, dimensions=len(DIMENSION_VALUES))
    # A voter's votes on one workflow are one per dimension (a unique constraint).
    per_voter = Counter(vote.voter for vote in casts)
    dimensions = []
    for tally in vote_tally(casts, dimensions=DIMENSION_VALUES):
        labels = DIMENSION_VALUE_LABELS[tally.dimension]
        entry: dict[str, Any] = {
            "dimension": tally.dimension,
            "label": DIMENSION_LABELS[tally.dimension],
            "votes": tally.votes,
        }
        if shown:
            entry |= {
                "counts": [
                    {"value": value, "label": labels.get(value, value), "votes": votes}
                    for value, votes in tally.counts
                ],
                "majority": tally.majority,
                "majority_label": labels.get(tally.majority, "") if tally.majority else "",
                "split": tally.split,
                "reasons": [
                    {
                        "name": vote.name,
                        "role": vote.role,
                        "value": vote.value,
                        "value_label": labels.get(vote.value, vote.value),
                        "reason": vote.reason,
                    }
                    for vote in tally.reasons
                ],
            }
        dimensions.append(entry)
    return {
        "revealed": shown,
        "voters": len(voters),
        "voted": sum(1 for voter in voters if per_voter[voter] >= len(DIMENSION_VALUES)),
        "cast": len(casts),
        "dimensions": dimensions,
    }


def proposals_as_data(
    by_pattern: Mapping[str, Sequence[ProposedRisk]],
    *,
    candidates: Sequence[str],
    names: Mapping[str, str],
    keep_empty: bool = False,
) -> list[dict[str, Any]]:
    """The risks the room proposed for each candidate, most dots first, with who raised each
    (name and role). The candidates come first, in their order; `keep_empty` keeps those
    nobody proposed a risk for."""
    slugs = list(dict.fromkeys([*candidates, *by_pattern]))
    return [
        {
            "pattern": slug,
            "name": names.get(slug, slug),
            "risks": [
                {
                    "title": proposal.title,
                    "mitigation": proposal.mitigation,
                    "proposer": proposal.name,
                    "role": ROLE_LABELS.get(proposal.role, proposal.role),
                    "dots": proposal.dots,
                }
                for proposal in top_risks(by_pattern.get(slug, ()), limit=None)
            ],
        }
        for slug in slugs
        if keep_empty or by_pattern.get(slug)
    ]


def consent_as_data(consents: Sequence[Consent]) -> list[dict[str, Any]]:
    """Who agreed, abstained or objected to the proposed decision, and why."""
    return [
        {
            "name": consent.participant.name,
            "role": consent.participant.get_role_display(),
            "answer": consent.answer,
            "reason": consent.reason,
            "recorded_at": consent.recorded_at.isoformat(),
        }
        for consent in consents
    ]


def decision_consent(decision: Decision) -> list[dict[str, Any]]:
    """The decision's consent as its record keeps it (a decision not saved yet has none)."""
    if decision.pk is None:
        return []
    return consent_as_data(selectors.decision_consents(decision))


def _room_snapshots(
    participants: Sequence[Participant], workflows: Sequence[Workflow], names: Mapping[str, str]
) -> dict[int, dict[str, Any]]:
    """What the room said about each workflow, by workflow id: one query per kind of
    contribution, whatever the number of workflows and participants."""
    ids = [workflow.pk for workflow in workflows]
    voices = selectors.workflows_delay_voices(ids)
    casts = selectors.workflows_vote_casts(ids)
    proposed = selectors.workflows_proposed_risks(ids)
    voters = [p.pk for p in participants if p.joined and not p.is_spectator]
    return {
        workflow.pk: {
            "delays": delays_as_data(voices[workflow.pk]),
            "votes": votes_as_data(
                casts[workflow.pk], voters=voters, revealed=workflow.votes_revealed
            ),
            "proposed_risks": proposals_as_data(
                proposed[workflow.pk], candidates=workflow.candidates or [], names=names
            ),
        }
        for workflow in workflows
    }


def build_snapshot(
    *,
    workshop: Workshop,
    workflows: Sequence[Workflow],
    patterns: tuple[PatternSpec, ...],
    default_costs: Mapping[str, Decimal],
    chosen: Mapping[int, str],
    rationale: str,
    part_rationales: Mapping[int, str],
    consequences: str,
    review_date: str | None,
    consent: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The whole record as JSON data; `chosen` maps each workflow's id to a pattern slug,
    `part_rationales` each part's id to why its pattern was chosen; `consent` is the
    decision's (consent_as_data)."""
    names = {p.slug: p.name for p in patterns}
    participants = list(workshop.participants.all())
    room = _room_snapshots(participants, workflows, names)
    return {
        "schema": SCHEMA,
        "title": workshop.title,
        "team": workshop.team.name,
        "workshop": {
            "title": workshop.title,
            "description": workshop.description,
            "scheduled_at": workshop.scheduled_at.isoformat(),
            "facilitator": workshop.facilitator.get_username(),
        },
        "people": _people(participants),
        "workflows": [
            _workflow_snapshot(
                assess_workflow(workflow, patterns, default_costs),
                chosen.get(workflow.pk),
                names,
                part_rationales.get(workflow.pk, "") if workflow.parent_id else rationale,
            )
            | {"room": room[workflow.pk]}
            for workflow in workflows
        ],
        "rationale": rationale,
        "consequences": consequences,
        "review_date": review_date,
        "consent": list(consent),
    }


def compose_decision(
    decision: Decision,
    *,
    workshop: Workshop,
    workflows: Sequence[Workflow],
    patterns: tuple[PatternSpec, ...],
    default_costs: Mapping[str, Decimal],
    chosen: Mapping[int, str],
    rationale: str,
    part_rationales: Mapping[int, str] | None = None,
    consequences: str,
    review_date: date | None,
) -> Decision:
    """Write the workshop's current state into `decision` (saved or not, nothing is saved
    here): its title, headline pattern, outcome, the link to what it revisits, and the
    frozen record. `rationale` is the whole workflow's (the headline's); a hybrid's parts
    have theirs in `part_rationales`, by workflow id."""
    main = headline_pattern(workflows, chosen)
    decision.title = workshop.title
    decision.chosen_pattern = main
    decision.chosen_pattern_name = next((p.name for p in patterns if p.slug == main), "")
    decision.rationale = rationale
    decision.consequences = consequences
    decision.review_date = review_date
    decision.supersedes = workshop.revisits
    decision.snapshot = build_snapshot(
        workshop=workshop,
        workflows=workflows,
        patterns=patterns,
        default_costs=default_costs,
        chosen=chosen,
        rationale=rationale,
        part_rationales=part_rationales or {},
        consequences=consequences,
        review_date=review_date.isoformat() if review_date else None,
        consent=decision_consent(decision),
    )
    return decision


# --- reading a record back -----------------------------------------------------------------
# Imported records only guarantee the snapshot's outline (documents.json checks it): every
# reader below takes what it finds and passes over what it cannot use.


def recorded_rationale(record: Mapping[str, Any], workflow: Mapping[str, Any]) -> str:
    """Why the workflow's pattern was chosen; records from before per-part reasons have one
    rationale for every workflow."""
    if "rationale" in workflow:
        return as_text(workflow.get("rationale"))
    return as_text(record.get("rationale"))


def recorded_outcomes(
    record: Mapping[str, Any], workflows: Sequence[Workflow]
) -> dict[int, tuple[str, str]]:
    """The pattern and reason the record gives each of the workshop's workflows, by id. A
    workflow is found by its name (a part added or removed since moves the others' places);
    the whole, by being the whole, in case it was renamed."""
    entries = as_dicts(record.get("workflows"))
    found = {}
    for workflow in workflows:
        is_part = workflow.parent_id is not None
        same_kind = [e for e in entries if bool(e.get("is_part")) == is_part]
        named = [e for e in same_kind if e.get("name") == workflow.name]
        entry = (named or ([] if is_part else same_kind) or [None])[0]
        if entry is not None:
            chosen = as_text(as_dict(entry.get("chosen")).get("pattern"))
            found[workflow.pk] = (chosen, recorded_rationale(record, entry))
    return found


@dataclass(frozen=True)
class RecordedChoice:
    """The pattern a record chose for one of its workflows."""

    position: int
    part_name: str  # "" for the whole workflow
    pattern_slug: str
    pattern_name: str


def recorded_choices(
    record: Mapping[str, Any], *, headline_slug: str = "", headline_name: str = ""
) -> list[RecordedChoice]:
    """The pattern chosen for each workflow of the record, the whole first, then the parts.
    A record whose workflows name no pattern (an older import) keeps its headline."""
    choices = []
    for position, workflow in enumerate(as_dicts(record.get("workflows"))):
        chosen = as_dict(workflow.get("chosen"))
        slug = as_text(chosen.get("pattern"))
        if not slug:
            continue
        choices.append(
            RecordedChoice(
                position=position,
                part_name=(as_text(workflow.get("name")) or f"Part {position}")
                if workflow.get("is_part")
                else "",
                pattern_slug=slug,
                pattern_name=as_text(chosen.get("name")) or slug,
            )
        )
    if not choices and headline_slug:
        choices.append(RecordedChoice(0, "", headline_slug, headline_name or headline_slug))
    return choices


def recorded_objections(record: Mapping[str, Any]) -> tuple[Objection, ...]:
    """The objections recorded against the decision (accepting over one asks why)."""
    return tuple(
        Objection(
            name=as_text(entry.get("name")),
            role=as_text(entry.get("role")),
            reason=as_text(entry.get("reason")),
        )
        for entry in as_dicts(record.get("consent"))
        if entry.get("answer") == Consent.Answer.OBJECT
    )


def recorded_readiness(record: Mapping[str, Any]) -> tuple[Readiness, ...]:
    """What accepting the record would be warned about, per workflow, as it was recorded."""
    readiness = []
    for workflow in as_dicts(record.get("workflows")):
        validation = as_dict(workflow.get("validation"))
        checks = as_dicts(validation.get("checks"))
        candidates = as_dicts(workflow.get("candidates"))
        readiness.append(
            Readiness(
                name=as_text(workflow.get("name")),
                is_part=bool(workflow.get("is_part")),
                verdict=as_text(validation.get("verdict")) or "pending",
                checks=len(checks),
                failed_checks=tuple(
                    as_text(check.get("name")) for check in checks if check.get("passed") is False
                ),
                candidates=tuple(as_text(c.get("name") or c.get("pattern")) for c in candidates),
                candidates_without_risks=tuple(
                    as_text(c.get("name") or c.get("pattern"))
                    for c in candidates
                    if not as_dicts(c.get("risks"))
                ),
            )
        )
    return tuple(readiness)


# --- what a revisit starts from ---


@dataclass(frozen=True)
class RecordedWorkflow:
    """A workflow of a record as rows to write again: values its models accept."""

    name: str
    is_part: bool
    fields: dict[str, Any]  # Workflow: requirements, profile, dimension notes, candidates
    risks: tuple[dict[str, Any], ...]  # Risk, without the workflow
    estimates: tuple[dict[str, Any], ...]  # CostEstimate, without the workflow


DIMENSIONS = ("trigger", "granularity", "consistency", "failure")
# Figures a workflow must have above zero (the engine divides by them or compares with them).
ABOVE_ZERO = frozenset(
    {"latency_value", "growth_factor", "throughput_estimate", "batch_window_hours"}
)
ROLES = {label: value for value, label in Participant.Role.choices}
INVOLVEMENTS = {
    "decision_makers": Participant.Involvement.DECISION_MAKER,
    "consulted": Participant.Involvement.CONSULTED,
    "informed": Participant.Involvement.INFORMED,
}


def recorded_workflows(record: Mapping[str, Any]) -> list[RecordedWorkflow]:
    """The record's workflows, the whole first, as a new workshop would hold them."""
    workflows = []
    for entry in as_dicts(record.get("workflows")):
        candidates = as_dicts(entry.get("candidates"))
        fields: dict[str, Any] = {
            name: entry[name]
            for name in REQUIREMENT_FIELDS
            if name in entry and name not in ("latency_unit", "volume_unit")
        }
        if "batch_window_hours" not in entry:  # older records kept it with the targets alone
            targets = as_dict(as_dict(entry.get("validation")).get("targets"))
            fields["batch_window_hours"] = targets.get("batch_window_hours")
        for key in ("latency", "volume"):
            measure = as_dict(entry.get(key))
            fields |= {f"{key}_value": measure.get("value"), f"{key}_unit": measure.get("unit")}
        for key, name in (("10s", "delay_10s"), ("10m", "delay_10m"), ("1h", "delay_1h")):
            fields[name] = as_dict(entry.get("delay_answers")).get(key)
        profile, notes = as_dict(entry.get("profile")), as_dict(entry.get("notes"))
        for dimension in DIMENSIONS:
            fields[dimension] = profile.get(dimension)
            fields[f"{dimension}_notes"] = notes.get(dimension)
        fields["candidates"] = [c.get("pattern") for c in candidates]
        name = " ".join(as_text(entry.get("name")).split()).replace("\x00", "")
        workflows.append(
            RecordedWorkflow(
                name=name[: Workflow._meta.get_field("name").max_length] or "Part",
                is_part=bool(entry.get("is_part")),
                fields=_accepted(Workflow, fields),
                risks=_recorded_risks(candidates),
                estimates=tuple(
                    estimate
                    for candidate in candidates
                    if (estimate := _recorded_estimate(candidate))
                ),
            )
        )
    return workflows


def recorded_people(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The attendees as Participant values (a role the record names unknown here is "other")."""
    people = []
    groups = as_dict(record.get("people"))
    for group, involvement in INVOLVEMENTS.items():
        for person in as_dicts(groups.get(group)):
            values = {
                "name": " ".join(as_text(person.get("name")).split()),
                "role": ROLES.get(as_text(person.get("role")), Participant.Role.OTHER),
                "involvement": involvement,
            }
            if len(accepted := _accepted(Participant, values)) == len(values):
                people.append(accepted)
    return people


def _recorded_risks(candidates: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    risks: dict[tuple[str, int], dict[str, Any]] = {}
    for candidate in candidates:
        for risk in as_dicts(candidate.get("risks")):
            values = _accepted(
                Risk,
                {
                    "pattern_slug": candidate.get("pattern"),
                    "rank": risk.get("rank"),
                    "title": risk.get("title"),
                    "likelihood": risk.get("likelihood"),
                    "impact": risk.get("impact"),
                    "mitigation": risk.get("mitigation") or "",
                    "raised_by": risk.get("raised_by"),
                    "pitfall_slug": risk.get("pitfall") or "",
                },
            )
            if len(values) == 8:  # one rank of one candidate once: the first wins
                risks.setdefault((values["pattern_slug"], values["rank"]), values)
    return tuple(risks.values())


def _recorded_estimate(candidate: Mapping[str, Any]) -> dict[str, Any] | None:
    """The candidate's cost inputs; a record from before they were kept gives them back from
    its three-year figures (incident response at the default hourly rate of $100)."""
    estimate = as_dict(candidate.get("estimate"))
    if not estimate and "estimate" not in candidate:
        estimate = _estimate_from_tco(as_dict(candidate.get("tco")))
    if not estimate:
        return None
    values = _accepted(CostEstimate, {"pattern_slug": candidate.get("pattern"), **estimate})
    return values if len(values) == 5 else None


def _estimate_from_tco(tco: Mapping[str, Any]) -> dict[str, Any]:
    try:
        infrastructure, training, incidents = (
            Decimal(as_text(tco.get(key))) for key in ("infrastructure", "training", "incidents")
        )
    except InvalidOperation:
        return {}
    rate = Decimal("100")
    return {
        "monthly_infrastructure": (infrastructure / MONTHS).quantize(Decimal("0.01")),
        "training": training,
        "incident_hours_per_month": (incidents / MONTHS / rate).quantize(Decimal("0.1")),
        "hourly_rate": rate,
    }


def _accepted(model: type[Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """The values `model`'s fields accept, cleaned; the others are left out."""
    kept = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        # The JSON fields (compliance regimes, candidates) hold lists of words.
        words = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if isinstance(field, JSONField) and not words:
            continue
        if isinstance(value, str) and "\x00" in value:
            continue  # PostgreSQL refuses NUL in text
        try:
            value = field.clean(value, None)
        except (ValidationError, TypeError):
            continue
        if isinstance(value, float) and not (
            math.isfinite(value)
            and 0 <= value <= MAX_FIGURE
            and (value > 0 or name not in ABOVE_ZERO)
        ):
            continue
        kept[name] = value
    return kept
