"""The profile chart: an SVG matrix of how each ranked pattern fits a workflow's four dimensions."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from patterns.matching import DIMENSIONS

DIMENSION_LABELS: dict[str, str] = {
    "trigger": "Trigger",
    "granularity": "Granularity",
    "consistency": "Consistency",
    "failure": "Failure",
}
UNSET = "—"
EMPTY_MESSAGE = "No ranking yet: profile the workflow first."
# Beyond this many pattern columns the chart stops being readable on a page: the last column
# then says how many more patterns the ranking holds.
MAX_COLUMNS = 12

# "Parsecgo Sans" is the shipped DejaVu Sans the PDF loads by that name (a system font of the
# same family would win otherwise); browsers fall back to DejaVu Sans or their sans-serif.
FONT = "Parsecgo Sans, DejaVu Sans, sans-serif"
INK = "#1f2937"
MUTED = "#4b5563"
RULE = "#9ca3af"
MATCH_FILL, MATCH_STROKE, MATCH_INK = "#dcfce7", "#15803d", "#14532d"
MISMATCH_FILL, MISMATCH_STROKE, MISMATCH_INK = "#fee2e2", "#b91c1c", "#7f1d1d"
GREY_BACK, GREY_FILL, GREY_STROKE, GREY_INK = "#f3f4f6", "#e5e7eb", "#6b7280", "#374151"
STAR_FILL, STAR_STROKE, STAR_INK = "#fef3c7", "#b45309", "#78350f"
CHOSEN = "#1d4ed8"

# Geometry, in whole SVG user units: the markup stays short and exact, and edges stay crisp.
PAD = 16
LABEL_W = 104  # the dimension names
VALUE_W = 124  # the "This workflow" column
COL_W = 150  # one pattern
CELL_INSET = 6  # each side of a cell, inside its column
BADGE_H = 22  # "★ recommended"
NAME_LINE_H = 16
NAME_LINES = 2
FIT_H = 17
STATUS_H = 17  # "infeasible"
HEADER_H = BADGE_H + NAME_LINES * NAME_LINE_H + FIT_H + STATUS_H + 6
ROW_H = 40
CELL_H = 32
FOOTER_H = 24  # "chosen", under the outlined column
LEGEND_LINE_H = 24

# Approximate advance widths of DejaVu Sans, in ems (measured from the font): the chart is
# built without the font at hand, so a name is wrapped on an estimate that errs on the wide
# side rather than on a measurement.
_NARROW = frozenset(" ,.:;'!|iljIJ·")
_SLIM = frozenset('frt()[]-/\\"')
_MEDIUM = frozenset("csz?_*`")
_WIDE = frozenset("mwMW%@")
BOLD_FACTOR = 1.12


def _em_width(char: str) -> float:
    if char in _NARROW:
        return 0.32
    if char in _SLIM:
        return 0.42
    if char in _MEDIUM:
        return 0.56
    if char in _WIDE:
        return 1.0
    if not char.isascii():
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        # Accented letters are as wide as plain ones; symbols and ideographs take a full em.
        return 0.64 if char.isalnum() and not wide else 1.0
    return 0.76 if char.isupper() else 0.64


def text_width(text: str, size: int, *, bold: bool = False) -> float:
    """The estimated width of `text` at `size` units, in SVG user units."""
    return sum(_em_width(c) for c in text) * size * (BOLD_FACTOR if bold else 1.0)


def _fit_chars(text: str, width: float, size: int, *, bold: bool) -> str:
    """`text`, cut with an ellipsis so that it fits in `width`."""
    if text_width(text, size, bold=bold) <= width:
        return text
    while text and text_width(text + "…", size, bold=bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap_text(
    text: str, width: float, size: int, *, bold: bool = False, lines: int = 2
) -> list[str]:
    """`text` in at most `lines` lines that each fit in `width`; the last one cut if need be."""
    words = text.split()
    result: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold) <= width:
            current = candidate
            continue
        if current:
            result.append(current)
        # A word wider than the column is broken after its last "/" or "-" that fits, or
        # else where it has to be.
        while text_width(word, size, bold=bold) > width:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], size, bold=bold) > width:
                cut -= 1
            soft = max(word.rfind("/", 0, cut), word.rfind("-", 0, cut)) + 1
            cut = soft if soft > 1 else cut
            result.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        result.append(current)
    if len(result) > lines:
        result = [
            *result[: lines - 1],
            _fit_chars(" ".join(result[lines - 1 :]) + "…", width, size, bold=bold),
        ]
    return result or [""]


def _baseline(center: int, size: int) -> int:
    # Text sits on an alphabetic baseline about a third of its size under the middle; this
    # avoids dominant-baseline, which not every SVG renderer (PDF ones especially) honours.
    return center + (size * 35 + 50) // 100


def _text(
    x: int,
    y: int,
    content: Any,
    *,
    size: int = 12,
    bold: bool = False,
    anchor: str = "middle",
    fill: str = INK,
) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" font-family="{}" font-size="{}" font-weight="{}" '
        'text-anchor="{}" fill="{}">{}</text>',
        x,
        y,
        FONT,
        size,
        "bold" if bold else "normal",
        anchor,
        fill,
        content,
    )


def _rect(
    x: int,
    y: int,
    width: int,
    height: int,
    *,
    fill: str = "none",
    stroke: str = "none",
    stroke_width: int = 1,
    rx: int = 0,
    dashed: bool = False,
) -> SafeString:
    dash = format_html(' stroke-dasharray="{}"', "6 4") if dashed else ""
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{}" stroke="{}" '
        'stroke-width="{}"{}/>',
        x,
        y,
        width,
        height,
        rx,
        fill,
        stroke,
        stroke_width,
        dash,
    )


def _join(parts: Iterable[Any]) -> SafeString:
    # Every part is built by format_html; anything that is not would be escaped here.
    return format_html_join("", "{}", ((part,) for part in parts))


def _value_label(value: Any) -> str:
    if value is None or value == "":
        return UNSET
    return str(value).replace("_", "-")


def _percent(score: Any) -> str:
    if isinstance(score, bool) or not isinstance(score, int | float):
        return UNSET
    return f"{min(max(int(score + 0.5), 0), 100)}%"


@dataclass(frozen=True)
class _Column:
    slug: str
    name: str
    feasible: bool
    fit: str  # "88%"
    mismatched: dict[str, str]  # dimension -> explanation, for the dimensions that mismatch
    recommended: bool
    chosen: bool

    @property
    def mismatch_dimensions(self) -> list[str]:
        return [d for d in DIMENSIONS if d in self.mismatched]

    def sentence(self) -> str:
        marks = [f"fit {self.fit}"]
        marks += ["recommended"] if self.recommended else []
        marks += ["chosen"] if self.chosen else []
        marks += [] if self.feasible else ["infeasible"]
        dims = self.mismatch_dimensions
        verdict = f"mismatches {', '.join(dims)}" if dims else "matches all four dimensions"
        return f"{self.name} ({', '.join(marks)}) {verdict}"


def _column(fit: Mapping[str, Any], *, chosen: str | None, recommended: str | None) -> _Column:
    slug = str(fit.get("pattern") or "")
    mismatched: dict[str, str] = {}
    for mismatch in fit.get("mismatches") or ():
        dimension = mismatch.get("dimension")
        if dimension in DIMENSION_LABELS and dimension not in mismatched:
            mismatched[dimension] = str(mismatch.get("explanation") or "")
    return _Column(
        slug=slug,
        name=str(fit.get("name") or slug or "Unnamed pattern"),
        feasible=bool(fit.get("feasible", True)),
        fit=_percent(fit.get("score")),
        mismatched=mismatched,
        recommended=bool(slug) and slug == recommended,
        chosen=bool(slug) and slug == chosen,
    )


def _chart_id(
    profile: Mapping[str, str],
    ranking: Sequence[Mapping[str, Any]],
    chosen: str | None,
    recommended: str | None,
    key: str = "",
) -> str:
    # Derived from the input, so that two charts on one page get different ids and the same
    # chart always gets the same one; `key` tells apart two charts of the same input (two
    # parts not ranked yet) on one page.
    inputs = [dict(profile), [dict(fit) for fit in ranking], chosen, recommended]
    data = json.dumps(
        inputs + ([key] if key else []),
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return "pfc-" + hashlib.sha256(data.encode()).hexdigest()[:12]


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: Any) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {} {}" '
        'width="{}" height="{}" role="img" aria-labelledby="{}-title {}-desc" class="pfc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        width,
        height,
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        body,
    )


def _empty_chart(chart_id: str) -> SafeString:
    width, height = 420, 64
    body = _join(
        [
            _rect(1, 1, width - 2, height - 2, fill="#f9fafb", stroke=RULE, rx=8, dashed=True),
            _text(width // 2, _baseline(height // 2, 14), EMPTY_MESSAGE, size=14, fill=MUTED),
        ]
    )
    return _svg(chart_id, width, height, "Pattern fit: no ranking yet", EMPTY_MESSAGE, body)


def _row_label_and_value(row: int, dimension: str, value: Any, top: int) -> SafeString:
    center = top + row * ROW_H + ROW_H // 2
    cell_x = PAD + LABEL_W + CELL_INSET
    cell_w = VALUE_W - 2 * CELL_INSET
    label = _value_label(value)
    return _join(
        [
            _text(
                PAD,
                _baseline(center, 13),
                DIMENSION_LABELS[dimension],
                size=13,
                bold=True,
                anchor="start",
            ),
            _rect(cell_x, center - CELL_H // 2, cell_w, CELL_H, fill="#ffffff", stroke=RULE, rx=4),
            _text(
                cell_x + cell_w // 2,
                _baseline(center, 13),
                _fit_chars(label, cell_w - 8, 13, bold=False),
                size=13,
                fill=INK if label != UNSET else MUTED,
            ),
        ]
    )


def _cell(column: _Column, row: int, dimension: str, x: int, top: int) -> SafeString:
    center = top + row * ROW_H + ROW_H // 2
    mismatch = dimension in column.mismatched
    if not column.feasible:
        fill, stroke, ink = GREY_FILL, GREY_STROKE, GREY_INK
    elif mismatch:
        fill, stroke, ink = MISMATCH_FILL, MISMATCH_STROKE, MISMATCH_INK
    else:
        fill, stroke, ink = MATCH_FILL, MATCH_STROKE, MATCH_INK
    word = "mismatch" if mismatch else "match"
    if mismatch:
        hint = column.mismatched[dimension] or f"{column.name} mismatches on {dimension}."
    else:
        hint = f"{column.name} matches on {dimension}."
    glyph = format_html(
        '<tspan font-size="15" font-weight="bold">{}</tspan>', "✗" if mismatch else "✓"
    )
    return format_html(
        '<g class="pfc-cell pfc-{} pfc-{}"><title>{}</title>{}{}</g>',
        word,
        dimension,
        hint,
        _rect(
            x + CELL_INSET,
            center - CELL_H // 2,
            COL_W - 2 * CELL_INSET,
            CELL_H,
            fill=fill,
            stroke=stroke,
            stroke_width=2 if mismatch else 1,
            rx=4,
            dashed=not column.feasible,
        ),
        _text(
            x + COL_W // 2,
            _baseline(center, 13),
            format_html("{} {}", glyph, word),
            size=13,
            fill=ink,
        ),
    )


def _pattern_column(column: _Column, index: int, grid_top: int) -> SafeString:
    x = PAD + LABEL_W + VALUE_W + index * COL_W
    middle = x + COL_W // 2
    ink = INK if column.feasible else GREY_INK
    parts: list[Any] = []
    if not column.feasible:
        parts.append(_rect(x + 2, PAD, COL_W - 4, grid_top + 4 * ROW_H - PAD, fill=GREY_BACK, rx=8))
    if column.recommended:
        badge_w = 116
        parts += [
            _rect(
                middle - badge_w // 2,
                PAD + 1,
                badge_w,
                BADGE_H - 4,
                fill=STAR_FILL,
                stroke=STAR_STROKE,
                rx=9,
            ),
            _text(
                middle,
                _baseline(PAD + (BADGE_H - 2) // 2, 11),
                "★ recommended",
                size=11,
                bold=True,
                fill=STAR_INK,
            ),
        ]
    lines = wrap_text(column.name, COL_W - 2 * CELL_INSET - 4, 13, bold=True, lines=NAME_LINES)
    # Names sit on the lower lines, so that a one-line name stays next to its score.
    first_line = NAME_LINES - len(lines)
    for offset, line in enumerate(lines):
        center = PAD + BADGE_H + (first_line + offset) * NAME_LINE_H + NAME_LINE_H // 2
        parts.append(_text(middle, _baseline(center, 13), line, size=13, bold=True, fill=ink))
    fit_center = PAD + BADGE_H + NAME_LINES * NAME_LINE_H + FIT_H // 2
    parts.append(_text(middle, _baseline(fit_center, 12), f"fit {column.fit}", size=12, fill=ink))
    if not column.feasible:
        status_center = fit_center + FIT_H
        parts.append(
            _text(
                middle,
                _baseline(status_center, 12),
                "infeasible",
                size=12,
                bold=True,
                fill=GREY_INK,
            )
        )
    parts += [_cell(column, row, d, x, grid_top) for row, d in enumerate(DIMENSIONS)]
    if column.chosen:
        bottom = grid_top + 4 * ROW_H + FOOTER_H
        parts += [
            _rect(
                x + 1, PAD - 3, COL_W - 2, bottom - PAD + 3, stroke=CHOSEN, stroke_width=3, rx=10
            ),
            _text(
                middle,
                _baseline(bottom - FOOTER_H // 2 - 1, 12),
                "◆ chosen",
                size=12,
                bold=True,
                fill=CHOSEN,
            ),
        ]
    classes = "pfc-column" + ("" if column.feasible else " pfc-infeasible")
    classes += " pfc-recommended" if column.recommended else ""
    classes += " pfc-chosen" if column.chosen else ""
    return format_html(
        '<g class="{}"><title>{}</title>{}</g>',
        classes,
        column.sentence(),
        _join(parts),
    )


def _more_column(hidden: int, chosen_hidden: bool, index: int, grid_top: int) -> SafeString:
    x = PAD + LABEL_W + VALUE_W + index * COL_W
    middle = x + COL_W // 2
    top = PAD + BADGE_H
    bottom = grid_top + 4 * ROW_H
    center = (top + bottom) // 2
    parts: list[Any] = [
        _rect(
            x + CELL_INSET,
            top,
            COL_W - 2 * CELL_INSET,
            bottom - top,
            fill="#f9fafb",
            stroke=RULE,
            rx=6,
            dashed=True,
        ),
        _text(middle, _baseline(center - 12, 16), f"+{hidden} more", size=16, bold=True, fill=INK),
        _text(middle, _baseline(center + 10, 11), "not drawn here", size=11, fill=MUTED),
    ]
    if chosen_hidden:
        parts.append(
            _text(middle, _baseline(center + 26, 11), "incl. the chosen one", size=11, fill=CHOSEN)
        )
    return format_html('<g class="pfc-more">{}</g>', _join(parts))


def _legend(width: int, top: int) -> tuple[SafeString, int]:
    """The key under the matrix, flowed into as many lines as the width needs."""
    items: list[tuple[str, Any]] = [
        ("match", lambda x, y: _rect(x, y, 14, 14, fill=MATCH_FILL, stroke=MATCH_STROKE, rx=3)),
        (
            "mismatch",
            lambda x, y: _rect(
                x, y, 14, 14, fill=MISMATCH_FILL, stroke=MISMATCH_STROKE, stroke_width=2, rx=3
            ),
        ),
        ("recommended", lambda x, y: _rect(x, y, 14, 14, fill=STAR_FILL, stroke=STAR_STROKE, rx=7)),
        ("chosen", lambda x, y: _rect(x, y, 14, 14, stroke=CHOSEN, stroke_width=3, rx=3)),
        (
            "infeasible",
            lambda x, y: _rect(x, y, 14, 14, fill=GREY_FILL, stroke=GREY_STROKE, rx=3, dashed=True),
        ),
    ]
    glyphs = {
        "match": "✓ ",
        "mismatch": "✗ ",
        "recommended": "★ ",
        "chosen": "◆ ",
        "infeasible": "",
    }
    parts: list[Any] = []
    x, line = PAD, 0
    for label, swatch in items:
        text = glyphs[label] + label
        item_w = 14 + 6 + int(text_width(text, 12)) + 18
        if x > PAD and x + item_w > width - PAD:
            x, line = PAD, line + 1
        y = top + line * LEGEND_LINE_H
        parts += [
            swatch(x, y + 3),
            _text(x + 20, _baseline(y + 10, 12), text, size=12, anchor="start", fill=MUTED),
        ]
        x += item_w
    return format_html('<g class="pfc-legend">{}</g>', _join(parts)), (line + 1) * LEGEND_LINE_H


def _description(profile: Mapping[str, str], columns: Sequence[_Column], hidden: int) -> str:
    values = ", ".join(
        f"{d} {_value_label(profile.get(d))}" if profile.get(d) else f"{d} not set"
        for d in DIMENSIONS
    )
    sentences = [
        f"This workflow's profile: {values}.",
        "; ".join(c.sentence() for c in columns) + ".",
    ]
    if hidden:
        sentences.append(
            f"{hidden} more {'pattern is' if hidden == 1 else 'patterns are'} ranked but not drawn."
        )
    return " ".join(sentences)


def profile_chart_svg(
    *,
    profile: Mapping[str, str],
    ranking: Sequence[Mapping[str, Any]],
    chosen: str | None = None,
    recommended: str | None = None,
    key: str = "",
) -> SafeString:
    """A standalone SVG matrix: the workflow's value on each dimension, and for each ranked
    pattern its fit score and whether it matches or mismatches that dimension.

    `profile` and `ranking` have the shapes of a workflow in the frozen record (see
    workshops.snapshot); `chosen` and `recommended` are pattern slugs; `key` makes the chart's
    ids differ from another chart's of the same input on the same page.
    """
    chart_id = _chart_id(profile, ranking, chosen, recommended, key)
    if not ranking:
        return _empty_chart(chart_id)

    shown = ranking if len(ranking) <= MAX_COLUMNS else ranking[: MAX_COLUMNS - 1]
    hidden = len(ranking) - len(shown)
    columns = [_column(fit, chosen=chosen, recommended=recommended) for fit in shown]
    chosen_hidden = bool(chosen) and hidden > 0 and not any(c.chosen for c in columns)

    width = 2 * PAD + LABEL_W + VALUE_W + (len(columns) + (1 if hidden else 0)) * COL_W
    grid_top = PAD + HEADER_H
    legend_top = grid_top + 4 * ROW_H + FOOTER_H + 8
    legend, legend_h = _legend(width, legend_top)
    height = legend_top + legend_h + PAD - 8

    workflow_center = PAD + BADGE_H + NAME_LINES * NAME_LINE_H - NAME_LINE_H // 2
    value_middle = PAD + LABEL_W + VALUE_W // 2
    parts: list[Any] = [
        _rect(0, 0, width, height, fill="#ffffff"),
        _text(value_middle, _baseline(workflow_center, 13), "This workflow", size=13, bold=True),
        _text(value_middle, _baseline(workflow_center + FIT_H, 12), "profile", size=12, fill=MUTED),
        *(
            _row_label_and_value(row, d, profile.get(d), grid_top)
            for row, d in enumerate(DIMENSIONS)
        ),
        *(_pattern_column(column, index, grid_top) for index, column in enumerate(columns)),
    ]
    if hidden:
        parts.append(_more_column(hidden, chosen_hidden, len(columns), grid_top))
    parts.append(legend)

    count = len(ranking)
    fits = "pattern fits" if count == 1 else "patterns fit"
    title = f"How {count} integration {fits} this workflow's profile"
    return _svg(
        chart_id, width, height, title, _description(profile, columns, hidden), _join(parts)
    )


@dataclass(frozen=True)
class FitRow:
    """One pattern of the chart as a table row: its fit and, per dimension, whether it
    matches the workflow's profile."""

    name: str
    slug: str
    fit: str
    marks: str  # "recommended, chosen, infeasible", as the chart's badges say
    cells: tuple[str, ...]  # "matches" or "mismatch", in DIMENSIONS order


