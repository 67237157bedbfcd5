"""The PDF's growth table: records with more and more text, each drawn in a process of its
own (its peak memory is that draw's), against the hello PDF drawn in the same process.

`python -m bench.pdf_growth` prints the table alone; `python -m bench` prints it after the
other document figures. Each draw has a time limit, so a quadratic cost that comes back
shows as "over N s" instead of holding the bench for an hour.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

TIME_LIMIT_S = 120.0
LARGEST_TARGET_S = 15.0  # 100,000 characters across a record's fields
MEMORY_TARGET_MB = 250.0
GROWTH_TARGET = 10.0  # ten times the text costs at most this many times the time

SENTENCE = "the nightly batch must finish before the stores open and retries are cheap "
# The free-text fields of a workflow a record prints, besides the phase-2 notes.
WORKFLOW_TEXT = ("description", "data_elements", "prototype_data_subset")
NOTES = ("trigger_notes", "granularity_notes", "consistency_notes", "failure_notes")
# And the decision's own, and the chosen pattern's risk: ten fields in all.
DECISION_TEXT = ("rationale", "consequences", "risk_mitigation")
ALL_FIELDS = WORKFLOW_TEXT + NOTES + DECISION_TEXT


@dataclass(frozen=True)
class GrowthCase:
    kind: str  # "notes", "fields", "unbroken"
    characters: int
    quick: bool = False  # also in a quick run

    @property
    def name(self) -> str:
        size = f"{self.characters:,}"
        if self.kind == "notes":
            return f"{size} chars of words in the phase-2 notes"
        if self.kind == "fields":
            return f"{size} chars of words across 10 fields"
        if self.kind == "unbroken7":
            return f"7 fields of {self.characters // 7:,} unbroken chars"
        return f"{size} unbroken chars across 10 fields"


CASES: tuple[GrowthCase, ...] = (
    GrowthCase("notes", 0, quick=True),
    GrowthCase("notes", 1_000, quick=True),
    GrowthCase("notes", 2_000),
    GrowthCase("notes", 5_000),
    GrowthCase("notes", 10_000, quick=True),
    GrowthCase("notes", 100_000),
    GrowthCase("unbroken7", 21_000),
    GrowthCase("fields", 10_000),
    GrowthCase("fields", 100_000, quick=True),
    GrowthCase("unbroken", 10_000),
    GrowthCase("unbroken", 100_000),
)


@dataclass(frozen=True)
class GrowthResult:
    case: GrowthCase
    seconds: float | None  # None: past the time limit, or the draw failed
    hello_seconds: float | None
    pages: int | None
    peak_mb: float | None
    error: str = ""

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.hello_seconds:
            return None
        return self.seconds / self.hello_seconds


def case_fields(case: GrowthCase) -> dict[str, str]:
    """The text each field holds for `case`."""
    if case.kind == "notes":
        return {"trigger_notes": _words(case.characters)} if case.characters else {}
    if case.kind == "unbroken7":
        fields = (*WORKFLOW_TEXT, *NOTES)
        return {field: "x" * (case.characters // len(fields)) for field in fields}
    each = case.characters // len(ALL_FIELDS)
    text = _words(each) if case.kind == "fields" else "x" * each
    return dict.fromkeys(ALL_FIELDS, text)


def _words(length: int) -> str:
    return (SENTENCE * (length // len(SENTENCE) + 1))[:length]


def run_growth_bench(*, quick: bool = False) -> tuple[GrowthResult, ...]:
    """Each case in a process of its own, on the database the environment names."""
    return tuple(_run_case(case) for case in CASES if case.quick or not quick)


def _run_case(case: GrowthCase) -> GrowthResult:
    command = [sys.executable, "-m", "bench.pdf_growth", "--draw", case.kind, str(case.characters)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIME_LIMIT_S, env=os.environ.copy()
        )
    except subprocess.TimeoutExpired:
        return GrowthResult(case, None, None, None, None, f"over {TIME_LIMIT_S:.0f} s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return GrowthResult(case, None, None, None, None, f"failed: {last}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return GrowthResult(case, **figures)


def growth_ratios(results: Sequence[GrowthResult]) -> list[tuple[GrowthResult, GrowthResult]]:
    """Pairs of the same kind whose text differs tenfold (1,000 and 10,000 characters...)."""
    by_size = {(r.case.kind, r.case.characters): r for r in results}
    return [
        (small, by_size[(small.case.kind, small.case.characters * 10)])
        for small in results
        if small.case.characters and (small.case.kind, small.case.characters * 10) in by_size
    ]


def growth_met(results: Sequence[GrowthResult]) -> bool:
    """Every draw in time and memory; each tenfold step at most GROWTH_TARGET times slower;
    the largest records under LARGEST_TARGET_S."""
    if any(r.seconds is None or r.peak_mb is None for r in results):
        return False
    if any(r.peak_mb >= MEMORY_TARGET_MB for r in results):  # type: ignore[operator]
        return False
    if any(r.seconds >= LARGEST_TARGET_S for r in results if r.case.characters >= 100_000):  # type: ignore[operator]
        return False
    return all(
        large.seconds <= GROWTH_TARGET * small.seconds  # type: ignore[operator]
        for small, large in growth_ratios(results)
    )


def growth_print(results: Sequence[GrowthResult], out: TextIO) -> None:
    if not results:
        return
    print(
        f"\nPDF growth: one process per record, time limit {TIME_LIMIT_S:.0f} s "
        f"(targets: 10x the text <= {GROWTH_TARGET:g}x the time, 100,000 chars < "
        f"{LARGEST_TARGET_S:g} s, peak memory < {MEMORY_TARGET_MB:.0f} MB)",
        file=out,
    )
    print(f"{'record':<46} {'seconds':>8} {'x hello':>8} {'pages':>6} {'peak MB':>8}", file=out)
    for r in results:
        if r.seconds is None:
            print(f"{r.case.name:<46} {r.error}", file=out)
            continue
        print(
            f"{r.case.name:<46} {r.seconds:8.2f} {r.ratio or 0:8.1f} {r.pages:6d} {r.peak_mb:8.0f}",
            file=out,
        )
    for small, large in growth_ratios(results):
        if small.seconds and large.seconds:
            print(
                f"  {small.case.kind}: {small.case.characters:,} -> {large.case.characters:,} "
                f"chars: {large.seconds / small.seconds:.1f}x the time",
                file=out,
            )
    print(f"PDF growth {'ok' if growth_met(results) else 'MISSED'}", file=out)


def growth_as_json(results: Sequence[GrowthResult]) -> list[dict[str, object]]:
    return [
        {
            "record": r.case.name,
            "kind": r.case.kind,
            "characters": r.case.characters,
            "seconds": r.seconds,
            "hello_seconds": r.hello_seconds,
            "ratio_to_hello": r.ratio,
            "pages": r.pages,
            "peak_mb": r.peak_mb,
            "error": r.error,
        }
        for r in results
    ]


# --- one draw, in the child process ------------------------------------------------------------


def _draw(kind: str, characters: int) -> dict[str, float | int]:
    """Build the record through the services the pages call, draw it once (after three hello
    PDFs, which load the fonts), and roll every row back."""
    import io

    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone
    from pypdf import PdfReader

    from tests.factories import UserFactory
    from tests.workshops.builders import decide, profile, save_risk
    from workshops import selectors
    from workshops.documents.json import decision_to_json
    from workshops.documents.pdf import render_hello_pdf, render_record_pdf
    from workshops.services.teams import team_create
    from workshops.services.workshops import workshop_create

    case = GrowthCase(kind, characters)
    text = case_fields(case)
    with transaction.atomic():
        facilitator = UserFactory(username=f"bench-pdf-{os.getpid()}")
        team = team_create(name=f"Bench PDF {os.getpid()}", creator=facilitator)
        workshop = workshop_create(
            team=team, title="Growth", scheduled_at=timezone.now(), facilitator=facilitator
        )
        profile(workshop, **{f: v for f, v in text.items() if f in WORKFLOW_TEXT + NOTES})
        if "risk_mitigation" in text:
            save_risk(
                workshop.workflows.get(parent=None),
                title="The nightly run overruns its window",
                mitigation=text["risk_mitigation"],
            )
        decision = decide(
            workshop,
            facilitator,
            **{f: text[f] for f in ("rationale", "consequences") if f in text},
        )
        context = {
            "decision": decision,
            "record": decision.snapshot,
            "changes": selectors.decision_timeline(decision),
            "successors": [],
            "draft": False,
        }
        export = decision_to_json(decision)
        hello = []
        for _ in range(3):
            start = time.perf_counter()
            render_hello_pdf()
            hello.append(time.perf_counter() - start)
        start = time.perf_counter()
        pdf = render_record_pdf(context=context, export=export)
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return {
        "seconds": seconds,
        "hello_seconds": statistics.median(hello),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "peak_mb": _peak_rss_mb(),
    }


def _peak_rss_mb() -> float:
    """The most this process has held in memory, the draw included. VmHWM, not ru_maxrss:
    Linux keeps ru_maxrss across exec, so it would count the bench process this one was
    forked from."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kilobytes
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pdf_growth",
        description="Draw records with more and more text, one process each, and print the "
        "growth table.",
    )
    parser.add_argument("--quick", action="store_true", help="three sizes only")
    parser.add_argument("--draw", nargs=2, metavar=("KIND", "CHARACTERS"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.draw:
        kind, characters = options.draw
        print(json.dumps(_draw(kind, int(characters))))
        return 0
    from bench.database import bench_database

    with bench_database():
        results = run_growth_bench(quick=options.quick)
    growth_print(results, sys.stdout)
    return 0 if all(r.seconds is not None for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
