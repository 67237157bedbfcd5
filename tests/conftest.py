"""Shared fixtures: the personas, their team and workshop (made through the services), clients,
and a fast password hasher."""

from __future__ import annotations

import importlib

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from workshops.services.teams import team_create, team_member_join
from workshops.services.workshops import workshop_create

# Tests hash a password for every persona they build; PBKDF2 is slow on purpose (hundreds of
# thousands of rounds), which made hashing most of the suite's run time. Only the tests use
# MD5: production keeps Django's default list, strong hasher first (test_settings proves it).
TEST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Background tasks run at once, in the test's own transaction: asking for a PDF draws it
# through the task (and its time-limited child process) before the answer. Tests of the
# queue itself use the dummy backend (tests/workshops/documents/pdf_queue.py) or run the real
# database worker.
TEST_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = TEST_PASSWORD_HASHERS
    settings.TASKS = TEST_TASKS


@pytest.fixture
def catalogue(transactional_db):
    """The built-in patterns: transactional tests empty the tables the migration filled."""
    from django.apps import apps

    loader = importlib.import_module("patterns.migrations.0002_builtin_patterns")
    loader.load_builtin_patterns(apps, schema_editor=None)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def facilitator(db):
    return UserFactory(username="fiona")


@pytest.fixture
def teammate(db):
    return UserFactory(username="tariq")


@pytest.fixture
def outsider(db):
    return UserFactory(username="olga")


@pytest.fixture
def team(facilitator, teammate):
    team = team_create(name="Platform", creator=facilitator)
    team_member_join(team=team, user=teammate)
    return team


@pytest.fixture
def workshop(team, facilitator):
    return workshop_create(
        team=team,
        title="Nightly inventory sync",
        scheduled_at=timezone.now(),
        facilitator=facilitator,
        description="Stores send stock levels to the warehouse.",
    )


@pytest.fixture
def workflow(workshop):
    return workshop.workflows.get()


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The access tests' world (tests/workshops/access.py), built once for a module."""
    from tests.workshops.access import world_kept

    with world_kept(django_db_blocker) as world:
        yield world


@pytest.fixture
def pdfs_queued(settings):
    """Asking for a PDF queues its drawing and answers at once: access is the question."""
    from tests.workers import HELD_TASKS

    settings.TASKS = HELD_TASKS


@pytest.fixture(autouse=True)
def _drawings_start_from_the_shared_cache():
    """A test's database starts afresh, and so must what a process keeps of its drawings."""
    from parsecgo_site.drawings import DRAWINGS

    for drawing in DRAWINGS:
        drawing.forget_kept()
