"""The five phase specs: titles, prompts, default budget, forms and templates, and lookup."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template.loader import get_template

from tests.patterns.builders import BUILTIN, BUILTIN_SLUGS
from workshops.models import Workflow
from workshops.phases import (
    DEFAULT_BUDGET_MINUTES,
    PHASES,
    TRADEOFFS_PHASE,
    phase_after,
    phase_get,
)
from workshops.rules.timebox import timebox_status, validate_budget

NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


# --- the phases and the default budget ------------------------------------------------------


def test_it_lists_the_five_phases_in_order():
    assert [phase.number for phase in PHASES] == [1, 2, 3, 4, 5]
    assert [phase.title for phase in PHASES] == [
        "Gather requirements",
        "Map to the four dimensions",
        "Match pattern to profile",
        "Analyse trade-offs",
        "Validate with a prototype",
    ]


@pytest.mark.parametrize("phase", PHASES, ids=lambda phase: phase.title)
def test_it_gives_every_phase_a_one_line_prompt_that_is_a_sentence(phase):
    assert phase.prompt[0].isupper()
    assert phase.prompt.endswith(".")
    assert "\n" not in phase.prompt


def test_it_budgets_thirty_minutes_by_default():
    assert DEFAULT_BUDGET_MINUTES == (8, 5, 5, 8, 4)
    assert sum(DEFAULT_BUDGET_MINUTES) == 30
    assert validate_budget(DEFAULT_BUDGET_MINUTES, phases=PHASES) == []
    timebox = timebox_status(
        phases=PHASES,
        budget_minutes=DEFAULT_BUDGET_MINUTES,
        spent_seconds={},
        current_phase=None,
        phase_started_at=None,
        now=NOW,
    )
    assert timebox.budget_seconds == 30 * 60


# --- looking a phase up ---------------------------------------------------------------------


def test_it_finds_each_phase_by_its_number():
    assert [phase_get(number) for number in (1, 2, 3, 4, 5)] == list(PHASES)
    assert phase_get(3).title == "Match pattern to profile"


@pytest.mark.parametrize("number", [0, 6, -1])
def test_it_refuses_a_phase_that_does_not_exist(number):
    with pytest.raises(LookupError, match=f"There is no phase {number}."):
        phase_get(number)


def test_it_names_the_phase_that_follows_and_none_after_the_last():
    assert [phase_after(number).number for number in (1, 2, 3, 4)] == [2, 3, 4, 5]
    assert phase_after(5) is None
    assert phase_after(0) == PHASES[0]


# --- each phase's form and template ---------------------------------------------------------


def test_the_tradeoffs_are_the_one_phase_without_a_form_of_its_own():
    assert TRADEOFFS_PHASE.number == 4
    assert [phase.number for phase in PHASES if phase.form_class is None] == [4]
    assert TRADEOFFS_PHASE.form(Workflow(), patterns=BUILTIN) is None


@pytest.mark.parametrize(
    "phase", [p for p in PHASES if p.form_class is not None], ids=lambda phase: phase.title
)
def test_a_phase_form_is_prefixed_with_its_number_and_bound_only_to_data(phase):
    workflow = Workflow(name="Nightly inventory sync")
    blank = phase.form(workflow, patterns=BUILTIN)
    bound = phase.form(workflow, patterns=BUILTIN, data={f"p{phase.number}-version": "1"})
    assert type(blank) is phase.form_class
    assert blank.prefix == phase.prefix == f"p{phase.number}"
    assert blank.instance is workflow
    assert not blank.is_bound
    assert bound.is_bound


def test_the_match_phase_offers_every_catalogue_pattern_as_a_candidate():
    form = phase_get(3).form(Workflow(), patterns=BUILTIN)
    assert [slug for slug, _ in form.fields["candidates"].choices] == list(BUILTIN_SLUGS)


@pytest.mark.parametrize("phase", PHASES, ids=lambda phase: phase.title)
def test_every_phase_names_templates_that_exist(phase):
    get_template(phase.template)
    if phase.after_form_template:
        get_template(phase.after_form_template)
