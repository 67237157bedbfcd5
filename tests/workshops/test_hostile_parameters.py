"""Hostile query parameters on every page and fragment of the access matrix (a NUL, which
PostgreSQL refuses in any string, a number past any column, a negative, a huge float, 100,000
characters), sent by a persona the matrix lets in: never a 500. The parameters are the
case's own and the ones the site's views read (part, phase, page, q, shown, card, sort, and
the history's filters)."""

from __future__ import annotations

import pytest

from tests.workshops.access import World, world_kept
from tests.workshops.test_access_matrix import CASES, LET_IN, SHOWN, Case, _data, _url
from tests.workshops.test_csrf import SENDERS

pytestmark = pytest.mark.django_db

READ = ("part", "phase", "page", "q", "shown", "card", "sort", "pattern", "status", "team")
READ += ("from", "to", "review_due", "decided_after", "workflow", "decision")
VALUES = ("\x00", "1\x00", "9" * 30, "-1", "1e400", "x" * 100_000)


def _reader(case: Case) -> str | None:
    return next((p for p in SENDERS if case.audience[p] in (LET_IN, SHOWN)), None)


GETS = [
    pytest.param(case, _reader(case), value, id=f"{case.id}-{_reader(case)}-{i}")
    for case in CASES
    if case.method == "GET" and _reader(case) is not None
    for i, value in enumerate(VALUES)
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_kept(django_db_blocker) as world:
        yield world


@pytest.fixture(autouse=True)
def _pdfs_queued_not_drawn(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.mark.parametrize(("case", "persona", "value"), GETS)
def test_a_hostile_parameter_never_makes_a_500(world: World, case, persona, value):
    client = world.client(persona)
    headers = {"HX-Request": "true"} if case.htmx else {}
    names = {*READ, *_data(case, world)}
    for name in sorted(names):
        query = {**_data(case, world), name: value}
        response = client.get(_url(case, world), query, headers=headers)
        assert response.status_code < 500, (name, response.status_code)
