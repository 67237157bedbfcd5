"""factory_boy factories for rows that have no service of their own (users, catalogue patterns)."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from patterns.models import Pattern


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")


class PatternFactory(factory.django.DjangoModelFactory):
    """A custom catalogue pattern, as an admin would add one."""

    class Meta:
        model = Pattern

    slug = factory.Sequence(lambda n: f"custom-{n}")
    name = factory.Sequence(lambda n: f"Custom pattern {n}")
    summary = "A pattern an organisation added to its catalogue."
    trigger = "event"
    granularity = "record"
    consistency = "strong"
    failure = "retry"
    latency_floor_seconds = 0.5
    latency_label = "about a second"
    complexity_rank = 2
    infrastructure_cost = "medium"
    skill_level = "medium"
    maintenance_level = "medium"
    default_monthly_cost = Decimal("900.00")
    typical_tools = "Debezium\nKafka Connect"
