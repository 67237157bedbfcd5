"""Writes of decisions: the lifecycle refuses the changes it does not allow."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.workshops.builders import decide, profile
from workshops.models import Decision
from workshops.services.decisions import decision_transition

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
