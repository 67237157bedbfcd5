"""The figures of a run, printed as a plain table and written as JSON."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bench.documents import MEMORY_TARGET_MB, RATIO_TARGET, RECORD_TARGET_S, DocumentResult
from bench.pdf_growth import GrowthResult, growth_as_json, growth_print
from bench.timing import PageTiming

NAME_WIDTH = 38


@dataclass(frozen=True)
class EngineResult:
    name: str
    us_per_call: float
    target_us: float | None

    @property
    def met(self) -> bool | None:
        return None if self.target_us is None else self.us_per_call < self.target_us


@dataclass(frozen=True)
class PageResult:
    name: str
    path: str
    timing: PageTiming | None  # None when a request failed
    error: str | None
    target_ratio: float | None
    target_ms: float | None

    @property
    def met(self) -> bool | None:
        if self.timing is None or (self.target_ratio is None and self.target_ms is None):
            return None
        return (self.target_ratio is None or self.timing.ratio <= self.target_ratio) and (
            self.target_ms is None or self.timing.page_ms <= self.target_ms
        )


@dataclass(frozen=True)
class Report:
    database: str
    database_name: str
    database_given: bool
    python: str
    django: str
    debug: bool
    requests: int
    engine_calls: int
    engines: tuple[EngineResult, ...]
    pages: tuple[PageResult, ...]
    documents: tuple[DocumentResult, ...] = ()
    growth: tuple[GrowthResult, ...] = ()

    @property
    def failed(self) -> bool:
        return any(page.error is not None for page in self.pages)

    @property
    def trivial_ms(self) -> float | None:
        samples = [ns for page in self.pages if page.timing for ns in page.timing.trivial_ns]
        return statistics.median(samples) / 1e6 if samples else None


def report_print(report: Report, out: TextIO) -> None:
    debug = "DEBUG on" if report.debug else "DEBUG off"
    print(
        f"Parsecgo Workshop benchmarks ({report.database}, {report.requests} requests per page, "
        f"Python {report.python}, Django {report.django}, {debug})",
        file=out,
    )
    if report.database_given:
        print(
            f"Ran against the database DATABASE_URL names ({report.database_name}); only the "
            "rows the bench added were removed afterwards.",
            file=out,
        )
    for engine in report.engines:
        target = "" if engine.target_us is None else f"target < {engine.target_us:.0f} us"
        print(
            f"{engine.name:<{NAME_WIDTH}} {engine.us_per_call:8.1f} us/call   "
            f"{target:<18} {_verdict(engine.met)}".rstrip(),
            file=out,
        )
    if report.trivial_ms is not None:
        print(f"{'trivial view':<{NAME_WIDTH}} {report.trivial_ms:8.2f} ms", file=out)
    for page in report.pages:
        if page.timing is None:
            print(f"{page.name:<{NAME_WIDTH}} FAILED: {page.error}", file=out)
            continue
        targets = []
        if page.target_ratio is not None:
            targets.append(f"<= {page.target_ratio:g}x")
        if page.target_ms is not None:
            targets.append(f"<= {page.target_ms:g} ms")
        target = f"target {' and '.join(targets)}" if targets else ""
        floor = page.timing.floor_ratio
        floor_column = f"{floor:6.2f}x signed-in floor" if floor is not None else ""
        print(
            f"{page.name:<{NAME_WIDTH}} {page.timing.page_ms:8.2f} ms   "
            f"{page.timing.ratio:6.2f}x trivial   {floor_column:<24} {target:<14} "
            f"{_verdict(page.met)}".rstrip(),
            file=out,
        )
    for document in report.documents:
        print(
            f"{document.name[:NAME_WIDTH]:<{NAME_WIDTH}} {document.record_s * 1000:8.0f} ms   "
            f"{document.ratio:6.2f}x hello PDF ({document.hello_s * 1000:.0f} ms), "
            f"{document.pages} pages, peak memory {document.peak_rss_mb:.0f} MB   "
            f"target < {RECORD_TARGET_S * 1000:.0f} ms, <= {RATIO_TARGET:g}x, "
            f"< {MEMORY_TARGET_MB:.0f} MB   {_verdict(document.met)}",
            file=out,
        )
    print(
        "Medians. Each page's ratio divides by the trivial view timed in alternating rounds "
        "with it, and for a signed-in page by the signed-in floor timed in the same rounds; "
        "memory is the process's resident set, sampled while the record is drawn.",
        file=out,
    )
    growth_print(report.growth, out)


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("ok" if met else "MISSED")


def report_write_json(report: Report, path: Path) -> None:
    path.write_text(json.dumps(_as_json(report), indent=2) + "\n", encoding="utf-8")


def _as_json(report: Report) -> dict[str, Any]:
    return {
        "database": report.database,
        "database_name": report.database_name,
        "database_given": report.database_given,
        "python": report.python,
        "django": report.django,
        "debug": report.debug,
        "requests_per_page": report.requests,
        "engine_calls": report.engine_calls,
        "trivial_ms": report.trivial_ms,
        "engine": [
            {
                "name": engine.name,
                "us_per_call": engine.us_per_call,
                "target_us": engine.target_us,
                "met": engine.met,
            }
            for engine in report.engines
        ],
        "pages": [
            {
                "name": page.name,
                "path": page.path,
                "median_ms": page.timing.page_ms if page.timing else None,
                "trivial_ms": page.timing.trivial_ms if page.timing else None,
                "ratio": page.timing.ratio if page.timing else None,
                "signed_in_floor_ms": page.timing.floor_ms if page.timing else None,
                "signed_in_floor_ratio": page.timing.floor_ratio if page.timing else None,
                "target_ratio": page.target_ratio,
                "target_ms": page.target_ms,
                "met": page.met,
                "error": page.error,
            }
            for page in report.pages
        ],
        "pdf_growth": growth_as_json(report.growth),
    }
