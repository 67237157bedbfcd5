"""The profile chart: an SVG matrix of pattern fits, checked as parsed XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from patterns.matching import DIMENSIONS, PatternSpec, Profile, Requirements, match
from workshops.charts.profile import (
    CHOSEN,
    COL_W,
    EMPTY_MESSAGE,
    GREY_FILL,
    MATCH_FILL,
    MISMATCH_FILL,
    profile_chart_svg,
    text_width,
)
from workshops.snapshot import ranking_as_data

SVG = "{http://www.w3.org/2000/svg}"
PROFILE = {
    "trigger": "scheduled",
    "granularity": "batch",
    "consistency": "strong",
    "failure": "dead_letter",
}


def _fit(
    slug: str, name: str, *, score: int = 100, mismatches: tuple[str, ...] = (), feasible=True
) -> dict[str, Any]:
    return {
        "pattern": slug,
        "name": name,
        "feasible": feasible,
        "score": score,
        "reasons": [],
        "mismatches": [
            {"dimension": d, "explanation": f"{name} differs on {d}."} for d in mismatches
        ],
    }


RANKING = [
    _fit("batch", "Batch processing", score=88, mismatches=("failure",)),
    _fit("streaming", "Real-time streaming", score=25, mismatches=("trigger", "granularity")),
    _fit(
        "choreography",
        "Event-driven choreography",
        score=25,
        mismatches=("trigger", "granularity", "consistency"),
        feasible=False,
    ),
]


def _chart(**overrides: Any) -> str:
    kwargs: dict[str, Any] = {
        "profile": PROFILE,
        "ranking": RANKING,
        "chosen": "streaming",
        "recommended": "batch",
    }
    kwargs.update(overrides)
    return profile_chart_svg(**kwargs)


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _text(element: ET.Element) -> str:
    return "".join(element.itertext())


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def _columns(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "pfc-column" in _classes(g)]


def _cells(column: ET.Element) -> list[ET.Element]:
    return [g for g in column.iter(f"{SVG}g") if "pfc-cell" in _classes(g)]


def _texts(element: ET.Element) -> list[str]:
    return [_text(t) for t in element.iter(f"{SVG}text")]


def test_it_is_a_well_formed_standalone_svg():
    root = _parse(_chart())

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    width, height = int(root.get("width")), int(root.get("height"))
    assert root.get("viewBox") == f"0 0 {width} {height}"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    used = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert used <= {"svg", "title", "desc", "g", "rect", "text", "tspan"}


def test_it_is_about_700_units_wide_for_three_patterns_and_grows_with_more():
    three = int(_parse(_chart()).get("width"))
    five = int(
        _parse(_chart(ranking=[*RANKING, _fit("cdc", "CDC"), _fit("api", "API")])).get("width")
    )

    assert 650 <= three <= 750
    assert five == three + 2 * COL_W


def test_it_writes_geometry_in_whole_numbers():
    root = _parse(_chart())

    for element in root.iter():
        for name in ("x", "y", "width", "height", "rx", "font-size", "stroke-width"):
            if name in element.attrib:
                assert re.fullmatch(r"-?\d+", element.get(name)), (element.tag, name)


def test_it_labels_the_rows_and_shows_the_workflows_values():
    texts = _texts(_parse(_chart()))

    for label in ("Trigger", "Granularity", "Consistency", "Failure", "This workflow"):
        assert label in texts
    for value in ("scheduled", "batch", "strong", "dead-letter"):
        assert value in texts
    assert "dead_letter" not in texts


def test_it_shows_a_dash_for_an_unset_dimension():
    texts = _texts(_parse(_chart(profile={**PROFILE, "consistency": "", "failure": None})))

    assert texts.count("—") == 2


def test_it_puts_each_patterns_name_and_fit_on_top_of_its_column():
    columns = _columns(_parse(_chart()))

    assert [col.find(f"{SVG}title").text.split(" (")[0] for col in columns] == [
        "Batch processing",
        "Real-time streaming",
        "Event-driven choreography",
    ]
    assert "fit 88%" in _texts(columns[0])
    assert "fit 25%" in _texts(columns[1])


def test_it_marks_each_cell_as_the_mismatches_say():
    columns = _columns(_parse(_chart()))

    assert len(columns) == len(RANKING)
    for column, fit in zip(columns, RANKING, strict=True):
        mismatched = {m["dimension"] for m in fit["mismatches"]}
        cells = _cells(column)
        assert len(cells) == len(DIMENSIONS)
        for cell, dimension in zip(cells, DIMENSIONS, strict=True):
            expected = "✗ mismatch" if dimension in mismatched else "✓ match"
            assert _texts(cell) == [expected]
            assert f"pfc-{dimension}" in _classes(cell)


def test_it_agrees_with_the_matching_engine():
    # Strong consistency where eventual is asked is no mismatch: batch must show "match" there.
    def spec(slug, name, profile, floor, rank):
        return PatternSpec(
            slug, name, Profile(*profile), latency_floor_seconds=floor, complexity_rank=rank
        )

    patterns = (
        spec("batch", "Batch processing", ("scheduled", "batch", "strong", "retry"), 60, 1),
        spec(
            "streaming", "Real-time streaming", ("event", "record", "eventual", "retry"), 0.001, 3
        ),
        spec(
            "choreo",
            "Event-driven choreography",
            ("event", "record", "eventual", "dead_letter"),
            1,
            2,
        ),
    )
    profile = Profile("event", "record", "eventual", "dead_letter")
    requirements = Requirements(profile=profile, max_latency_seconds=5, volume_per_day=1e6)
    result = match(requirements, patterns)
    ranking = ranking_as_data(result)  # as the snapshot freezes it, which the chart reads

    root = _parse(
        profile_chart_svg(
            profile=vars(profile), ranking=ranking, recommended=result.recommended.pattern.slug
        )
    )

    by_name = {col.find(f"{SVG}title").text.split(" (")[0]: col for col in _columns(root)}
    batch = dict(
        zip(DIMENSIONS, (_texts(c)[0] for c in _cells(by_name["Batch processing"])), strict=True)
    )
    assert batch == {
        "trigger": "✗ mismatch",
        "granularity": "✗ mismatch",
        "consistency": "✓ match",
        "failure": "✗ mismatch",
    }
    assert "infeasible" in _texts(by_name["Batch processing"])
    choreography = _texts(by_name["Event-driven choreography"])
    assert choreography.count("✓ match") == 4
    assert "★ recommended" in choreography


def test_it_explains_a_mismatch_in_the_cells_tooltip():
    streaming = _columns(_parse(_chart()))[1]

    trigger = _cells(streaming)[0]
    assert trigger.find(f"{SVG}title").text == "Real-time streaming differs on trigger."


def test_it_marks_only_the_recommended_pattern():
    columns = _columns(_parse(_chart()))

    starred = [i for i, col in enumerate(columns) if "★ recommended" in _texts(col)]
    assert starred == [0]
    assert "pfc-recommended" in _classes(columns[0])


def test_it_outlines_only_the_chosen_pattern():
    columns = _columns(_parse(_chart()))

    def outlined(column: ET.Element) -> bool:
        return any(
            rect.get("stroke") == CHOSEN and rect.get("fill") == "none"
            for rect in column.iter(f"{SVG}rect")
        )

    assert [outlined(col) for col in columns] == [False, True, False]
    assert [any("chosen" in t for t in _texts(col)) for col in columns] == [False, True, False]


def test_it_marks_nothing_without_a_recommendation_or_a_choice():
    root = _parse(_chart(chosen=None, recommended=None))

    texts = [t for col in _columns(root) for t in _texts(col)]
    assert not any("★ recommended" in t or "chosen" in t for t in texts)


def test_it_greys_infeasible_patterns():
    columns = _columns(_parse(_chart()))

    infeasible = columns[2]
    assert "infeasible" in _texts(infeasible)
    assert "pfc-infeasible" in _classes(infeasible)
    fills = {cell.find(f"{SVG}rect").get("fill") for cell in _cells(infeasible)}
    assert fills == {GREY_FILL}
    # The words stay, so that the greyed column still reads without colour.
    assert [_texts(c)[0] for c in _cells(infeasible)].count("✗ mismatch") == 3
    for feasible in columns[:2]:
        assert "infeasible" not in _texts(feasible)
        assert {cell.find(f"{SVG}rect").get("fill") for cell in _cells(feasible)} <= {
            MATCH_FILL,
            MISMATCH_FILL,
        }


HOSTILE = "<script>alert(1)</script>"
QUOTES = '"quotes" & ampersands'


def test_it_escapes_every_text_from_the_input():
    ranking = [
        {
            **_fit(HOSTILE, HOSTILE, mismatches=("trigger",)),
            "mismatches": [{"dimension": "trigger", "explanation": HOSTILE}],
        },
        _fit(QUOTES, QUOTES),
    ]
    svg = _chart(profile={**PROFILE, "trigger": HOSTILE}, ranking=ranking, chosen=QUOTES)

    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&quot;quotes&quot; &amp; ampersands" in svg
    root = _parse(svg)
    names = [col.find(f"{SVG}title").text for col in _columns(root)]
    assert names[0].startswith(HOSTILE)
    assert names[1].startswith(QUOTES)
    assert QUOTES in root.find(f"{SVG}desc").text


def test_it_uses_no_style_script_or_external_reference():
    svg = _chart(ranking=[*RANKING, _fit("x", HOSTILE, feasible=False)])
    root = _parse(svg)

    for element in root.iter():
        assert element.tag.removeprefix(SVG) not in {"style", "script", "image", "use", "a"}
        for name in element.attrib:
            assert name != "style"
            assert "href" not in name
            assert not name.startswith("on")
    assert "url(" not in svg
    assert "style" not in svg


def test_it_uses_the_dejavu_font_on_every_text():
    root = _parse(_chart())

    assert {t.get("font-family") for t in root.iter(f"{SVG}text")} == {
        "Parsecgo Sans, DejaVu Sans, sans-serif"
    }


def test_it_fits_long_names_into_their_column():
    name = "A remarkably long custom integration pattern name that never ends"
    column = _columns(_parse(_chart(ranking=[_fit("long", name)])))[0]

    name_lines = [t for t in column.iter(f"{SVG}text") if t.get("font-weight") == "bold"]
    assert 1 <= len(name_lines) <= 2
    assert name_lines[-1].text.endswith("…")
    for line in name_lines:
        assert text_width(line.text, 13, bold=True) <= COL_W - 12


@pytest.mark.parametrize("ranking", [[], None])
def test_two_charts_of_the_same_input_on_one_page_have_their_own_ids(ranking):
    """Two parts of a record not ranked yet draw the same chart: the key keeps the ids (which
    name the chart's title and description) unique on the page."""
    kwargs = {} if ranking is None else {"ranking": ranking}
    first, second = (_parse(_chart(key=key, **kwargs)) for key in ("1", "2"))

    assert first.get("aria-labelledby") != second.get("aria-labelledby")
    assert _parse(_chart(key="1", **kwargs)).get("aria-labelledby") == first.get("aria-labelledby")


def test_it_says_so_when_there_is_no_ranking():
    root = _parse(_chart(ranking=[]))

    assert _texts(root) == [EMPTY_MESSAGE]
    assert root.find(f"{SVG}desc").text == EMPTY_MESSAGE
    assert int(root.get("width")) < 500
    assert root.get("aria-labelledby")


@pytest.mark.parametrize(("count", "columns", "more"), [(12, 12, None), (15, 11, "+4 more")])
def test_it_caps_the_columns(count, columns, more):
    ranking = [_fit(f"p{i}", f"Pattern {i}") for i in range(count)]
    root = _parse(_chart(ranking=ranking, chosen="p0", recommended="p0"))

    assert len(_columns(root)) == columns
    notes = [g for g in root.iter(f"{SVG}g") if "pfc-more" in _classes(g)]
    if more is None:
        assert notes == []
    else:
        assert more in _texts(notes[0])
        assert "4 more patterns are ranked but not drawn." in root.find(f"{SVG}desc").text


def test_it_says_when_the_chosen_pattern_is_beyond_the_cap():
    ranking = [_fit(f"p{i}", f"Pattern {i}") for i in range(14)]
    root = _parse(_chart(ranking=ranking, chosen="p13", recommended="p0"))

    note = next(g for g in root.iter(f"{SVG}g") if "pfc-more" in _classes(g))
    assert "incl. the chosen one" in _texts(note)


def test_it_gives_the_same_output_for_the_same_input():
    assert _chart() == _chart()
    assert _chart() == _chart(ranking=[dict(fit) for fit in RANKING], profile=dict(PROFILE))


def test_it_gives_two_different_charts_different_ids():
    one, other = _parse(_chart()), _parse(_chart(chosen="batch"))

    ids = lambda root: {e.get("id") for e in root.iter() if e.get("id")}  # noqa: E731
    assert ids(one)
    assert ids(one).isdisjoint(ids(other))


def test_it_describes_the_chart_in_words():
    root = _parse(_chart())

    assert root.find(f"{SVG}title").text == "How 3 integration patterns fit this workflow's profile"
    desc = root.find(f"{SVG}desc").text
    assert "trigger scheduled, granularity batch, consistency strong, failure dead-letter" in desc
    assert "Batch processing (fit 88%, recommended) mismatches failure" in desc
    assert "Real-time streaming (fit 25%, chosen) mismatches trigger, granularity" in desc
    assert "(fit 25%, infeasible) mismatches trigger, granularity, consistency" in desc


def test_it_says_when_a_pattern_matches_all_four_dimensions():
    svg = _chart(ranking=[_fit("batch", "Batch processing")], chosen=None, recommended=None)

    desc = _parse(svg).find(f"{SVG}desc").text

    assert "Batch processing (fit 100%) matches all four dimensions." in desc
