"""Every decision's record as a member of its team downloads and reads it, and the figures
noted beside it, printed as JSON: run in a process of its own on the database DATABASE_URL
names (python -m tests.parsecgo_site.records), the same way on a database backed up and on
its restore, so that the two can be compared (tests/parsecgo_site/test_backup_restore.py)."""

from __future__ import annotations

import json
import sys


def records() -> dict[str, object]:
    from django.test import Client
    from django.urls import reverse

    from tests.multiserver.people import visible
    from workshops.models import Decision, FigureNote

    read: dict[str, object] = {}
    for decision in Decision.objects.select_related("team").order_by("team__name", "number"):
        member = decision.team.members.order_by("username").first()
        browser = Client()
        browser.force_login(member)
        exported = browser.get(reverse("workshops:decision-json", args=[decision.pk]))
        page = browser.get(decision.get_absolute_url())
        if (exported.status_code, page.status_code) != (200, 200):
            raise RuntimeError(f"{decision}: {exported.status_code}, {page.status_code}")
        read[f"{decision.team.name} #{decision.number}"] = {
            "url": decision.get_absolute_url(),
            "json": exported.content.decode("utf-8"),
            "page": visible(page.content.decode("utf-8")),
        }
    read["figure notes"] = [
        {**note, "noted_on": note["noted_on"].isoformat(), "created_at": str(note["created_at"])}
        for note in FigureNote.objects.order_by("pk").values(
            "decision__number",
            "workflow_position",
            "noted_on",
            "noted_by__username",
            "author",
            "volume_value",
            "volume_unit",
            "latency_value",
            "latency_unit",
            "consumers",
            "text",
            "created_at",
        )
    ]
    return read


def main() -> int:
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # the test client's host is allowed
    json.dump(records(), sys.stdout, sort_keys=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
