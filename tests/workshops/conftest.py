"""Teams besides the facilitator's."""

from __future__ import annotations

import pytest

from workshops.services.teams import team_create


@pytest.fixture
def other_team(outsider):
    """A team the facilitator is not in."""
    return team_create(name="Payments", creator=outsider)


@pytest.fixture
def second_team(facilitator):
    """The facilitator's second team."""
    return team_create(name="Data", creator=facilitator)
