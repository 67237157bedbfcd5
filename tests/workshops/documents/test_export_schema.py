"""The decision export's published JSON Schema, and an import that holds to it: a tampered
export is refused in one line naming the field, or, when accepted, every reader of the
record (its page, Markdown, PDF, the history's CSV, a revisit) answers."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.workshops.documents.rich_export import exported, record_pdf, rich_decision
from workshops.documents.export_schema import export_json_schema, export_json_schema_text
from workshops.documents.json import InvalidExport, parse_export
from workshops.models import MAX_FIGURE, Decision, StatusChange, Team

pytestmark = pytest.mark.django_db

PUBLISHED = Path(__file__).resolve().parents[3] / "docs" / "decision-export.schema.json"


_RICH: list[dict[str, Any]] = []


@pytest.fixture
def rich(request, facilitator) -> dict[str, Any]:
    """The rich export, built through the services once and kept (it is a value): each test
    gets its own copy and imports it as the facilitator."""
    if not _RICH:
        _RICH.append(exported(rich_decision(request.getfixturevalue("workshop"), facilitator)))
    return copy.deepcopy(_RICH[0])


def rows() -> tuple[int, int, int]:
    return Decision.objects.count(), StatusChange.objects.count(), Team.objects.count()


def import_file(path: Path, data: Any = None) -> str:
    if data is not None:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("import_decision", str(path), user="fiona", team="Archive", stdout=out)
    return out.getvalue()


def readers_answer(client, decision: Decision) -> None:
    """Everything that reads the record: its page, Markdown, PDF and CSV row, and a revisit."""
    assert client.get(decision.get_absolute_url()).status_code == 200
    markdown = reverse("workshops:decision-markdown", kwargs={"decision_id": decision.pk})
    assert client.get(markdown).status_code == 200
    csv = client.get(reverse("workshops:decision-csv"))
    assert csv.status_code == 200
    assert f"/decisions/{decision.pk}/".encode() in b"".join(csv.streaming_content)
    pdf = record_pdf(decision)
    assert pdf.startswith(b"%PDF")
    revisit = reverse("workshops:decision-revisit", kwargs={"decision_id": decision.pk})
    assert client.post(revisit, follow=True).status_code == 200


# --- the published schema ---------------------------------------------------------------------


def test_the_published_schema_is_the_one_the_import_checks():
    assert PUBLISHED.read_text(encoding="utf-8") == export_json_schema_text(), (
        "docs/decision-export.schema.json is out of date: run `make schema`."
    )


def test_a_rich_export_meets_the_published_schema_read_by_another_validator(rich):
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(rich)) == []
    assert parse_export(rich).title == "Nightly inventory sync"
    # The export carries everything the schema knows: a hybrid, the room, consent, risks, costs.
    workflows = rich["snapshot"]["workflows"]
    assert [w["is_part"] for w in workflows] == [False, True, True]
    assert workflows[2]["room"]["votes"]["revealed"] and rich["snapshot"]["consent"]
    assert workflows[2]["candidates"][0]["risks"] and workflows[2]["candidates"][0]["estimate"]


def test_the_other_validator_refuses_what_the_import_refuses(rich):
    schema = export_json_schema()
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for case in ("a ranking that is a string", "negative consumers", "an overlong source system"):
        broken, field = tampered(rich, case)
        assert not validator.is_valid(broken), case
        with pytest.raises(InvalidExport, match=re.escape(field)):
            parse_export(broken)


# --- tampered exports ----------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def at(path: str, value: Any) -> Mutation:
    """Set the value at a dotted path ("snapshot.workflows.2.consumers")."""

    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


def dropped(path: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[last]

    return mutate


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"deeper": [value]}
    return value


STREAM = "snapshot.workflows.2"
RISK = f"{STREAM}.candidates.0.risks.0"
ROOM = f"{STREAM}.room"

# Each way to tamper with an export, and the field the refusal names (in its quotes).
REFUSED: dict[str, tuple[Mutation, str]] = {
    "a ranking that is a string": (at(f"{STREAM}.ranking", "streaming first"), "[2].ranking"),
    "a score that is a string": (at(f"{STREAM}.ranking.0.score", "90"), "ranking[0].score"),
    "a score above 100": (at(f"{STREAM}.ranking.0.score", 101), "ranking[0].score"),
    "a latency of 5s": (at(f"{STREAM}.latency.value", "5s"), "latency.value"),
    "a latency of zero": (at(f"{STREAM}.latency.value", 0), "latency.value"),
    "an unknown latency unit": (at(f"{STREAM}.latency.unit", "fortnights"), "latency.unit"),
    "negative consumers": (at(f"{STREAM}.consumers", -5), "consumers"),
    "fractional consumers": (at(f"{STREAM}.consumers", 2.5), "consumers"),
    "a volume past the largest figure": (
        at(f"{STREAM}.volume.value", MAX_FIGURE * 10.0),
        "volume.value",
    ),
    "a huge integer growth": (at(f"{STREAM}.growth_factor", 10**400), "growth_factor"),
    "an overlong source system": (at(f"{STREAM}.source_system", "x" * 500), "source_system"),
    "an overlong workflow name": (at(f"{STREAM}.name", "n" * 201), "workflows[2].name"),
    "an empty workflow name": (at(f"{STREAM}.name", "   "), "workflows[2].name"),
    "an unknown trigger": (at(f"{STREAM}.profile.trigger", "telepathy"), "profile.trigger"),
    "true as a string": (at(f"{STREAM}.idempotency_key", "true"), "idempotency_key"),
    "1 as a boolean": (at(f"{STREAM}.is_part", 1), "is_part"),
    "a likelihood of 9": (at(f"{RISK}.likelihood", 9), "risks[0].likelihood"),
    "a risk ranked fourth": (at(f"{RISK}.rank", 4), "risks[0].rank"),
    "an unknown raiser": (at(f"{RISK}.raised_by", "the intern"), "risks[0].raised_by"),
    "a negative hourly rate": (
        at(f"{STREAM}.candidates.0.estimate.hourly_rate", "-5"),
        "estimate.hourly_rate",
    ),
    "a cost that is a number": (
        at(f"{STREAM}.candidates.0.tco.total", 1200.5),
        "tco.total",
    ),
    "a pattern slug with a slash": (at(f"{STREAM}.chosen.pattern", "../admin"), "chosen.pattern"),
    "an unknown mismatch dimension": (
        at("snapshot.workflows.0.ranking.1.mismatches.0.dimension", "mood"),
        "mismatches[0].dimension",
    ),
    "an unknown delay answer": (at(f"{STREAM}.delay_answers.10s", "meh"), "delay_answers.10s"),
    "a vote count below zero": (at(f"{ROOM}.votes.voters", -1), "votes.voters"),
    "a vote reason too long": (
        at(f"{ROOM}.votes.dimensions.0.reasons.0.reason", "r" * 201),
        "reasons[0].reason",
    ),
    "dots as a string": (at(f"{ROOM}.proposed_risks.0.risks.0.dots", "3"), "risks[0].dots"),
    "an unknown consent answer": (at("snapshot.consent.0.answer", "veto"), "consent[0].answer"),
    "an unknown role": (at("snapshot.people.consulted.0.role", "Wizard"), "consulted[0].role"),
    "a person without a name": (dropped("snapshot.people.consulted.0.name"), "consulted[0]"),
    "a workflow without its profile": (dropped(f"{STREAM}.profile"), "workflows[2]"),
    "an unknown key": (at(f"{STREAM}.owner", "me"), "snapshot.workflows[2].owner"),
    "extra nesting in a text": (at(f"{STREAM}.description", {"text": "x"}), "description"),
    "deep nesting in a list": (at(f"{STREAM}.compliance", [nested(50)]), "compliance[0]"),
    "workflows past the limit": (
        lambda d: d["snapshot"]["workflows"].extend([d["snapshot"]["workflows"][1]] * 60),
        "snapshot.workflows",
    ),
    "a consent time without offset": (
        at("snapshot.consent.0.recorded_at", "2026-05-31T09:30:00"),
        "consent[0].recorded_at",
    ),
    "a scheduled time that is no time": (
        at("snapshot.workshop.scheduled_at", "tomorrow"),
        "workshop.scheduled_at",
    ),
    "another snapshot version": (at("snapshot.schema", "parsecgo.decision/2"), "snapshot.schema"),
    "another export version": (at("format", "parsecgo.decision-export/2"), "format"),
    "a status change from nowhere": (
        at("status_changes.0.from", "limbo"),
        "status_changes[0].from",
    ),
}


def tampered(rich: dict[str, Any], case: str) -> tuple[dict[str, Any], str]:
    mutate, field = REFUSED[case]
    data = copy.deepcopy(rich)
    mutate(data)
    return data, field


@pytest.mark.parametrize("case", REFUSED)
def test_a_tampered_export_is_refused_in_one_line_naming_the_field(case, rich, tmp_path):
    data, field = tampered(rich, case)
    before = rows()

    with pytest.raises(CommandError) as refused:
        import_file(tmp_path / "decision.json", data)

    message = str(refused.value)
    assert field in message
    assert "\n" not in message and len(message) < 400
    assert rows() == before


def test_nesting_deeper_than_the_parser_goes_is_refused_in_one_line(rich, tmp_path):
    path = tmp_path / "decision.json"
    text = json.dumps(rich)
    path.write_text(text[:-1] + ', "deep": ' + "[" * 100_000 + "]" * 100_000 + "}")
    before = rows()
    with pytest.raises(CommandError, match=r"nested too deeply\)\.$"):
        import_file(path)
    assert rows() == before


def at_most(rich: dict[str, Any]) -> None:
    """Every column-bound text at its longest and every figure at its largest."""
    for workflow in rich["snapshot"]["workflows"]:
        workflow |= {
            "source_system": "S" * 200,
            "target_system": "T" * 200,
            "update_frequency": "f" * 100,
            "consumers": 2**31 - 1,
            "growth_factor": float(MAX_FIGURE),
            "max_latency_seconds": float(MAX_FIGURE * 86_400),
            "volume_per_day": float(MAX_FIGURE * 24),
        }
        workflow["latency"]["value"] = float(MAX_FIGURE)
        workflow["volume"]["value"] = float(MAX_FIGURE)
        workflow["validation"]["targets"]["throughput"] = float(MAX_FIGURE)
        for candidate in workflow["candidates"]:
            candidate["tco"]["total"] = "999999999999999.99"
            if candidate["estimate"]:
                candidate["estimate"]["monthly_infrastructure"] = "9999999999.99"
    rich["title"] = rich["snapshot"]["title"] = "W" * 200
    rich["snapshot"]["people"]["consulted"][0]["name"] = "N" * 100


def at_least(rich: dict[str, Any]) -> None:
    """Every figure at its smallest or missing, every list empty."""
    for workflow in rich["snapshot"]["workflows"]:
        workflow |= {"consumers": 0, "growth_factor": None, "volume_per_day": 0.0, "ranking": []}
        workflow |= {"recommended": None, "cheapest": None, "candidates": [], "compliance": []}
        workflow["latency"]["value"] = 1e-9
        workflow["volume"]["value"] = 0
        workflow["room"]["votes"]["dimensions"] = []
    rich["snapshot"]["people"] = {"decision_makers": [], "consulted": [], "informed": []}
    rich["snapshot"]["consent"] = []


def from_before_the_room(rich: dict[str, Any]) -> None:
    """An export from before per-part reasons, cost inputs, the room and consent."""
    del rich["snapshot"]["consent"]
    for workflow in rich["snapshot"]["workflows"]:
        del workflow["room"], workflow["rationale"]
        for candidate in workflow["candidates"]:
            del candidate["estimate"]


def hostile(rich: dict[str, Any]) -> None:
    """Markup, a right-to-left override and a formula in the texts people write."""
    words = '<script>alert(1)</script> "><img src=x onerror=alert(1)> \u202egnp.exe =HYPERLINK("x")'
    rich["title"] = rich["snapshot"]["title"] = "# Front matter ---" + words[:150]
    for workflow in rich["snapshot"]["workflows"]:
        workflow |= {"description": words * 20, "source_system": words[:200]}
        workflow["notes"]["trigger"] = words
    rich["snapshot"]["consent"][0]["reason"] = words[:300]


ACCEPTED: dict[str, Mutation] = {
    "every bound at its largest": at_most,
    "every figure at its smallest": at_least,
    "an export from before the room": from_before_the_room,
    "hostile text": hostile,
}


@pytest.mark.parametrize("case", ACCEPTED)
def test_a_tampered_export_that_is_accepted_reads_everywhere(
    case, rich, facilitator_client, tmp_path
):
    data = copy.deepcopy(rich)
    ACCEPTED[case](data)

    output = import_file(tmp_path / "decision.json", data)

    imported = Decision.objects.order_by("-pk").first()
    assert f"as decision {imported.pk}" in output
    assert imported.snapshot == data["snapshot"]
    readers_answer(facilitator_client, imported)


def test_there_are_at_least_28_ways_tried():
    assert len(REFUSED) + len(ACCEPTED) >= 28


# --- random tampering ----------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**15), max_value=10**15)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=300),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


def alike(value: Any) -> st.SearchStrategy[Any]:
    """Values of the same JSON kind as `value`, in and past its bounds: what a hand edit does."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(min_value=-10, max_value=10**13)
    if isinstance(value, float):
        return st.floats(min_value=-1, max_value=1e17, allow_nan=False)
    if isinstance(value, str):
        return st.text(max_size=250) | st.sampled_from(["", "batch", "retry", "Security", "0.00"])
    return JSON_VALUES


def paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_value_or_none_anywhere_is_refused_in_one_line_or_read_everywhere(
    data, rich, facilitator_client, tmp_path
):
    path = data.draw(st.sampled_from(paths(rich)), label="path")
    broken = copy.deepcopy(rich)
    target: Any = broken
    for key in path[:-1]:
        target = target[key]
    if isinstance(target, dict) and data.draw(st.booleans(), label="delete"):
        del target[path[-1]]
    else:
        target[path[-1]] = data.draw(JSON_VALUES | alike(target[path[-1]]), label="value")
    file = tmp_path / "decision.json"
    file.write_text(json.dumps(broken), encoding="utf-8")  # NaN and Infinity as Python writes them

    try:
        output = import_file(file)
    except CommandError as refused:
        message = str(refused)
        assert "\n" not in message and len(message) < 400
        named = message.split('"')[1] if message.count('"') >= 2 else ""
        where = dotted(path)
        # The field refused is the one changed, inside it, or what holds it.
        assert where.startswith(named) or named.startswith(where) or f'"{where}"' in message, (
            message
        )
        return
    imported = Decision.objects.get(pk=int(re.search(r"as decision (\d+)", output)[1]))
    readers_answer(facilitator_client, imported)
