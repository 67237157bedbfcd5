"""The decision history: its filter form, the filtered and sorted list, and the pattern chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import Truncator

from patterns.selectors import patterns_all
from workshops.models import Decision, Team

PAGE_SIZE = 25
UNLISTED_FIELDS = ("snapshot", "search_text", "rationale", "consequences")

# Each sort ends on the primary key, so that rows with equal keys keep one order across pages.
SORTS: dict[str, tuple[Any, ...]] = {  # key: (label, *ordering)
    "newest": ("Newest first", "-created_at", "-id"),
    "oldest": ("Oldest first", "created_at", "id"),
    "title": ("Title A–Z", Lower("title"), "id"),
    "review": ("Review date, soonest first", F("review_date").asc(nulls_last=True), "id"),
}
DEFAULT_SORT = "newest"
FIELD_ORDER = ("q", "pattern", "status", "team", "from", "to", "review_due", "sort")


@dataclass(frozen=True)
class DecisionFilters:
    """What the list is narrowed to; a field whose input was invalid is simply not applied."""

    words: tuple[str, ...] = ()
    pattern: str = ""
    status: str = ""
    team_id: int | None = None
    created_from: date | None = None
    created_to: date | None = None
    review_due: bool = False
    sort: str = DEFAULT_SORT

    @property
    def narrowed(self) -> bool:
        return bool(
            self.words
            or self.pattern
            or self.status
            or self.team_id
            or self.created_from
            or self.created_to
            or self.review_due
        )


def pattern_choices() -> list[tuple[str, str]]:
    """The catalogue's patterns as (slug, name), in one query."""
    return list(patterns_all().values_list("slug", "name"))


class DecisionFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Title, systems, description"}
        ),
    )
    pattern = forms.ChoiceField(label="Chosen pattern", required=False)
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Decision.Status.choices]
    )
    team = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    review_due = forms.BooleanField(label="Due for review", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, *_) in SORTS.items()],
    )

    def __init__(
        self, data=None, *, patterns: Sequence[tuple[str, str]], teams: Sequence[Team], **kwargs
    ):
        super().__init__(data, **kwargs)
        # "from" and "to" are what people see in the address bar; "from" cannot be a class
        # attribute, so both date fields are added here.
        for name, label in (("from", "Recorded from"), ("to", "Recorded until")):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        self.fields["pattern"].choices = [("", "Any pattern"), *patterns]
        self.fields["team"].choices = [("", "All my teams"), *((t.pk, t.name) for t in teams)]
        self.order_fields(FIELD_ORDER)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", "This date is before the “from” date.")
        return cleaned

    def filters(self) -> DecisionFilters:
        """The filters from the fields that are valid; the others fall back to no filter."""
        self.is_valid()
        data = self.cleaned_data
        return DecisionFilters(
            words=tuple((data.get("q") or "").split()),
            pattern=data.get("pattern") or "",
            status=data.get("status") or "",
            team_id=data.get("team"),
            created_from=data.get("from"),
            created_to=data.get("to"),
            review_due=bool(data.get("review_due")),
            sort=data.get("sort") or DEFAULT_SORT,
        )


def _start_of_day(day: date) -> datetime:
    # A range on the column itself, not on created_at__date, keeps its index usable.
    return timezone.make_aware(datetime.combine(day, time.min))


def decisions_filtered(
    decisions: QuerySet[Decision], filters: DecisionFilters, *, today: date
) -> QuerySet[Decision]:
    """Narrow and sort `decisions`, which the caller has already limited to what its user sees."""
    for word in filters.words:
        decisions = decisions.filter(Q(title__icontains=word) | Q(search_text__icontains=word))
    if filters.pattern:
        decisions = decisions.filter(chosen_pattern=filters.pattern)
    if filters.status:
        decisions = decisions.filter(status=filters.status)
    if filters.team_id:
        decisions = decisions.filter(team_id=filters.team_id)
    if filters.created_from:
        decisions = decisions.filter(created_at__gte=_start_of_day(filters.created_from))
    if filters.created_to:
        decisions = decisions.filter(
            created_at__lt=_start_of_day(filters.created_to + timedelta(days=1))
        )
    if filters.review_due:
        decisions = decisions.filter(status=Decision.Status.ACCEPTED, review_date__lte=today)
    _label, *ordering = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    return decisions.order_by(*ordering)


def pattern_counts(decisions: QuerySet[Decision]) -> list[tuple[str, int]]:
    """How many of `decisions` chose each pattern, most chosen first, in one query."""
    return list(
        decisions.order_by()
        .values_list("chosen_pattern_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "chosen_pattern_name")
    )


def page_numbers(page: Page) -> list[int | str]:
    """The page links to offer: both ends and the pages around this one, "…" between."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def decisions_page(decisions: QuerySet[Decision], *, number: Any, total: int) -> Page:
    """One page of `decisions` (a bad or too large number gives the nearest page).

    `total` is the number of decisions, known from the chart's counts, which add up to it:
    passing it saves a COUNT over the whole filtered history on every request.
    """
    # The list shows none of the long texts: leave the frozen record and the search text in
    # the database.
    paginator = Paginator(decisions.defer(*UNLISTED_FIELDS), PAGE_SIZE)
    paginator.count = total  # Paginator.count is a cached_property: this is its cached value
    return paginator.get_page(number)


# --- The chart: horizontal bars in SVG user units ---------------------------------------------

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
    total: int
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
        return f"Decisions per chosen pattern: {parts}."


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
