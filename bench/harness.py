"""Runs the registered cases on a throwaway database and reports their medians."""

from __future__ import annotations

import argparse
import platform
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import django
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from bench.database import BenchDatabase, bench_database
from bench.documents import run_document_bench
from bench.load import load_arguments, load_main
from bench.pdf_growth import run_growth_bench
from bench.product import product_arguments, product_main
from bench.report import EngineResult, PageResult, Report, report_print, report_write_json
from bench.timing import RequestFailed, time_calls, time_page

if TYPE_CHECKING:
    from bench.cases import EngineCase, PageCase

DEFAULT_REQUESTS = 300
DEFAULT_CALLS = 2000
DEFAULT_WARMUP = 20
QUICK_REQUESTS = 30
QUICK_CALLS = 200
QUICK_WARMUP = 5


def main(argv: Sequence[str] | None = None) -> int:
    """Exit 0 when every request answered 200, missed targets or not; 1 when one failed.
    Then the load run (bench/load.py), unless --no-load, and the whole product's load run
    (bench/product.py), unless --no-product: 1 too when one of their requests failed."""
    options = _arguments().parse_args(argv)
    requests = options.requests or (QUICK_REQUESTS if options.quick else DEFAULT_REQUESTS)
    calls = options.calls or (QUICK_CALLS if options.quick else DEFAULT_CALLS)
    warmup = QUICK_WARMUP if options.quick else DEFAULT_WARMUP
    with bench_database() as database:
        report = _run(database, requests=requests, calls=calls, warmup=warmup)
    report_print(report, sys.stdout)
    if options.json:
        report_write_json(report, options.json)
    load_failed = product_failed = False
    if not options.no_load:
        print(file=sys.stdout, flush=True)
        load_failed = load_main(options, sys.stdout) != 0
    if not options.no_product:
        print(file=sys.stdout, flush=True)
        product_failed = product_main(options, sys.stdout) != 0
    return 1 if report.failed or load_failed or product_failed else 0


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Time the matching engine and the main pages in-process, then the load "
        "run: locust against gunicorn on a fresh PostgreSQL database.",
    )
    parser.add_argument(
        "--requests",
        type=_positive,
        help=f"timed requests per page (default {DEFAULT_REQUESTS}, {QUICK_REQUESTS} with --quick)",
    )
    parser.add_argument(
        "--calls",
        type=_positive,
        help=f"timed engine calls per case (default {DEFAULT_CALLS}, {QUICK_CALLS} with --quick)",
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument(
        "--no-load",
        action="store_true",
        help="leave out the load run (locust against gunicorn on PostgreSQL) after the cases",
    )
    parser.add_argument(
        "--no-product",
        action="store_true",
        help="leave out the whole product's load run (a workshop of 50, the PDF worker, the "
        "history) at the end",
    )
    return product_arguments(load_arguments(parser))


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _run(database: BenchDatabase, *, requests: int, calls: int, warmup: int) -> Report:
    # The cases import models, so they can only be imported once Django is set up.
    from bench import cases

    try:
        with override_settings(ROOT_URLCONF="bench.urls"):
            # First, while the process is small: its peak memory is the PDF's own.
            documents = (run_document_bench(runs=3 if calls < DEFAULT_CALLS else 10),)
            # Each in a process of its own: its peak memory is the draw's alone.
            growth = run_growth_bench(quick=calls < DEFAULT_CALLS)
            engines = tuple(_run_engine(case, calls=calls) for case in cases.ENGINE_CASES)
            pages = tuple(
                _run_page(case, requests=requests, warmup=warmup) for case in cases.PAGE_CASES
            )
            debug = settings.DEBUG
    finally:
        if database.given:
            cases.bench_rows_remove()
    return Report(
        database=database.vendor,
        database_name=database.name,
        database_given=database.given,
        python=platform.python_version(),
        django=django.get_version(),
        debug=debug,
        requests=requests,
        engine_calls=calls,
        engines=engines,
        pages=pages,
        documents=documents,
        growth=growth,
    )


def _run_engine(case: EngineCase, *, calls: int) -> EngineResult:
    workload = case.prepare()
    return EngineResult(
        name=f"{case.name} {workload.detail}",
        us_per_call=time_calls(workload.call, calls=calls),
        target_us=case.target_us,
    )


def _run_page(case: PageCase, *, requests: int, warmup: int) -> PageResult:
    client = Client()
    path = case.prepare(client) or case.path
    try:
        timing = time_page(
            client,
            path,
            baseline=reverse("bench-trivial"),
            floor=reverse("bench-trivial-signed-in") if case.signed_in_floor else None,
            request=case.request,
            requests=requests,
            warmup=warmup,
        )
    except RequestFailed as failure:
        error = str(failure)
    except Exception as exception:  # the test client re-raises what a view raised: a 500
        traceback.print_exc()
        error = f"{path} raised {exception.__class__.__name__}: {exception}"
    else:
        return PageResult(case.name, path, timing, None, case.target_ratio, case.target_ms)
    return PageResult(case.name, path, None, error, case.target_ratio, case.target_ms)
