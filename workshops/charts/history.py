"""The history's picture: how often each pattern is chosen in the decisions in force, as
horizontal SVG bars."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.text import Truncator

# In SVG user units.
CHART_WIDTH = 640
LABEL_WIDTH = 220  # the pattern names, left of the bars
COUNT_WIDTH = 60  # the numbers, right of the bars
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_CHARS = 30
NO_PATTERN = "No pattern chosen"


@dataclass(frozen=True)
class ChartBar:
    name: str
    label: str  # the name, shortened to fit beside the bar
    count: int
    y: int
    # Whole units: a float would be drawn with the active locale's decimal separator.
    width: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2

    @property
    def count_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class PatternChart:
    bars: tuple[ChartBar, ...]
    total: int  # choices counted: a hybrid counts under each pattern it chose
    width: int = CHART_WIDTH
    bar_x: int = LABEL_WIDTH
    label_x: int = LABEL_WIDTH - 8
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(len(self.bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, BAR_HEIGHT)

    @property
    def summary(self) -> str:
        parts = ", ".join(f"{bar.name} {bar.count}" for bar in self.bars)
        return f"Decisions in force per chosen pattern, parts included: {parts}."


def pattern_chart(counts: Sequence[tuple[str, int]]) -> PatternChart:
    """Bars as long as each pattern's share of the most chosen one."""
    most = max((n for _, n in counts), default=0)
    room = CHART_WIDTH - LABEL_WIDTH - COUNT_WIDTH
    bars = []
    for row, (name, count) in enumerate(counts):
        name = name or NO_PATTERN
        bars.append(
            ChartBar(
                name=name,
                label=Truncator(name).chars(LABEL_CHARS),
                count=count,
                y=row * (BAR_HEIGHT + BAR_GAP),
                # Never thinner than a hairline, so that a count of one still shows a bar.
                width=max(round(room * count / most), 2),
            )
        )
    return PatternChart(bars=tuple(bars), total=sum(n for _, n in counts))
