"""The JSON form of the engine refuses what is not a workflow and answers with a stable shape."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patterns.evaluation import evaluate
from patterns.matching import DIMENSION_VALUES, LEVELS, Profile, Requirements
from patterns.wire import (
    NON_FIELD,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    InvalidInput,
    MatchRequest,
    loads,
    one_line,
    parse_request,
    result_to_json,
)
from tests.patterns.builders import ANSWER_KEYS, BUILTIN, BUILTIN_SLUGS, requirements

MINIMAL = {
    "trigger": "event",
    "granularity": "record",
    "consistency": "eventual",
    "failure": "retry",
    "max_latency_seconds": 1,
    "volume_per_day": 1_000_000,
}
FULL = {
    **MINIMAL,
    "growth_factor": 3,
    "compliance": ["GDPR"],
    "observability": "low",
    "skill": "medium",
    "coupling": "loose",
    "idempotency_key": True,
    "schema_policy": False,
    "security_controls": True,
    "consumers": 4,
    "chosen": "streaming",
}


def parse(data):
    return parse_request(data, known_patterns=BUILTIN_SLUGS)


def errors_for(data) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as raised:
        parse(data)
    return raised.value.errors


# --- loads ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "{",
        "{'trigger': 'event'}",
        "NaN",
        "Infinity",
        "-Infinity",
        '{"max_latency_seconds": NaN}',
        '{"volume_per_day": Infinity}',
        b"\xff\xfe\x00garbage",
    ],
)
def test_it_refuses_text_that_is_not_json(text):
    with pytest.raises(InvalidInput) as raised:
        loads(text)

    assert list(raised.value.errors) == [NON_FIELD]
    assert str(raised.value).startswith("input: not valid JSON")


@pytest.mark.parametrize("text", [json.dumps(MINIMAL), json.dumps(MINIMAL).encode()])
def test_it_reads_json_text_and_bytes(text):
    assert loads(text) == MINIMAL


# --- parse_request: refusals ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ([MINIMAL], "an array"),
        ("event", "a string"),
        (42, "a number"),
        (1.5, "a number"),
        (None, "null"),
        (True, "a boolean"),
    ],
)
def test_it_refuses_a_top_level_value_that_is_not_an_object(data, kind):
    errors = errors_for(data)

    assert errors == {NON_FIELD: [f"expected a JSON object, got {kind}"]}


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_it_names_each_missing_required_field(field):
    data = {name: value for name, value in MINIMAL.items() if name != field}

    with pytest.raises(InvalidInput) as raised:
        parse(data)

    assert raised.value.errors == {field: ["this field is required"]}
    assert field in str(raised.value)


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_it_treats_a_null_required_field_as_missing(field):
    assert errors_for({**MINIMAL, field: None}) == {field: ["this field is required"]}


def test_it_names_every_bad_field_at_once():
    errors = errors_for({"trigger": "sometimes", "volume_per_day": -1, "colour": "blue"})

    assert set(errors) == {
        "colour",
        "trigger",
        "granularity",
        "consistency",
        "failure",
        "max_latency_seconds",
        "volume_per_day",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("trigger", "hourly"),
        ("trigger", ""),
        ("granularity", "file"),
        ("consistency", "strict"),
        ("failure", "ignore"),
        ("observability", "none"),
        ("skill", "expert"),
        ("coupling", "medium"),
    ],
)
def test_it_refuses_unknown_values_and_lists_the_known_ones(field, value):
    errors = errors_for({**MINIMAL, field: value})

    assert list(errors) == [field]
    known = DIMENSION_VALUES.get(field) or (LEVELS if field in ("observability", "skill") else ())
    assert all(choice in errors[field][0] for choice in known)


@pytest.mark.parametrize("field", [*DIMENSION_VALUES, "observability", "skill", "coupling"])
def test_it_refuses_a_non_string_where_a_choice_is_expected(field):
    assert list(errors_for({**MINIMAL, field: 1})) == [field]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_latency_seconds", 0),
        ("max_latency_seconds", 0.0),
        ("max_latency_seconds", -1),
        ("max_latency_seconds", -0.5),
        ("max_latency_seconds", float("inf")),
        ("volume_per_day", -1),
        ("volume_per_day", -0.001),
        ("volume_per_day", float("nan")),
        ("growth_factor", 0),
        ("growth_factor", -2),
    ],
)
def test_it_refuses_numbers_out_of_range(field, value):
    assert list(errors_for({**MINIMAL, field: value})) == [field]


def test_it_accepts_a_volume_of_zero():
    assert parse({**MINIMAL, "volume_per_day": 0}).requirements.volume_per_day == 0


@pytest.mark.parametrize(
    "field", ["max_latency_seconds", "volume_per_day", "growth_factor", "consumers"]
)
@pytest.mark.parametrize("value", [True, False])
def test_it_refuses_a_boolean_where_a_number_is_expected(field, value):
    assert list(errors_for({**MINIMAL, field: value})) == [field]


@pytest.mark.parametrize(
    "field", ["max_latency_seconds", "volume_per_day", "growth_factor", "consumers"]
)
@pytest.mark.parametrize("value", ["10", [1], {"seconds": 1}])
def test_it_refuses_a_string_or_container_where_a_number_is_expected(field, value):
    assert list(errors_for({**MINIMAL, field: value})) == [field]


@pytest.mark.parametrize("field", ["idempotency_key", "schema_policy", "security_controls"])
@pytest.mark.parametrize("value", [0, 1, 1.0, "true", "yes", []])
def test_it_refuses_anything_but_true_or_false_where_a_boolean_is_expected(field, value):
    errors = errors_for({**MINIMAL, field: value})

    assert list(errors) == [field]
    assert "true or false" in errors[field][0]


@pytest.mark.parametrize("value", [2.5, -1, -1.0, float("inf")])
def test_it_refuses_consumers_that_are_not_a_whole_number_of_zero_or_more(value):
    assert list(errors_for({**MINIMAL, "consumers": value})) == ["consumers"]


def test_it_takes_consumers_written_with_a_decimal_point_as_a_whole_number():
    # JSON does not tell 2 from 2.0, nor does the published schema's "integer".
    consumers = parse({**MINIMAL, "consumers": 2.0}).requirements.consumers
    assert consumers == 2 and isinstance(consumers, int)


def test_it_refuses_a_chosen_pattern_that_is_not_in_the_catalogue():
    errors = errors_for({**MINIMAL, "chosen": "kafka"})

    assert list(errors) == ["chosen"]
    assert "kafka" in errors["chosen"][0]
    assert "streaming" in errors["chosen"][0]


@pytest.mark.parametrize("field", ["latency", "Trigger", "max_latency", "notes"])
def test_it_refuses_unknown_fields(field):
    assert errors_for({**MINIMAL, field: 1}) == {field: ["unknown field"]}


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("GDPR", id="a-string"),
        pytest.param({"GDPR": True}, id="an-object"),
        pytest.param(True, id="a-boolean"),
        pytest.param([""], id="an-empty-name"),
        pytest.param(["GDPR", "   "], id="a-blank-name"),
        pytest.param([1], id="a-number"),
        pytest.param([None], id="a-null"),
        pytest.param([["GDPR"]], id="a-nested-list"),
        pytest.param([f"regime {n}" for n in range(21)], id="too-many"),
        pytest.param(["x" * 101], id="too-long"),
    ],
)
def test_it_refuses_compliance_that_is_not_a_list_of_regime_names(value):
    assert list(errors_for({**MINIMAL, "compliance": value})) == ["compliance"]


# --- parse_request: acceptance ----------------------------------------------------------------


def test_it_accepts_a_full_workflow():
    assert parse(FULL) == MatchRequest(
        requirements=Requirements(
            profile=Profile(
                trigger="event", granularity="record", consistency="eventual", failure="retry"
            ),
            max_latency_seconds=1.0,
            volume_per_day=1_000_000.0,
            growth_factor=3.0,
            compliance=("GDPR",),
            observability="low",
            skill="medium",
            coupling="loose",
            idempotency_key=True,
            schema_policy=False,
            security_controls=True,
            consumers=4,
        ),
        chosen="streaming",
    )


def test_it_fills_in_the_optional_fields_a_workflow_leaves_out():
    request = parse(MINIMAL)

    assert request.chosen is None
    assert request.requirements == requirements(max_latency_seconds=1.0, volume_per_day=1e6)


def test_it_treats_null_optional_fields_as_left_out():
    assert parse({**MINIMAL, **dict.fromkeys(OPTIONAL_FIELDS)}) == parse(MINIMAL)


def test_it_tidies_compliance_regimes_and_drops_repeats():
    request = parse({**MINIMAL, "compliance": ["  GDPR ", "gdpr", "PCI \t DSS", "pci dss", "SOX"]})

    assert request.requirements.compliance == ("GDPR", "PCI DSS", "SOX")


# --- error messages ---------------------------------------------------------------------------


def test_it_sums_up_errors_in_one_line_naming_the_fields():
    with pytest.raises(InvalidInput) as raised:
        parse({**MINIMAL, "max_latency_seconds": 0, "consumers": 1.5})

    summary = one_line(raised.value.errors)
    assert "\n" not in summary
    assert summary.startswith("max_latency_seconds: ")
    assert "; consumers: " in summary
    assert str(raised.value) == summary


def test_it_calls_a_non_field_error_an_input_error():
    assert one_line({NON_FIELD: ["not valid JSON"], "trigger": ["a", "b"]}) == (
        "input: not valid JSON; trigger: a; trigger: b"
    )


# --- result_to_json ---------------------------------------------------------------------------


def order_placed_json(**constraints):
    wanted = requirements(
        "event", "record", "eventual", "dead_letter", max_latency_seconds=60, **constraints
    )
    evaluation = evaluate(wanted, BUILTIN, chosen="streaming")
    return result_to_json(evaluation)


def test_it_answers_with_the_recommendation_ranking_and_pitfalls():
    answer = order_placed_json(compliance=("GDPR",))

    assert set(answer) == ANSWER_KEYS
    assert answer["recommended"] == "choreography"
    assert answer["suggest_split"] is False
    assert [fit["pattern"] for fit in answer["ranking"]] == ["choreography", "streaming", "batch"]
    for fit in answer["ranking"]:
        assert set(fit) == {"pattern", "feasible", "score", "reasons", "mismatches"}
        assert isinstance(fit["reasons"], list)
        for mismatch in fit["mismatches"]:
            assert set(mismatch) == {"dimension", "explanation"}
    assert [m["dimension"] for m in answer["ranking"][2]["mismatches"]] == [
        "trigger",
        "granularity",
        "failure",
    ]
    assert [p["slug"] for p in answer["pitfalls"]] == [
        "over_engineering",
        "idempotency",
        "compliance",
    ]
    for pitfall in answer["pitfalls"]:
        assert set(pitfall) == {"slug", "title", "mitigation"}


def test_it_answers_null_when_nothing_is_feasible():
    wanted = requirements(max_latency_seconds=0.0001)
    evaluation = evaluate(wanted, BUILTIN)

    answer = result_to_json(evaluation)

    assert answer["recommended"] is None
    assert answer["suggest_split"] is False
    assert not any(fit["feasible"] for fit in answer["ranking"])


def test_it_answers_in_plain_json():
    answer = order_placed_json(compliance=("GDPR",), skill="low", coupling="tight")

    assert json.loads(json.dumps(answer, allow_nan=False)) == answer


# --- property: nothing but InvalidInput escapes -----------------------------------------------

FIELD_NAMES = (*REQUIRED_FIELDS, *OPTIONAL_FIELDS)
# Values a valid request would use, so that random input often gets past the first checks.
PLAUSIBLE_STRINGS = sorted(
    {v for values in DIMENSION_VALUES.values() for v in values}
    | set(LEVELS)
    | {"loose", "tight", "GDPR", " ", ""}
    | set(BUILTIN_SLUGS)
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),  # beyond what a float holds
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(PLAUSIBLE_STRINGS),
    st.text(max_size=20),
)
keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=12)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=6),
    max_leaves=20,
)


def assert_request_or_invalid_input(data) -> None:
    try:
        request = parse(data)
    except InvalidInput as error:
        assert error.errors
        assert all(messages and all(messages) for messages in error.errors.values())
    else:
        assert isinstance(request, MatchRequest)


@settings(max_examples=300, deadline=None, database=None)
@given(json_values)
def test_it_answers_any_json_value_with_a_request_or_invalid_input(data):
    assert_request_or_invalid_input(data)


@settings(max_examples=300, deadline=None, database=None)
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=6))
def test_it_answers_any_near_valid_object_with_a_request_or_invalid_input(overrides):
    assert_request_or_invalid_input({**MINIMAL, **overrides})


def test_it_refuses_an_integer_too_large_for_a_number():
    text = '{"max_latency_seconds": 1' + "0" * 400 + "}"
    with pytest.raises(InvalidInput) as raised:
        parse_request(loads(text), known_patterns=BUILTIN_SLUGS)
    assert raised.value.errors["max_latency_seconds"] == ["is too large"]


def test_it_refuses_json_nested_too_deeply():
    with pytest.raises(InvalidInput) as raised:
        loads("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in raised.value.errors["__all__"][0]


def test_it_keeps_the_one_line_message_on_one_line_for_odd_field_names():
    with pytest.raises(InvalidInput) as raised:
        parse_request({"bad\nname" + "x" * 100: 1}, known_patterns=BUILTIN_SLUGS)
    line = one_line(raised.value.errors)
    assert "\n" not in line
    assert "bad\\nname" in line
    assert "unknown field" in line
