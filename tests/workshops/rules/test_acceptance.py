"""The warnings shown before a decision is accepted, as a pure rule."""

from __future__ import annotations

from workshops.rules.acceptance import Readiness, acceptance_warnings


def ready(**changes) -> Readiness:
    values = {
        "name": "Nightly load",
        "is_part": False,
        "verdict": "pass",
        "checks": 2,
        "failed_checks": (),
        "candidates": ("Batch processing",),
        "candidates_without_risks": (),
    }
    return Readiness(**{**values, **changes})


def test_it_has_nothing_to_say_about_a_proven_weighed_workflow():
    assert acceptance_warnings([ready()]) == ()


def test_it_warns_when_no_prototype_target_was_set():
    assert acceptance_warnings([ready(verdict="pending", checks=0)]) == (
        "No prototype target was set, so nothing measured confirms the choice.",
    )


def test_it_warns_while_the_prototype_is_pending():
    assert acceptance_warnings([ready(verdict="pending")]) == (
        "The prototype's results are still pending.",
    )


def test_it_names_the_targets_a_failed_prototype_missed():
    warnings = acceptance_warnings(
        [ready(verdict="fail", failed_checks=("p95 latency", "Error rate"))]
    )
    assert warnings == ("The prototype missed its targets (p95 latency, Error rate).",)


def test_it_warns_when_nothing_was_weighed():
    warnings = acceptance_warnings([ready(candidates=())])
    assert warnings == ("No candidate pattern was weighed (none was picked in phase 3).",)


def test_it_names_every_candidate_without_risks():
    warnings = acceptance_warnings(
        [
            ready(
                candidates=("Batch processing", "Real-time streaming", "Event-driven choreography"),
                candidates_without_risks=("Real-time streaming", "Event-driven choreography"),
            )
        ]
    )
    assert warnings == (
        "Real-time streaming has no risks recorded.",
        "Event-driven choreography has no risks recorded.",
    )


def test_a_hybrids_warnings_say_which_part_they_are_about():
    warnings = acceptance_warnings(
        [
            ready(name="Stock", candidates=()),
            ready(name="Staging load", is_part=True),
            ready(name="Cache stream", is_part=True, verdict="pending", checks=1),
        ]
    )
    assert warnings == (
        "The whole workflow: no candidate pattern was weighed (none was picked in phase 3).",
        "Part “Cache stream”: the prototype's results are still pending.",
    )
