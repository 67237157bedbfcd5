"""The five pitfalls the engine flags for a chosen pattern, each with its mitigation."""

from __future__ import annotations

from dataclasses import dataclass

from patterns.matching import PatternSpec, Requirements, level_below

PITFALL_SLUGS: tuple[str, ...] = (
    "over_engineering",
    "idempotency",
    "schema_evolution",
    "observability",
    "compliance",
)


@dataclass(frozen=True)
class Pitfall:
    slug: str
    title: str
    reason: str
    mitigation: str


def pitfalls_for(
    requirements: Requirements,
    *,
    chosen: PatternSpec | None,
    recommended: PatternSpec | None,
) -> tuple[Pitfall, ...]:
    """The pitfalls of building `chosen` (or, without a choice, the recommended pattern)."""
    subject = chosen or recommended
    found: list[Pitfall] = []

    if (
        chosen is not None
        and recommended is not None
        and chosen.complexity_rank > recommended.complexity_rank
    ):
        found.append(
            Pitfall(
                slug="over_engineering",
                title="Over-engineering",
                reason=(
                    f"{chosen.name} is more complex than {recommended.name}, which already "
                    "meets the requirements."
                ),
                mitigation=(
                    f"Start with {recommended.name} and move to {chosen.name} only when a "
                    "requirement (latency, volume) really demands it; write down which one."
                ),
            )
        )

    granularities = {requirements.profile.granularity}
    failures = {requirements.profile.failure}
    if subject is not None:
        granularities.add(subject.profile.granularity)
        failures.add(subject.profile.failure)
    if "record" in granularities and "retry" in failures and not requirements.idempotency_key:
        found.append(
            Pitfall(
                slug="idempotency",
                title="Idempotency and duplicates",
                reason=(
                    "Records are retried one by one and no deduplication key or upsert "
                    "strategy is stated, so a retry can apply the same record twice."
                ),
                mitigation=(
                    "Make every consumer idempotent: give each record a deduplication key and "
                    "write with upserts, so that applying it twice changes nothing."
                ),
            )
        )

    several_consumers = (requirements.consumers or 0) >= 2
    growing = (requirements.growth_factor or 1) > 1
    if (several_consumers or growing) and not requirements.schema_policy:
        why = "several consumers read the data" if several_consumers else "volume grows"
        found.append(
            Pitfall(
                slug="schema_evolution",
                title="Schema evolution",
                reason=f"The data's shape will change while {why}, and no schema policy is stated.",
                mitigation=(
                    "Adopt a schema policy: a schema registry that enforces backward-compatible "
                    "changes (new fields optional, none removed without a deprecation period)."
                ),
            )
        )

    if (
        subject is not None
        and requirements.observability is not None
        and level_below(requirements.observability, subject.observability_required)
    ):
        found.append(
            Pitfall(
                slug="observability",
                title="Observability",
                reason=(
                    f"{subject.name} spreads one flow over several processes, and the team's "
                    f"observability maturity is {requirements.observability}."
                ),
                mitigation=(
                    "Put tracing (OpenTelemetry), structured logs and metrics in place from day "
                    "one, with a correlation id carried by every message."
                ),
            )
        )

    if requirements.compliance and not requirements.security_controls:
        found.append(
            Pitfall(
                slug="compliance",
                title="Security and compliance",
                reason=(
                    f"The workflow falls under {', '.join(requirements.compliance)} and no "
                    "control is stated for encryption and an audit trail."
                ),
                mitigation=(
                    "Treat the regime as a constraint: encrypt in transit and at rest, keep an "
                    "audit trail of every transfer, and check the certifications of managed "
                    "services before choosing them."
                ),
            )
        )
    return tuple(found)
