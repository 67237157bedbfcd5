"""PDF figures: drawing the largest demo record against a one-line PDF, and peak memory."""

from __future__ import annotations

import os
import statistics
import threading
import time
from dataclasses import dataclass

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
RECORD_TARGET_S = 1.0
RATIO_TARGET = 8.0
MEMORY_TARGET_MB = 200.0


@dataclass(frozen=True)
class DocumentResult:
    name: str
    pages: int
    record_s: float
    hello_s: float
    peak_rss_mb: float

    @property
    def ratio(self) -> float:
        return self.record_s / self.hello_s

    @property
    def met(self) -> bool:
        return (
            self.record_s < RECORD_TARGET_S
            and self.ratio <= RATIO_TARGET
            and self.peak_rss_mb < MEMORY_TARGET_MB
        )


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE / 2**20


class _PeakRss:
    """Samples the process's resident memory every few milliseconds while it is open."""

    def __enter__(self) -> _PeakRss:
        self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def _median_seconds(draw, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        draw()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run_document_bench(*, runs: int) -> DocumentResult:
    """Draw the demo record with the largest snapshot `runs` times, and the hello PDF."""
    import io
    import json

    from pypdf import PdfReader

    from bench.cases import demo_load
    from workshops import selectors
    from workshops.documents.json import decision_to_json
    from workshops.documents.pdf import render_hello_pdf, render_record_pdf
    from workshops.models import Decision

    demo_load()  # through the cases, which remove the demo afterwards if they loaded it
    demo = Decision.objects.filter(team__name="Demo team")
    decision = max(demo, key=lambda d: len(json.dumps(d.snapshot)))
    context = {
        "decision": decision,
        "record": decision.snapshot,
        "changes": selectors.decision_timeline(decision),
        "successors": selectors.decision_successors(decision),
        "draft": False,
    }
    export = decision_to_json(decision)

    def draw() -> bytes:
        return render_record_pdf(context=context, export=export)

    pages = len(PdfReader(io.BytesIO(draw())).pages)  # also warms fonts and templates
    render_hello_pdf()
    with _PeakRss() as peak:
        record_s = _median_seconds(draw, runs)
    hello_s = _median_seconds(render_hello_pdf, runs)
    return DocumentResult(
        name=f"pdf: {decision.title}",
        pages=pages,
        record_s=record_s,
        hello_s=hello_s,
        peak_rss_mb=peak.peak,
    )
