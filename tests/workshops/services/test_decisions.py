"""Writes of decisions: the lifecycle refuses the changes it does not allow."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.workshops.builders import decide, profile
from workshops.models import Decision
from workshops.services.decisions import decision_revisit, decision_transition

pytestmark = pytest.mark.django_db


class TestLifecycle:
    @pytest.mark.parametrize(
        ("start", "refused"),
        [
            ("accepted", "draft"),
            ("accepted", "superseded"),
            ("accepted", "rejected"),
            ("rejected", "accepted"),
            ("deprecated", "accepted"),
        ],
    )
    def test_it_refuses_impossible_changes(self, facilitator, workshop, start, refused):
        decision = decide(profile(workshop), facilitator, status=start)
        with pytest.raises(ValidationError):
            decision_transition(decision=decision, to_status=refused, by=facilitator)
        assert Decision.objects.get(pk=decision.pk).status == start


def test_revisiting_a_decision_with_the_longest_title_shortens_it_to_fit(team, facilitator):
    # PostgreSQL refuses a workshop title past its column; SQLite would keep it.
    decision = decide(team, facilitator, "T" * 200)
    workshop = decision_revisit(decision=decision, by=facilitator)
    workshop.refresh_from_db()
    assert len(workshop.title) == 200
    assert workshop.title.endswith("T… (revisited)")
