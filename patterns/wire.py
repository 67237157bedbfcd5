"""The engine's input and output as JSON, shared by `manage.py match` and the API."""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from patterns.evaluation import Evaluation
from patterns.growth import GrowthFinding, RevisitTrigger, revisit_sentence
from patterns.matching import (
    COUPLINGS,
    DIMENSION_VALUES,
    LEVELS,
    ORGANISATIONS,
    Profile,
    Requirements,
)

NON_FIELD = "__all__"
MAX_COMPLIANCE_ITEMS = 20
MAX_COMPLIANCE_LENGTH = 100

REQUIRED_FIELDS = (*DIMENSION_VALUES, "max_latency_seconds", "volume_per_day")
OPTIONAL_FIELDS = (
    "growth_factor",
    "compliance",
    "observability",
    "skill",
    "coupling",
    "idempotency_key",
    "schema_policy",
    "security_controls",
    "consumers",
    "batch_window_hours",
    "throughput_per_hour",
    "organisation",
    "chosen",
)


class InvalidInput(Exception):
    """The input does not describe a workflow; `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(one_line(errors))
        self.errors = errors


@dataclass(frozen=True)
class MatchRequest:
    requirements: Requirements
    chosen: str | None


def one_line(errors: Mapping[str, list[str]]) -> str:
    parts = []
    for name, messages in errors.items():
        label = "input" if name == NON_FIELD else name
        parts.extend(f"{label}: {message}" for message in messages)
    return "; ".join(parts)


def loads(text: str | bytes) -> Any:
    """Parse JSON, refusing NaN and Infinity, which are not JSON."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not a number JSON allows")

    try:
        return json.loads(text, parse_constant=refuse)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput({NON_FIELD: [f"not valid JSON ({error})"]}) from None
    except RecursionError:
        raise InvalidInput({NON_FIELD: ["not valid JSON (nested too deeply)"]}) from None


def parse_request(data: Any, *, known_patterns: Collection[str]) -> MatchRequest:
    """Validate a decoded JSON value; raise InvalidInput naming every bad field."""
    if not isinstance(data, dict):
        raise InvalidInput({NON_FIELD: [f"expected a JSON object, got {json_kind(data)}"]})
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def check(name: str, parse) -> None:
        try:
            values[name] = parse(name, data.get(name))
        except ValueError as error:
            errors.setdefault(name, []).append(str(error))

    for name in sorted(set(data) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)):
        errors[_shown(name)] = ["unknown field"]
    for name in REQUIRED_FIELDS:
        if data.get(name) is None:
            errors[name] = ["this field is required"]
    for dimension, choices in DIMENSION_VALUES.items():
        if dimension not in errors:
            check(dimension, _choice(choices))
    if "max_latency_seconds" not in errors:
        check("max_latency_seconds", _number(above=0))
    if "volume_per_day" not in errors:
        check("volume_per_day", _number(at_least=0))
    check("growth_factor", _optional(_number(above=0)))
    check("compliance", _compliance)
    check("observability", _optional(_choice(LEVELS)))
    check("skill", _optional(_choice(LEVELS)))
    check("coupling", _optional(_choice(COUPLINGS)))
    for flag in ("idempotency_key", "schema_policy", "security_controls"):
        check(flag, _boolean)
    check("consumers", _optional(_whole_number))
    check("batch_window_hours", _optional(_number(above=0)))
    check("throughput_per_hour", _optional(_number(above=0)))
    check("organisation", _optional(_choice(ORGANISATIONS)))
    check("chosen", _optional(_choice(tuple(sorted(known_patterns)), kind="pattern slug")))
    if errors:
        order = {name: i for i, name in enumerate((*REQUIRED_FIELDS, *OPTIONAL_FIELDS))}
        raise InvalidInput(dict(sorted(errors.items(), key=lambda item: order.get(item[0], -1))))

    return MatchRequest(
        requirements=Requirements(
            profile=Profile(
                trigger=values["trigger"],
                granularity=values["granularity"],
                consistency=values["consistency"],
                failure=values["failure"],
            ),
            max_latency_seconds=values["max_latency_seconds"],
            volume_per_day=values["volume_per_day"],
            growth_factor=values["growth_factor"],
            compliance=values["compliance"],
            observability=values["observability"],
            skill=values["skill"],
            coupling=values["coupling"],
            idempotency_key=values["idempotency_key"],
            schema_policy=values["schema_policy"],
            security_controls=values["security_controls"],
            consumers=values["consumers"],
            batch_window_hours=values["batch_window_hours"],
            throughput_per_hour=values["throughput_per_hour"],
            organisation=values["organisation"],
        ),
        chosen=values["chosen"],
    )


