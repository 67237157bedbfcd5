"""A decision as a self-contained JSON document, and the validation of one to import."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from patterns.wire import json_kind
from workshops.models import Decision, StatusChange, Team
from workshops.snapshot import SCHEMA

FORMAT = "parsecgo.decision-export/1"

STATUSES: tuple[str, ...] = tuple(Decision.Status.values)
# Longest values the columns take; PostgreSQL refuses longer ones, SQLite would keep them.
MAX_TITLE = Decision._meta.get_field("title").max_length
MAX_TEAM = Team._meta.get_field("name").max_length
MAX_SLUG = Decision._meta.get_field("chosen_pattern").max_length
MAX_PATTERN_NAME = Decision._meta.get_field("chosen_pattern_name").max_length
MAX_NOTE = StatusChange._meta.get_field("note").max_length
SLUG = re.compile(r"^[-a-zA-Z0-9_]*$")

# Every key an export carries, in the order it is written.
KEYS: tuple[str, ...] = (
    "format",
    "title",
    "status",
    "team",
    "chosen_pattern",
    "chosen_pattern_name",
    "rationale",
    "consequences",
    "review_date",
    "decided_at",
    "created_at",
    "status_changes",
    "supersedes",
    "snapshot",
)
CHANGE_KEYS: tuple[str, ...] = ("from", "to", "by", "at", "note")


class InvalidExport(ValueError):
    """The data is not a decision export this version can import; the message says why."""


@dataclass(frozen=True)
class ChangeRecord:
    from_status: str
    to_status: str
    by: str
    at: datetime
    note: str


@dataclass(frozen=True)
class DecisionExport:
    """An export that passed validation, with its dates parsed."""

    title: str
    status: str
    team: str
    chosen_pattern: str
    chosen_pattern_name: str
    rationale: str
    consequences: str
    review_date: date | None
    decided_at: datetime | None
    created_at: datetime
    changes: tuple[ChangeRecord, ...]
    supersedes: str | None
    snapshot: dict[str, Any]


# --- export --------------------------------------------------------------------------------


def decision_to_json(
    decision: Decision, *, changes: Sequence[StatusChange] | None = None
) -> dict[str, Any]:
    """The decision with its history and its frozen record: the one export dictionary, which
    the JSON download, the PDF's attachment and the draft PDF's share. `changes` stands in
    for the decision's stored history (a draft that is not saved has none); by default the
    stored one is read, prefetched if it was."""
    if changes is None:
        changes = decision.changes.all()
    return {
        "format": FORMAT,
        "title": decision.title,
        "status": decision.status,
        "team": decision.team.name,
        "chosen_pattern": decision.chosen_pattern,
        "chosen_pattern_name": decision.chosen_pattern_name,
        "rationale": decision.rationale,
        "consequences": decision.consequences,
        "review_date": decision.review_date.isoformat() if decision.review_date else None,
        "decided_at": _instant(decision.decided_at),
        "created_at": _instant(decision.created_at),
        "status_changes": [
            {
                "from": change.from_status or None,
                "to": change.to_status,
                "by": change.changed_by.get_username(),
                "at": _instant(change.changed_at),
                "note": change.note,
            }
            for change in changes
        ],
        "supersedes": decision.supersedes.title if decision.supersedes_id else None,
        "snapshot": decision.snapshot,
    }


def _instant(moment: datetime | None) -> str | None:
    # Always in UTC, so that the same instant reads the same whatever the server's time zone.
    return moment.astimezone(UTC).isoformat() if moment is not None else None


# --- validation ----------------------------------------------------------------------------


def parse_export(data: Any) -> DecisionExport:
    """Check everything an import relies on; raise InvalidExport naming the first problem."""
    if not isinstance(data, dict):
        raise InvalidExport(f"Expected a decision export (a JSON object), found {json_kind(data)}.")
    if "format" not in data:
        raise InvalidExport(f'This is not a decision export: it has no "format" (want "{FORMAT}").')
    if data["format"] != FORMAT:
        raise InvalidExport(
            f'Unsupported "format" {_show(data["format"])}: this version imports "{FORMAT}".'
        )
    missing = [key for key in KEYS if key not in data]
    if missing:
        raise InvalidExport(f"Missing {_plural(len(missing), 'key')}: {', '.join(missing)}.")

    # Checked in the order the keys are written, so the first problem in the file is named.
    title = _text(data, "title", required=True, max_length=MAX_TITLE)
    status = _status(data, "status")
    team = _text(data, "team", required=True, max_length=MAX_TEAM)
    chosen_pattern = _slug(data, "chosen_pattern")
    chosen_pattern_name = _text(data, "chosen_pattern_name", max_length=MAX_PATTERN_NAME)
    rationale = _text(data, "rationale")
    consequences = _text(data, "consequences")
    review_text = _optional_text(data, "review_date")
    review_date = None if review_text is None else _date(review_text, "review_date")
    decided_at = _optional_instant(data, "decided_at")
    created_at = _instant_from(data, "created_at")

    changes = data["status_changes"]
    if not isinstance(changes, list):
        raise InvalidExport(f'"status_changes" must be an array, not {json_kind(changes)}.')
    parsed_changes = tuple(_change(item, index) for index, item in enumerate(changes))
    if parsed_changes and parsed_changes[-1].to_status != status:
        raise InvalidExport(
            f'"status_changes" ends at "{parsed_changes[-1].to_status}" but "status" is "{status}".'
        )
    supersedes = _optional_text(data, "supersedes")

    snapshot = _object(data, "snapshot")
    if snapshot.get("schema") != SCHEMA:
        raise InvalidExport(
            f'"snapshot.schema" is {_show(snapshot.get("schema"))}; this version reads "{SCHEMA}".'
        )
    # The record page and "revisit" read the workflows as objects.
    workflows = snapshot.get("workflows")
    if not isinstance(workflows, list):
        raise InvalidExport(f'"snapshot.workflows" must be an array, not {json_kind(workflows)}.')
    for index, workflow in enumerate(workflows):
        if not isinstance(workflow, dict):
            raise InvalidExport(
                f'"snapshot.workflows[{index}]" must be an object, not {json_kind(workflow)}.'
            )

    return DecisionExport(
        title=title,
        status=status,
        team=team,
        chosen_pattern=chosen_pattern,
        chosen_pattern_name=chosen_pattern_name,
        rationale=rationale,
        consequences=consequences,
        review_date=review_date,
        decided_at=decided_at,
        created_at=created_at,
        changes=parsed_changes,
        supersedes=supersedes,
        snapshot=snapshot,
    )


def _change(item: Any, index: int) -> ChangeRecord:
    where = f"status_changes[{index}]"
    if not isinstance(item, dict):
        raise InvalidExport(f'"{where}" must be an object, not {json_kind(item)}.')
    missing = [key for key in CHANGE_KEYS if key not in item]
    if missing:
        raise InvalidExport(f'"{where}" is missing {", ".join(missing)}.')
    from_status = item["from"]
    if from_status is not None:
        from_status = _status(item, "from", where=where)
    return ChangeRecord(
        from_status=from_status or "",
        to_status=_status(item, "to", where=where),
        by=_text(item, "by", required=True, where=where),
        at=_instant_from(item, "at", where=where),
        note=_text(item, "note", max_length=MAX_NOTE, where=where),
    )


def _text(
    data: Mapping[str, Any],
    key: str,
    *,
    required: bool = False,
    max_length: int | None = None,
    where: str = "",
) -> str:
    value = data[key]
    name = f"{where}.{key}" if where else key
    if not isinstance(value, str):
        raise InvalidExport(f'"{name}" must be a string, not {json_kind(value)}.')
    if required and not value.strip():
        raise InvalidExport(f'"{name}" must not be empty.')
    if max_length is not None and len(value) > max_length:
        raise InvalidExport(f'"{name}" is {len(value)} characters long; at most {max_length} fit.')
    return value


def _optional_text(data: Mapping[str, Any], key: str) -> str | None:
    return None if data[key] is None else _text(data, key)


def _slug(data: Mapping[str, Any], key: str) -> str:
    value = _text(data, key, max_length=MAX_SLUG)
    if not SLUG.match(value):
        raise InvalidExport(
            f'"{key}" {_show(value)} is not a pattern slug (letters, digits, -, _).'
        )
    return value


def _status(data: Mapping[str, Any], key: str, *, where: str = "") -> str:
    value = _text(data, key, where=where)
    if value not in STATUSES:
        name = f"{where}.{key}" if where else key
        raise InvalidExport(
            f'"{name}" {_show(value)} is not a decision status (one of {", ".join(STATUSES)}).'
        )
    return value


def _object(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data[key]
    if not isinstance(value, dict):
        raise InvalidExport(f'"{key}" must be an object, not {json_kind(value)}.')
    return value


def _date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidExport(f'"{name}" {_show(text)} is not a date like 2027-05-31.') from None


def _optional_instant(data: Mapping[str, Any], key: str) -> datetime | None:
    return None if data[key] is None else _instant_from(data, key)


def _instant_from(data: Mapping[str, Any], key: str, *, where: str = "") -> datetime:
    text = _text(data, key, where=where)
    name = f"{where}.{key}" if where else key
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidExport(
            f'"{name}" {_show(text)} is not a date and time like 2026-05-31T09:30:00+00:00.'
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidExport(f'"{name}" {_show(text)} has no UTC offset, so its instant is unknown.')
    return moment


def _show(value: Any) -> str:
    """A value quoted for a one-line message, cut short when long."""
    text = f'"{value}"' if isinstance(value, str) else json_kind(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + '..."'


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"
