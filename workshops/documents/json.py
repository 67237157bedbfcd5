"""A decision as a self-contained JSON document, and the validation of one to import."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from patterns.wire import json_kind
from workshops.documents.export_schema import FORMAT, DecisionExportDocument
from workshops.models import Decision, FigureNote, StatusChange, Team

# Longest team name the column takes (an import may name another team).
MAX_TEAM = Team._meta.get_field("name").max_length


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
class NoteRecord:
    """Figures noted on the record since, as an export carries them (FigureNote's values)."""

    workflow_position: int
    noted_on: date
    author: str
    volume_value: float | None
    volume_unit: str
    latency_value: float | None
    latency_unit: str
    consumers: int | None
    text: str
    created_at: datetime


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
    figure_notes: tuple[NoteRecord, ...] = ()


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
    export = {
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
    # Figures noted since the decision, beside its frozen snapshot; only when there are some,
    # so that the export of a decision without any stays the document it always was.
    notes = decision.figure_notes.all() if decision.pk else ()
    if notes:
        export["figure_notes"] = [_note_to_json(note) for note in notes]
    return export


def _note_to_json(note: FigureNote) -> dict[str, Any]:
    def measure(value: float | None, unit: str) -> dict[str, Any] | None:
        return None if value is None else {"value": value, "unit": unit}

    return {
        "workflow": note.workflow_position,
        "noted_on": note.noted_on.isoformat(),
        "by": note.author,
        "volume": measure(note.volume_value, note.volume_unit),
        "latency": measure(note.latency_value, note.latency_unit),
        "consumers": note.consumers,
        "note": note.text,
        "at": _instant(note.created_at),
    }


def _instant(moment: datetime | None) -> str | None:
    # Always in UTC, so that the same instant reads the same whatever the server's time zone.
    return moment.astimezone(UTC).isoformat() if moment is not None else None


# --- validation ----------------------------------------------------------------------------


def parse_export(data: Any) -> DecisionExport:
    """Check everything an import relies on, against the published schema (export_schema);
    raise InvalidExport naming the first problem, in the order the file is written."""
    if not isinstance(data, dict):
        raise InvalidExport(f"Expected a decision export (a JSON object), found {json_kind(data)}.")
    if "format" not in data:
        raise InvalidExport(f'This is not a decision export: it has no "format" (want "{FORMAT}").')
    if data["format"] != FORMAT:
        raise InvalidExport(
            f'Unsupported "format" {_show(data["format"])}: this version imports "{FORMAT}".'
        )
    try:
        DecisionExportDocument.model_validate(data)
    except ValidationError as invalid:
        raise InvalidExport(problem_sentence(invalid.errors())) from None

    status = data["status"]
    changes = tuple(
        ChangeRecord(
            from_status=change["from"] or "",
            to_status=change["to"],
            by=change["by"],
            at=datetime.fromisoformat(change["at"]),
            note=change["note"],
        )
        for change in data["status_changes"]
    )
    if changes and changes[-1].to_status != status:
        raise InvalidExport(
            f'"status_changes" ends at "{changes[-1].to_status}" but "status" is "{status}".'
        )
    notes = _notes(data.get("figure_notes") or (), workflows=len(data["snapshot"]["workflows"]))
    return DecisionExport(
        title=data["title"],
        status=status,
        team=data["team"],
        chosen_pattern=data["chosen_pattern"],
        chosen_pattern_name=data["chosen_pattern_name"],
        rationale=data["rationale"],
        consequences=data["consequences"],
        review_date=_optional(date.fromisoformat, data["review_date"]),
        decided_at=_optional(datetime.fromisoformat, data["decided_at"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        changes=changes,
        supersedes=data["supersedes"],
        snapshot=data["snapshot"],
        figure_notes=notes,
    )


def _notes(entries: Sequence[Mapping[str, Any]], *, workflows: int) -> tuple[NoteRecord, ...]:
    notes = []
    for index, entry in enumerate(entries):
        where = f'"figure_notes[{index}]'
        if entry["workflow"] >= max(1, workflows):
            raise InvalidExport(
                f'{where}.workflow" is {entry["workflow"]}, but the record has '
                f"{_plural(workflows, 'workflow')} (counted from 0)."
            )
        volume, latency = entry["volume"] or {}, entry["latency"] or {}
        figures = (volume.get("value"), latency.get("value"), entry["consumers"])
        if all(figure is None for figure in figures):
            raise InvalidExport(f'{where}" notes no figure: a volume, a latency or consumers.')
        notes.append(
            NoteRecord(
                workflow_position=entry["workflow"],
                noted_on=date.fromisoformat(entry["noted_on"]),
                author=entry["by"],
                volume_value=volume.get("value"),
                volume_unit=volume.get("unit", "day"),
                latency_value=latency.get("value"),
                latency_unit=latency.get("unit", "minutes"),
                consumers=entry["consumers"],
                text=entry["note"],
                created_at=datetime.fromisoformat(entry["at"]),
            )
        )
    return tuple(notes)


def export_fingerprint(data: Mapping[str, Any]) -> str:
    """What makes two exports the same document: the SHA-256 of their content, keys sorted
    and spaces left out, so that the JSON download, a re-indented copy of it and the PDF
    carrying it share one fingerprint, and any change to the content makes another."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _optional(parse, text: str | None):
    return None if text is None else parse(text)


# What each kind of value is called in a message, by pydantic's error type.
KINDS = {
    "string_type": "a string",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}
PATTERNS = {
    r"^[-a-zA-Z0-9_]+$": "is not a pattern slug (letters, digits, -, _)",
    r"^[-a-zA-Z0-9_]*$": "is not a pattern slug (letters, digits, -, _)",
}


MISSING_NAMED = 6  # keys a message about missing ones names before "and N more"


def problem_sentence(errors: Sequence[Mapping[str, Any]]) -> str:
    """The first of pydantic's errors as one sentence that names the field."""
    error = errors[0]
    loc = tuple(error["loc"])
    name, value, kind, ctx = _path(loc), error.get("input"), error["type"], error.get("ctx", {})
    if kind == "missing":
        parent = loc[:-1]
        keys = [
            str(e["loc"][-1]) for e in errors if e["type"] == "missing" and e["loc"][:-1] == parent
        ]
        # A whole object emptied misses dozens of keys: the first few say enough, on one line.
        named = ", ".join(keys[:MISSING_NAMED]) + (
            f" and {len(keys) - MISSING_NAMED} more" if len(keys) > MISSING_NAMED else ""
        )
        if not parent:
            return f"Missing {_plural(len(keys), 'key')}: {named}."
        return f'"{_path(parent)}" is missing {named}.'
    if kind == "extra_forbidden":
        return f'"{name}" is not a key a decision export has (this version reads "{FORMAT}").'
    if kind == "float_type" and isinstance(value, int) and not isinstance(value, bool):
        return f'"{name}" is too large a number ({len(str(value))} digits).'
    if kind in KINDS:
        return f'"{name}" must be {KINDS[kind]}, not {json_kind(value)}.'
    if kind == "string_too_long":
        return f'"{name}" is {len(value)} characters long; at most {ctx["max_length"]} fit.'
    if kind == "string_too_short" or (
        kind == "string_pattern_mismatch" and ctx.get("pattern") == r"\S"
    ):
        return f'"{name}" must not be empty.'
    if kind == "string_pattern_mismatch":
        reason = PATTERNS.get(ctx.get("pattern", ""), "is not a decimal amount like 400.00")
        return f'"{name}" {_show(value)} {reason}.'
    if kind == "too_long":
        return f'"{name}" has {ctx["actual_length"]} items; at most {ctx["max_length"]} fit.'
    if kind == "literal_error":
        expected = ctx.get("expected", "").replace("'", '"')
        if "," not in expected and " or " not in expected:
            return f'"{name}" is {_show(value)}; this version reads {expected}.'
        return f'"{name}" {_show(value)} is not one of {expected}.'
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("above", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("below", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f'"{name}" must be {words} {_number(ctx[key])}, not {_number(value)}.'
    if kind == "value_error":
        return f'"{name}" {_show(value)} {ctx["error"]}.'
    return f'"{name}": {error["msg"]}.'


def _path(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _show(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def _show(value: Any) -> str:
    """A value quoted for a one-line message, cut short when long."""
    text = f'"{value}"' if isinstance(value, str) else json_kind(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + '..."'


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"