def result_to_json(evaluation: Evaluation) -> dict[str, Any]:
    result, pitfalls = evaluation.result, evaluation.pitfalls
    return {
        "recommended": result.recommended.pattern.slug if result.recommended else None,
        "suggest_split": result.suggest_split,
        "ranking": [
            {
                "pattern": fit.pattern.slug,
                "feasible": fit.feasible,
                "score": fit.score,
                "reasons": list(fit.reasons),
                "mismatches": [
                    {"dimension": m.dimension, "explanation": m.explanation} for m in fit.mismatches
                ],
            }
            for fit in result.ranking
        ],
        "pitfalls": [
            {"slug": p.slug, "title": p.title, "mitigation": p.mitigation} for p in pitfalls
        ],
        **growth_to_json(evaluation.growth, evaluation.triggers),
    }


# --- reading JSON back: each takes what it finds and passes over what it cannot use ---------


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def as_dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dicts(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in as_list(value) if isinstance(item, dict)]


def growth_to_json(
    growth: tuple[GrowthFinding, ...], triggers: tuple[RevisitTrigger, ...]
) -> dict[str, Any]:
    """The growth findings and revisit triggers, as the JSON answer and the record hold them."""
    return {
        "growth": [
            {
                "slug": g.slug,
                "title": g.title,
                "explanation": g.explanation,
                "mitigation": g.mitigation,
            }
            for g in growth
        ],
        "revisit": [
            {"dimension": t.dimension, "threshold": t.threshold, "sentence": t.sentence}
            for t in triggers
        ],
        "revisit_when": revisit_sentence(triggers),
    }


# --- field parsers: each takes (name, raw value) and returns the clean value or raises ----


def _shown(text: str, limit: int = 40) -> str:
    """User text quoted in a message: printable, one line, bounded."""
    shown = text if text.isprintable() else repr(text)[1:-1]
    return shown if len(shown) <= limit else shown[:limit] + "…"


def json_kind(value: Any) -> str:
    """The JSON name of a value's type, as people reading the document see it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _choice(choices: tuple[str, ...], kind: str = "value"):
    def parse(name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {json_kind(value)}")
        if value not in choices:
            raise ValueError(
                f"unknown {kind} '{_shown(value)}'; expected one of: {', '.join(choices)}"
            )
        return value

    return parse


def _number(*, above: float | None = None, at_least: float | None = None):
    def parse(name: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {json_kind(value)}")
        try:
            value = float(value)  # JSON integers have no size limit; floats do
        except OverflowError:
            raise ValueError("is too large") from None
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        if above is not None and not value > above:
            raise ValueError(f"must be greater than {above:g}")
        if at_least is not None and not value >= at_least:
            raise ValueError(f"must be at least {at_least:g}")
        return value

    return parse


def _optional(parse):
    def parse_optional(name: str, value: Any):
        return None if value is None else parse(name, value)

    return parse_optional


def _boolean(name: str, value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {json_kind(value)}")
    return value


def _whole_number(name: str, value: Any) -> int:
    # JSON (and JSON Schema's "integer") does not tell 3 from 3.0: both are whole numbers.
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {json_kind(value)}")
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _compliance(name: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"expected a list of regime names, got {json_kind(value)}")
    if len(value) > MAX_COMPLIANCE_ITEMS:
        raise ValueError(f"at most {MAX_COMPLIANCE_ITEMS} regimes")
    regimes: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValueError("every regime must be a non-empty string")
        regime = " ".join(item.split())
        if len(regime) > MAX_COMPLIANCE_LENGTH:
            raise ValueError(f"a regime name has at most {MAX_COMPLIANCE_LENGTH} characters")
        if regime.casefold() not in {r.casefold() for r in regimes}:
            regimes.append(regime)
    return tuple(regimes)
