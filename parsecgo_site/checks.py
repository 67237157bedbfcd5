"""Deployment checks of our own, run by `manage.py check --deploy`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import storages


@register(Tags.staticfiles, deploy=True)
def check_static_manifest(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off, pages link their CSS through the manifest; without it they answer 500."""
    if settings.DEBUG:
        return []
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.manifest_storage.exists(storage.manifest_name):
        return []
    return [
        CheckWarning(
            f"The static files manifest {storage.manifest_storage.path(storage.manifest_name)} "
            "is missing: with DEBUG off every page will answer 500 until it exists.",
            hint="Run: python manage.py collectstatic --noinput "
            "(with the same STATIC_ROOT as the app servers).",
            id="parsecgo_site.W001",
        )
    ]
