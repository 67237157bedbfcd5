"""`manage.py import_decision FILE`: a decision exported as JSON becomes a decision here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workshops.documents.json import MAX_TEAM, InvalidExport, parse_export
from workshops.documents.reading import UnreadableExport, export_data, read_at_most, size_text
from workshops.models import Team
from workshops.selectors import users_by_username
from workshops.services.decisions import AlreadyImported, decision_import
from workshops.services.teams import team_create


class Command(BaseCommand):
    help = (
        "Import a decision record from a file downloaded at /decisions/<id>.json: its content, "
        "its frozen record and its status history. Nothing is written unless all of it is valid; "
        "an export the team has imported before is recognised, not copied."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The exported JSON file.")
        parser.add_argument(
            "--team",
            help="Team to import into (default: the team named in the file); created if missing.",
        )
        parser.add_argument(
            "--user",
            help="Username the import is made as (default: the first superuser).",
        )

    def handle(self, *args, file: str, team: str | None, user: str | None, **options) -> None:
        path = Path(file)
        data = _load(path)
        try:
            record = parse_export(data)
        except InvalidExport as invalid:
            # One line naming what is wrong; CommandError exits non-zero without a traceback.
            raise CommandError(f"{path}: {invalid}") from None
        importer = _importer(user)
        team_name = record.team if team is None else " ".join(team.split())
        if not team_name or len(team_name) > MAX_TEAM:
            raise CommandError(f"--team must be a name of 1 to {MAX_TEAM} characters.")

        try:
            with transaction.atomic():
                # Team names are not unique (DESIGN §4): the importer's own team of that name.
                named = Team.objects.filter(name=team_name)
                mine = list(named.filter(memberships__user=importer)[:2])
                if len(mine) > 1:
                    raise CommandError(
                        f"{importer.get_username()} is in several teams named “{team_name}”; "
                        "rename one in /admin/ or pass --team with another name."
                    )
                if not mine and named.exists():
                    raise CommandError(
                        f"{importer.get_username()} is not a member of team “{team_name}”; "
                        "pass --user with one of its members."
                    )
                created_team = not mine
                target = mine[0] if mine else team_create(name=team_name, creator=importer)
                decision = decision_import(data=data, team=target, user=importer)
        except AlreadyImported as known:
            # Idempotent: importing the same export again changes nothing and succeeds.
            earlier = known.decision
            self.stdout.write(
                f"{path}: already imported as decision {earlier.pk} (“{earlier.title}”) in team "
                f"“{team_name}”; nothing written: {earlier.get_absolute_url()}"
            )
            return

        if created_team:
            self.stdout.write(f"Created team “{team_name}” with {importer.get_username()} in it.")
        authors = {change.by for change in record.changes}
        unknown = sorted(authors - set(users_by_username(authors)))
        if unknown:
            self.stdout.write(
                f"No account here for {', '.join(unknown)}: their status changes are attributed "
                f"to {importer.get_username()}, with the original name in the note."
            )
        if record.supersedes is not None and decision.supersedes_id is None:
            self.stdout.write(
                f"Not linked to the superseded decision “{record.supersedes}”: team "
                f"“{team_name}” has no single decision with that title."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported “{decision.title}” ({decision.status}) into team “{team_name}” as "
                f"decision {decision.pk}, with {len(record.changes)} status changes: "
                f"{decision.get_absolute_url()}"
            )
        )


def _load(path: Path) -> Any:
    """The file's JSON data, or a one-line CommandError saying why there is none."""
    limit = settings.IMPORT_MAX_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            # Refused before a byte is read.
            raise CommandError(
                f"{path}: {size_text(size)}, larger than the {size_text(limit)} an import reads "
                "(IMPORT_MAX_BYTES)."
            )
        with path.open("rb") as file:
            return export_data(read_at_most(file, max_bytes=limit), max_bytes=limit)
    except UnreadableExport as error:
        raise CommandError(f"{path}: {error}") from None
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory, not an exported file.") from None
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror}).") from None


def _importer(username: str | None):
    User = get_user_model()
    if username is not None:
        try:
            return User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user is called “{username}”.") from None
    first = User._default_manager.filter(is_superuser=True).order_by("pk").first()
    if first is None:
        raise CommandError(
            "No superuser to import as: pass --user USERNAME, or create one with "
            "`python manage.py createsuperuser`."
        )
    return first
