"""Optimistic locking: a save of a stale copy is refused with the current row, never lost."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import F, Model
from django.utils import timezone


class EditConflict(Exception):
    """Someone else saved the same object since this form was loaded."""

    def __init__(self, current: Model):
        super().__init__("changed by someone else")
        self.current = current


def save_versioned(instance: Model, *, version: int, fields: Mapping[str, Any]) -> Model:
    """Write `fields` only if nobody saved since `version` was read (optimistic locking).

    One UPDATE ... WHERE version = ?: two app servers saving at once cannot both win.
    """
    model = type(instance)
    values = dict(fields)
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    updated = model.objects.filter(pk=instance.pk, version=version).update(
        **values, version=F("version") + 1
    )
    if not updated:
        raise EditConflict(model.objects.get(pk=instance.pk))
    instance.refresh_from_db()
    return instance
