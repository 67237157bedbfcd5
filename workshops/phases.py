"""The five phases of a workshop, one spec each: the only place that dispatches on a phase."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from patterns.matching import PatternSpec
from workshops.forms import (
    CandidatesForm,
    PhaseForm,
    ProfileForm,
    RequirementsForm,
    ValidationPlanForm,
)
from workshops.models import Workflow

if TYPE_CHECKING:
    from workshops.assessment import Assessment


@dataclass(frozen=True)
class Phase:
    number: int
    title: str
    # One word of the title, for the stepper on screens too narrow for the whole title.
    short_title: str
    prompt: str
    default_minutes: int
    # The phase's part of the console, drawn inside its form (or, without a form, alone).
    template: str
    # One form over the workflow, autosaved as a whole; None where the phase has a form per
    # candidate instead (the trade-offs).
    form_class: type[PhaseForm] | None
    # Drawn below the phase's form, outside it (a form of its own).
    after_form_template: str = ""

    @property
    def prefix(self) -> str:
        return f"p{self.number}"

    def form(
        self,
        workflow: Workflow,
        *,
        patterns: tuple[PatternSpec, ...],
        assessment: Assessment | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> PhaseForm | None:
        """The phase's form over `workflow`, bound to `data` when given."""
        if self.form_class is None:
            return None
        return self.form_class(
            data, instance=workflow, prefix=self.prefix, patterns=patterns, assessment=assessment
        )


PHASES: tuple[Phase, ...] = (
    Phase(
        number=1,
        title="Gather requirements",
        short_title="Requirements",
        prompt="Describe the workflow in plain words and say how long its data may be delayed.",
        default_minutes=8,
        template="workshops/phases/requirements.html",
        form_class=RequirementsForm,
    ),
    Phase(
        number=2,
        title="Map to the four dimensions",
        short_title="Dimensions",
        prompt="Vote on trigger, granularity, consistency and failure handling for the workflow.",
        default_minutes=5,
        template="workshops/phases/profile.html",
        form_class=ProfileForm,
    ),
    Phase(
        number=3,
        title="Match pattern to profile",
        short_title="Match",
        prompt="Compare every pattern with the profile and find the simplest one that fits.",
        default_minutes=5,
        template="workshops/phases/match.html",
        form_class=CandidatesForm,
        after_form_template="workshops/phases/split.html",
    ),
    Phase(
        number=4,
        title="Analyse trade-offs",
        short_title="Trade-offs",
        prompt="Record the top risks and the three-year cost of each candidate pattern.",
        default_minutes=8,
        template="workshops/phases/tradeoffs.html",
        form_class=None,
    ),
    Phase(
        number=5,
        title="Validate with a prototype",
        short_title="Prototype",
        prompt="Plan a small prototype, set its targets and record what it measured.",
        default_minutes=4,
        template="workshops/phases/validation.html",
        form_class=ValidationPlanForm,
    ),
)
DEFAULT_BUDGET_MINUTES: tuple[int, ...] = tuple(phase.default_minutes for phase in PHASES)
# The phase where the engine ranks the patterns, the group picks its candidates, and a
# workflow may be split into parts.
MATCH_PHASE: Phase = next(phase for phase in PHASES if phase.form_class is CandidatesForm)
# The phase whose forms are one per candidate pattern (risks and costs).
TRADEOFFS_PHASE: Phase = next(phase for phase in PHASES if phase.form_class is None)


def phase_get(number: int) -> Phase:
    """The phase numbered `number`; LookupError when there is none."""
    for phase in PHASES:
        if phase.number == number:
            return phase
    raise LookupError(f"There is no phase {number}.")


def phase_after(number: int) -> Phase | None:
    """The phase that follows phase `number`; None after the last."""
    return next((phase for phase in PHASES if phase.number > number), None)
