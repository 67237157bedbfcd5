"""The richest decision export the product writes, made through the real services: a hybrid
of two parts, each with its own profile, risks and costs, the room's delay answers, revealed
votes with reasons and proposed risks with dots, and the decision-makers' consent."""

from __future__ import annotations

import json
from typing import Any

from tests.workshops.hybrids import decide_hybrid, split_into_hybrid, update
from workshops.documents.json import decision_to_json
from workshops.documents.pdf import decision_pdf_inputs
from workshops.models import Decision, Workshop
from workshops.services import room as room_services


def rich_decision(workshop: Workshop, by) -> Decision:
    """The workshop split into a hybrid, talked through by a room of three, proposed, with an
    objection and an agreement on it."""
    hybrid = split_into_hybrid(workshop)
    update(hybrid.stream, {"consumers": 4, "coupling": "loose", "compliance": ["gdpr"]})
    # The whole's nightly run outgrows its window: growth findings and a volume trigger.
    update(
        hybrid.whole,
        {
            "throughput_estimate": 1_000_000,
            "batch_window_hours": 4,
            "organisation": "central_data_team",
        },
    )
    join = room_services.participant_join
    olga = join(workshop=workshop, name="Olga", role="security", involvement="decision_maker")
    ben = join(workshop=workshop, name="Ben", role="engineering", involvement="decision_maker")
    bea = join(workshop=workshop, name="Bea", role="business")
    for workflow in (hybrid.whole, hybrid.stream):
        workflow.refresh_from_db()
        for person, answers in ((olga, ("degraded", "unacceptable")), (bea, ("fine", "fine"))):
            room_services.delay_answer(
                participant=person,
                workflow=workflow,
                answers=dict(zip(room_services.DELAY_FIELDS, answers, strict=False)),
            )
        for person, failure in ((olga, "dead_letter"), (ben, "retry"), (bea, "retry")):
            for dimension, value in (
                ("trigger", "event"),
                ("granularity", "record"),
                ("consistency", "eventual"),
                ("failure", failure),
            ):
                room_services.dimension_vote(
                    participant=person,
                    workflow=workflow,
                    dimension=dimension,
                    value=value,
                    reason="Shelves must follow the tills" if person is olga else "",
                )
        room_services.votes_reveal(workflow=workflow)
    hybrid.stream.refresh_from_db()
    leak = room_services.risk_propose(
        participant=olga,
        workflow=hybrid.stream,
        pattern_slug="choreography",
        title="Stock events leak outside the store network",
        mitigation="Encrypt the topics.",
    )
    for person in (olga, ben, bea):
        room_services.risk_dot_toggle(participant=person, proposal=leak)
    decision = decide_hybrid(hybrid, by, status=Decision.Status.PROPOSED)
    room_services.consent_record(
        participant=olga, decision=decision, answer="object", reason="The audit trail is thin."
    )
    room_services.consent_record(participant=ben, decision=decision, answer="agree")
    return Decision.objects.get(pk=decision.pk)


def exported(decision: Decision) -> dict[str, Any]:
    """The decision's export as a file holds it (through JSON, so no Python-only values)."""
    return json.loads(json.dumps(decision_to_json(decision)))


def record_pdf(decision: Decision) -> bytes:
    """The record's PDF drawn directly (render_record_pdf, from what the worker gives it),
    whatever draws and stores it for the web, with the decision's export attached."""
    return decision_pdf_inputs(decision).draw()
