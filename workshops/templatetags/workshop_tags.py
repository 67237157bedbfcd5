"""Template helpers of the workshop pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def conflict(form, field_name: str):
    """(mine, theirs) when someone else saved another value of this field, else None."""
    return getattr(form, "conflicts", {}).get(field_name)


@register.filter
def minutes(seconds: float) -> int:
    return round((seconds or 0) / 60)
