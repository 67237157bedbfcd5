"""Whether a decided workflow's figures, noted since the decision, cross the revisit triggers
its frozen record holds (pure: it reads the record and the notes, and writes nothing)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from patterns.growth import TriggerDimension, figure_text, trigger_crossed
from patterns.wire import as_dict, as_dicts, as_text

KINDS: tuple[TriggerDimension, ...] = ("volume", "latency", "consumers")


class NoteLike(Protocol):
    """What a note of figures gives (workshops.models.FigureNote)."""

    workflow_position: int
    noted_on: date
    author: str
    volume_per_day: float | None
    max_latency_seconds: float | None
    consumers: int | None


@dataclass(frozen=True)
class NotedFigure:
    kind: TriggerDimension
    value: float  # records a day, seconds, consumers
    noted_on: date
    author: str

    @property
    def text(self) -> str:
        return figure_text(self.kind, self.value)


@dataclass(frozen=True)
class Crossing:
    """A recorded trigger that a figure noted since has crossed."""

    workflow: str  # the workflow's name when the record has parts, else ""
    trigger: str  # "volume passes 16.7 M records a day"
    noted: NotedFigure

    @property
    def sentence(self) -> str:
        where = f"{self.workflow}: " if self.workflow else ""
        return (
            f"{where}{self.trigger} — {self.noted.text} noted on "
            f"{self.noted.noted_on:%-d %b %Y} by {self.noted.author}"
        )


def _figures(note: NoteLike) -> Iterable[tuple[TriggerDimension, float | None]]:
    yield "volume", note.volume_per_day
    yield "latency", note.max_latency_seconds
    yield "consumers", None if note.consumers is None else float(note.consumers)


FIGURE_LABELS = {"volume": "volume", "latency": "maximum latency", "consumers": ""}


def noted_texts(note: NoteLike) -> tuple[str, ...]:
    """What a note says, figure by figure: 'volume 40 M records a day', '12 consumers'."""
    return tuple(
        " ".join(filter(None, (FIGURE_LABELS[kind], figure_text(kind, value))))
        for kind, value in _figures(note)
        if value is not None
    )


def latest_figures(notes: Iterable[NoteLike]) -> dict[tuple[int, TriggerDimension], NotedFigure]:
    """The latest noted figure of each kind for each workflow: a later note replaces an
    earlier one's figure (a correction, or today's reading), and leaves the others standing.
    `notes` come oldest first, as FigureNote's ordering gives them."""
    latest: dict[tuple[int, TriggerDimension], NotedFigure] = {}
    for note in notes:
        for kind, value in _figures(note):
            if value is not None:
                latest[(note.workflow_position, kind)] = NotedFigure(
                    kind=kind, value=value, noted_on=note.noted_on, author=note.author
                )
    return latest


def revisit_fields(notes: Iterable[Any]) -> dict[int, dict[str, Any]]:
    """What a revisit of the decision starts from instead of the recorded figures, by
    workflow: the latest noted volume, latency (each in the unit it was noted in) and
    consumers. `notes` are FigureNote rows, oldest first."""
    fields: dict[int, dict[str, Any]] = {}
    for note in notes:
        mine = fields.setdefault(note.workflow_position, {})
        if note.volume_value is not None:
            mine |= {"volume_value": note.volume_value, "volume_unit": note.volume_unit}
        if note.latency_value is not None:
            mine |= {"latency_value": note.latency_value, "latency_unit": note.latency_unit}
        if note.consumers is not None:
            mine["consumers"] = note.consumers
    return fields


def crossings(
    workflows: Sequence[Mapping[str, Any]], notes: Iterable[NoteLike]
) -> tuple[Crossing, ...]:
    """Each of the record's triggers that the latest noted figure of its kind crosses, in the
    record's order: its workflows (`snapshot["workflows"]`), then each one's triggers."""
    latest = latest_figures(notes)
    named = len(workflows) > 1
    found = []
    for position, workflow in enumerate(workflows):
        for trigger in as_dicts(workflow.get("revisit")):
            kind = trigger.get("dimension")
            threshold = trigger.get("threshold")
            noted = latest.get((position, kind))  # type: ignore[arg-type]
            if noted is None or not isinstance(threshold, int | float):
                continue
            if trigger_crossed(kind, float(threshold), noted.value):
                found.append(
                    Crossing(
                        workflow=as_text(workflow.get("name")) if named else "",
                        trigger=as_text(trigger.get("sentence")),
                        noted=noted,
                    )
                )
    return tuple(found)


def workflow_names(record: Mapping[str, Any]) -> list[str]:
    """The record's workflows by position, as a note names the one it is about."""
    return [as_text(w.get("name")) for w in as_dicts(as_dict(record).get("workflows"))]
