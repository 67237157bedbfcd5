"""Teams besides the facilitator's, the decision the JSON export and its import read, and the
catalogue back for transactional tests."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps

from tests.workshops.builders import ZOE, decide, profile
from workshops.services.decisions import decision_revisit
from workshops.services.teams import team_create


@pytest.fixture
def other_team(outsider):
    """A team the facilitator is not in."""
    return team_create(name="Payments", creator=outsider)


@pytest.fixture
def second_team(facilitator):
    """The facilitator's second team."""
    return team_create(name="Data", creator=facilitator)


@pytest.fixture
def decision(workshop, facilitator):
    """The workshop's decision, accepted with a note, in words with a non-ASCII letter."""
    profile(workshop, people=[ZOE])
    return decide(
        workshop,
        facilitator,
        rationale="it fits on all four dimensions — and Zoë agrees.",
        consequences="The run must stay inside its 4-hour window.",
        review_date=date(2027, 5, 31),
        note="Agreed in the room.",
    )


@pytest.fixture
def successor(decision, facilitator):
    """A revisit of `decision`, accepted: it supersedes the first one."""
    revisit = decision_revisit(decision=decision, by=facilitator)
    # The import rebuilds the search text: the source system is looked for in it.
    profile(revisit, source_system="Store inventory database")
    return decide(revisit, facilitator, note="Volumes grew.")


@pytest.fixture
def catalogue(transactional_db):
    """The built-in patterns: an earlier transactional test emptied what the migration filled."""
    loader = importlib.import_module("patterns.migrations.0002_builtin_patterns")
    loader.load_builtin_patterns(apps, schema_editor=None)
