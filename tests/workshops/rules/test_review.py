"""The figures noted since a decision against its recorded revisit triggers (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from workshops.rules.review import crossings, latest_figures, noted_texts

DAY = date(2027, 3, 1)
BATCH = {
    "name": "Nightly sync",
    "revisit": [
        {"dimension": "volume", "threshold": 166_666_666.7, "sentence": "volume passes 166.7 M"},
        {"dimension": "latency", "threshold": 3600.0, "sentence": "latency drops below 1 h"},
    ],
}
CHOREOGRAPHY = {
    "name": "Order events",
    "revisit": [{"dimension": "consumers", "threshold": 10, "sentence": "consumers reach 10"}],
}


@dataclass
class Note:
    volume_per_day: float | None = None
    max_latency_seconds: float | None = None
    consumers: int | None = None
    workflow_position: int = 0
    noted_on: date = DAY
    author: str = "ana"


def test_a_volume_past_the_trigger_crosses_it_and_one_under_does_not():
    (crossing,) = crossings([BATCH], [Note(volume_per_day=2e8)])
    assert crossing.trigger == "volume passes 166.7 M"
    assert crossing.sentence == (
        "volume passes 166.7 M — 200 M records a day noted on 1 Mar 2027 by ana"
    )
    assert crossings([BATCH], [Note(volume_per_day=1e8)]) == ()


def test_a_latency_needed_below_the_floor_crosses_and_the_same_floor_does_not():
    assert crossings([BATCH], [Note(max_latency_seconds=3599)])
    assert crossings([BATCH], [Note(max_latency_seconds=3600)]) == ()


def test_consumers_reaching_the_fan_out_cross_it():
    assert crossings([CHOREOGRAPHY], [Note(consumers=10)])
    assert crossings([CHOREOGRAPHY], [Note(consumers=9)]) == ()


def test_no_trigger_no_crossing_however_large_the_figure():
    # Batch records no consumer trigger: a thousand consumers say nothing about it.
    assert crossings([BATCH], [Note(consumers=1000)]) == ()


def test_a_later_note_replaces_only_the_figures_it_gives():
    notes = [Note(volume_per_day=2e8, consumers=3), Note(consumers=12)]
    latest = latest_figures(notes)
    assert latest[(0, "volume")].value == 2e8 and latest[(0, "consumers")].value == 12
    assert crossings([BATCH], [*notes, Note(volume_per_day=1e8)]) == ()


def test_a_part_is_named_and_compared_with_its_own_triggers():
    notes = [Note(consumers=12, workflow_position=1), Note(consumers=12, workflow_position=0)]
    (crossing,) = crossings([BATCH, CHOREOGRAPHY], notes)
    assert crossing.sentence.startswith("Order events: consumers reach 10 — 12 consumers")


def test_a_note_says_each_figure_it_gives():
    assert noted_texts(Note(volume_per_day=5e7, max_latency_seconds=30, consumers=1)) == (
        "volume 50 M records a day",
        "maximum latency 30 seconds",
        "1 consumer",
    )


def test_a_record_whose_triggers_are_damaged_is_read_for_what_it_holds():
    damaged = {"revisit": [{"dimension": "volume", "threshold": "lots"}, "nonsense", None]}
    assert crossings([damaged, {}], [Note(volume_per_day=1e12)]) == ()


figures = st.floats(min_value=0, max_value=1e12, allow_nan=False)


@given(low=figures, high=figures)
def test_more_volume_or_consumers_never_uncross_and_a_longer_latency_never_crosses_more(low, high):
    low, high = sorted((low, high))
    both = [BATCH, {**CHOREOGRAPHY}]
    assert len(crossings(both, [Note(volume_per_day=low)])) <= len(
        crossings(both, [Note(volume_per_day=high)])
    )
    assert len(crossings([CHOREOGRAPHY], [Note(consumers=int(low))])) <= len(
        crossings([CHOREOGRAPHY], [Note(consumers=int(high))])
    )
    assert len(crossings(both, [Note(max_latency_seconds=high)])) <= len(
        crossings(both, [Note(max_latency_seconds=low)])
    )
