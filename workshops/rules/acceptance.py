"""What to warn about before a decision is accepted: an unproven prototype, nothing weighed,
a candidate without risks. Accepting despite a warning needs a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Readiness:
    """What acceptance looks at in one workflow (the whole, or a part of a hybrid)."""

    name: str
    is_part: bool
    verdict: str  # the prototype's: "pass", "fail" or "pending"
    checks: int  # how many prototype targets were set
    failed_checks: tuple[str, ...]
    candidates: tuple[str, ...]  # the names of the patterns weighed in phase 4
    candidates_without_risks: tuple[str, ...]


def acceptance_warnings(workflows: Sequence[Readiness]) -> tuple[str, ...]:
    """One plain sentence per thing that is not ready; a hybrid's say which part they are about."""
    hybrid = len(workflows) > 1
    warnings: list[str] = []
    for workflow in workflows:
        for sentence in _sentences(workflow):
            if hybrid:
                warnings.append(f"{_where(workflow)}: {sentence}")
            else:
                warnings.append(sentence[0].upper() + sentence[1:])
    return tuple(warnings)


def _where(workflow: Readiness) -> str:
    return f"Part “{workflow.name}”" if workflow.is_part else "The whole workflow"


def _sentences(workflow: Readiness) -> list[str]:
    sentences = []
    if workflow.verdict == "fail":
        failed = ", ".join(workflow.failed_checks) or "see Confirmation"
        sentences.append(f"the prototype missed its targets ({failed}).")
    elif workflow.verdict != "pass":
        sentences.append(
            "no prototype target was set, so nothing measured confirms the choice."
            if not workflow.checks
            else "the prototype's results are still pending."
        )
    if not workflow.candidates:
        sentences.append("no candidate pattern was weighed (none was picked in phase 3).")
    for name in workflow.candidates_without_risks:
        sentences.append(f"{name} has no risks recorded.")
    return sentences
