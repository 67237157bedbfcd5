"""The history's bar chart: how often each pattern was chosen, drawn in proportion."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.workshops.builders import decide
from workshops.charts.history import (
    BAR_HEIGHT,
    CHART_WIDTH,
    COUNT_WIDTH,
    LABEL_CHARS,
    LABEL_WIDTH,
    pattern_chart,
)

URL = reverse("workshops:decision-list")


@pytest.mark.django_db
def test_it_charts_how_often_each_pattern_was_chosen(facilitator_client, team, facilitator):
    decide(team, facilitator, "Stock levels", pattern="batch")
    decide(team, facilitator, "Price files", pattern="batch")
    decide(team, facilitator, "Order events", pattern="streaming")
    decide(team, facilitator, "Still a draft", pattern="streaming", status="draft")
    response = facilitator_client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    # Only decisions in force count: the draft is listed, not charted.
    assert (
        'role="img" aria-label="Decisions in force per chosen pattern, parts included: '
        "Batch processing 2, " in content
    )
    assert '<tr><th scope="row">Batch processing</th><td>2</td></tr>' in content
    assert '<tr><th scope="row">Real-time streaming</th><td>1</td></tr>' in content
    assert " style=" not in content and "<script>" not in content  # CSP: no inline styles
    narrowed = facilitator_client.get(URL, {"q": "order"}).content.decode()
    assert '<tr><th scope="row">Real-time streaming</th><td>1</td></tr>' in narrowed
    assert "Batch processing</th>" not in narrowed


def test_it_draws_bars_in_proportion_and_labels_a_missing_pattern():
    chart = pattern_chart([("Batch processing", 4), ("", 1)])
    assert chart.total == 5
    assert [bar.name for bar in chart.bars] == ["Batch processing", "No pattern chosen"]
    wide, narrow = chart.bars
    assert wide.width == 4 * narrow.width
    assert narrow.y > wide.y
    assert pattern_chart([]).bars == ()


def test_it_gives_the_most_chosen_pattern_the_whole_room_and_a_single_choice_a_hairline():
    wide, thin = pattern_chart([("Batch processing", 1000), ("Real-time streaming", 1)]).bars
    assert wide.width == CHART_WIDTH - LABEL_WIDTH - COUNT_WIDTH
    assert thin.width == 2
    assert wide.count_x == LABEL_WIDTH + wide.width + 6


def test_it_shortens_a_long_label_but_keeps_the_name_whole():
    name = "A pattern an organisation named at great length"
    (bar,) = pattern_chart([(name, 3)]).bars
    assert bar.name == name
    assert len(bar.label) == LABEL_CHARS
    assert bar.label.endswith("…")
    assert name.startswith(bar.label[:-1])


def test_it_sums_up_the_bars_in_a_sentence_and_is_as_tall_as_they_are():
    chart = pattern_chart([("Batch processing", 2), ("Real-time streaming", 1)])
    assert chart.summary == (
        "Decisions in force per chosen pattern, parts included: "
        "Batch processing 2, Real-time streaming 1."
    )
    assert chart.height == chart.bars[-1].y + BAR_HEIGHT
    assert pattern_chart([]).height == BAR_HEIGHT
