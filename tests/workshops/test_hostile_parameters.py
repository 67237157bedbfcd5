"""Hostile parameters on every URL of the access matrix, sent by a persona it lets in: a NUL
(which PostgreSQL refuses in any string) or a number past any column in each parameter in
turn, and 100,000 characters in all of them at once, never make a 500. The parameters are
the case's own and the ones the site's views read: in queries part, phase, page, q, shown,
card, sort and the history's filters; in posts the controls' own fields (workflow, decision,
to_user, phase, pitfall, version, ...)."""

from __future__ import annotations

import pytest

from tests.workshops.access import World
from tests.workshops.test_access_matrix import CASES, LET_IN, SHOWN, Case, _data, _url
from tests.workshops.test_csrf import SENDERS

# Asking for a PDF queues its drawing and answers at once: access is the question here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdfs_queued")]

READ = ("part", "phase", "page", "q", "shown", "card", "sort", "pattern", "status", "team")
READ += ("from", "to", "review_due", "decided_after", "workflow", "decision")
VALUES = ("\x00", "9" * 30)
LONG = "x" * 100_000  # in every parameter at once: one request of it per URL is enough


def _reader(case: Case) -> str | None:
    return next((p for p in SENDERS if case.audience[p] in (LET_IN, SHOWN)), None)


GETS = [
    pytest.param(case, _reader(case), value, id=f"{case.id}-{_reader(case)}-{i}")
    for case in CASES
    if case.method == "GET" and _reader(case) is not None
    for i, value in enumerate((*VALUES, LONG))
]


@pytest.mark.parametrize(("case", "persona", "value"), GETS)
def test_a_hostile_parameter_never_makes_a_500(world: World, case, persona, value):
    client = world.client(persona)
    headers = {"HX-Request": "true"} if case.htmx else {}
    names = sorted({*READ, *_data(case, world)})
    queries = (
        [dict.fromkeys(names, value)]
        if value is LONG
        else [{**_data(case, world), name: value} for name in names]
    )
    for query in queries:
        response = client.get(_url(case, world), query, headers=headers)
        assert response.status_code < 500, (sorted(query), response.status_code)


POST_FIELDS = ("workflow", "decision", "to_user", "phase", "pitfall", "clock", "open", "part")
POST_FIELDS += ("to_status", "ready", "confirm", "pattern", "name", "username", "note", "names")
POST_FIELDS += ("days", "max_uses", "consent-answer", "version", "action")
POSTS = [
    pytest.param(case, _reader(case), value, id=f"{case.id}-{_reader(case)}-{i}")
    for case in CASES
    if case.method == "POST" and _reader(case) is not None
    for i, value in enumerate(VALUES)
]


@pytest.mark.parametrize(("case", "persona", "value"), POSTS)
def test_a_hostile_field_in_a_post_never_makes_a_500(world: World, case, persona, value):
    client = world.client(persona)
    headers = {"HX-Request": "true"} if case.htmx else {}
    for name in sorted({*POST_FIELDS, *_data(case, world)}):
        data = {**_data(case, world), name: value}
        response = client.post(_url(case, world), data, headers=headers)
        assert response.status_code < 500, (name, response.status_code)
