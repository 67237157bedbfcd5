"""Runs the matching engine and the pitfall rules together, as phase 3 and 4 need them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from patterns.growth import (
    GrowthFinding,
    RevisitTrigger,
    growth_findings,
    revisit_sentence,
    revisit_triggers,
)
from patterns.matching import MatchResult, PatternSpec, Requirements, match
from patterns.pitfalls import Pitfall, pitfalls_for


@dataclass(frozen=True)
class Evaluation:
    result: MatchResult
    chosen: PatternSpec | None
    pitfalls: tuple[Pitfall, ...]
    # What growth does to `chosen` (or to the recommendation), and when to revisit it.
    growth: tuple[GrowthFinding, ...] = ()
    triggers: tuple[RevisitTrigger, ...] = ()

    @property
    def revisit(self) -> str:
        """'Revisit when: …', or '' without a condition."""
        return revisit_sentence(self.triggers)


def evaluate(
    requirements: Requirements, patterns: Iterable[PatternSpec], *, chosen: str | None = None
) -> Evaluation:
    """Rank the patterns and flag the pitfalls and the growth findings of `chosen` (or of the
    recommendation), with the conditions under which it stops fitting."""
    result = match(requirements, patterns)
    chosen_fit = result.fit_for(chosen) if chosen else None
    chosen_spec = chosen_fit.pattern if chosen_fit else None
    recommended = result.recommended.pattern if result.recommended else None
    subject = chosen_spec or recommended
    return Evaluation(
        result=result,
        chosen=chosen_spec,
        pitfalls=pitfalls_for(requirements, chosen=chosen_spec, recommended=recommended),
        growth=growth_findings(requirements, subject) if subject else (),
        triggers=revisit_triggers(requirements, subject) if subject else (),
    )
