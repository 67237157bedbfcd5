"""Writes of workshops: the clock and its phases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from workshops.services.workshops import phase_go, workshop_start

pytestmark = pytest.mark.django_db


class TestTimebox:
    def test_starting_runs_the_clock_and_time_stays_with_each_phase(self, workshop):
        start = timezone.now() - timedelta(minutes=12)
        workshop_start(workshop=workshop, now=start)
        phase_go(workshop=workshop, phase=2, now=start + timedelta(minutes=10))
        phase_go(workshop=workshop, phase=1, now=start + timedelta(minutes=12))
        workshop.refresh_from_db()
        assert workshop.phase_seconds == {"1": 600.0, "2": 120.0}
        assert workshop.current_phase == 1
