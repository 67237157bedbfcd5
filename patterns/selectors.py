"""Reads of the pattern catalogue; the catalogue is public, so no access filter applies."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from patterns.matching import PatternSpec
from patterns.models import Pattern


def patterns_all() -> QuerySet[Pattern]:
    return Pattern.objects.order_by("complexity_rank", "name")


def pattern_get(*, slug: str) -> Pattern:
    return get_object_or_404(Pattern, slug=slug)


def catalogue_specs() -> tuple[PatternSpec, ...]:
    """Every pattern as the engine sees it, in one query."""
    return tuple(pattern.to_spec() for pattern in patterns_all())


def default_monthly_costs() -> dict[str, Decimal]:
    """Each pattern's default monthly cost for a three-year TCO, in one query."""
    return dict(Pattern.objects.values_list("slug", "default_monthly_cost"))


def catalogue_version() -> str:
    """Changes whenever a pattern is added, edited or deleted.

    Plain SQL: the ORM's aggregate() spends more time building this one-line query than the
    database spends answering it, and the catalogue page asks it on every request.
    """
    table = connection.ops.quote_name(Pattern._meta.db_table)
    column = connection.ops.quote_name(Pattern._meta.get_field("updated_at").column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX({column}) FROM {table}")  # noqa: S608 (no input)
        count, changed = cursor.fetchone()
    return f"{count}-{changed}".replace(" ", "T")  # cache keys must not contain spaces


def pattern_choices() -> list[tuple[str, str]]:
    """The catalogue's patterns as (slug, name), in one query."""
    return list(patterns_all().values_list("slug", "name"))
