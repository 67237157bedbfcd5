"""Property-based: schemathesis reads the schema the site publishes and sends every operation
requests the schema allows and requests it forbids; nothing answers 5xx, the allowed ones are
accepted, the forbidden ones refused, and every answer is as the schema describes it."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.workshops.builders import decide
from workshops.services.teams import team_create
from workshops.services.tokens import api_token_create

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("POST", "/api/match"),
    ("GET", "/api/decisions"),
    ("GET", "/api/decisions/{decision_id}"),
]
# Bounded: a few dozen requests per operation and mode keep the whole file under half a
# minute, the same examples on every run and machine. API_PROPERTY_EXAMPLES=500 digs deeper,
# with new random examples each time.
DEEPER = os.environ.get("API_PROPERTY_EXAMPLES")
BOUNDED = settings(
    max_examples=int(DEEPER or 30),
    deadline=None,
    derandomize=not DEEPER,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def schema(db):
    """The schema as the site serves it at its documented address, read and exercised through
    the site's own WSGI application in this process. The requests share the test's database
    transaction: as Django's own test client does, the connection stays open between
    requests (a real server closes it after each one)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def decision(facilitator, outsider):
    """Decisions of the token's owner, and one of another team the token must not reach."""
    team = team_create(name="Platform", creator=facilitator)
    decide(team, facilitator, "Order events to billing", pattern="streaming", status="draft")
    decide(team_create(name="Payments", creator=outsider), outsider, "Card settlement files")
    return decide(team, facilitator, "Nightly inventory sync")


@pytest.fixture
def token_headers(facilitator, decision):
    _token, secret = api_token_create(user=facilitator, name="schemathesis")
    return {"Authorization": f"Bearer {secret}"}


def test_it_covers_every_published_operation(schema):
    published = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    assert published == set(OPERATIONS)


def _range_in_order(case) -> bool:
    """The one rule the schema cannot state (it says it in words): "to" is not before "from".
    A request that breaks it is refused (400), so it is not among those that must pass."""
    query = case.query or {}
    start, end = query.get("from"), query.get("to")
    return not (isinstance(start, str) and isinstance(end, str) and end < start)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_keeps_its_published_contract(schema, token_headers, method, path, mode):
    cases = schema[path][method].as_strategy(generation_mode=mode)
    if mode is GenerationMode.POSITIVE:
        cases = cases.filter(_range_in_order)

    @BOUNDED
    @given(case=cases)
    def check(case):
        case.call_and_validate(headers=token_headers)

    check()


def test_a_decision_the_token_may_see_answers_as_published(schema, token_headers, decision):
    operation = schema["/api/decisions/{decision_id}"]["GET"]

    @BOUNDED
    @given(case=operation.as_strategy(path_parameters={"decision_id": decision.pk}))
    def check(case):
        response = case.call_and_validate(headers=token_headers)
        assert response.status_code == 200
        assert response.json()["title"] == "Nightly inventory sync"

    check()