@dataclass(frozen=True)
class FitMatrix:
    """The profile chart's content as a table, in reading order: the text equivalent of the
    SVG, whose labels come out of a PDF in drawing order."""

    dimensions: tuple[str, ...]  # the column headings
    profile: tuple[str, ...]  # the workflow's value on each dimension
    rows: tuple[FitRow, ...]  # every ranked pattern, the ones the chart leaves out too


def profile_fit_matrix(
    *,
    profile: Mapping[str, str],
    ranking: Sequence[Mapping[str, Any]],
    chosen: str | None = None,
    recommended: str | None = None,
) -> FitMatrix:
    """What profile_chart_svg draws, as rows and cells (same inputs)."""
    rows = []
    for fit in ranking:
        column = _column(fit, chosen=chosen, recommended=recommended)
        marks = [
            mark
            for mark, on in (
                ("recommended", column.recommended),
                ("chosen", column.chosen),
                ("infeasible", not column.feasible),
            )
            if on
        ]
        rows.append(
            FitRow(
                name=column.name,
                slug=column.slug,
                fit=column.fit,
                marks=", ".join(marks),
                cells=tuple(
                    "mismatch" if d in column.mismatched else "matches" for d in DIMENSIONS
                ),
            )
        )
    return FitMatrix(
        dimensions=tuple(DIMENSION_LABELS[d] for d in DIMENSIONS),
        profile=tuple(_value_label(profile.get(d)) for d in DIMENSIONS),
        rows=tuple(rows),
    )
