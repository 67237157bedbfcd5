"""Shared fixtures: the three personas and a client for each, and a fast password hasher."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory

# Tests hash a password for every persona they build; PBKDF2 is slow on purpose (hundreds of
# thousands of rounds), which made hashing most of the suite's run time. Only the tests use
# MD5: production keeps Django's default list, strong hasher first (test_settings proves it).
TEST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = TEST_PASSWORD_HASHERS


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
