"""Timing primitives: requests through the test client and repeated engine calls, as medians."""

from __future__ import annotations

import gc
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter_ns

from django.test import Client

# Page and trivial requests alternate in rounds of this many, so that both see the same
# machine state (CPU frequency, other load); ten keeps each side's caches warm within a round.
ROUND_SIZE = 10
# Engine calls are timed in batches: one call is too short for the clock to be reliable.
BATCH_SIZE = 50


class RequestFailed(Exception):
    def __init__(self, path: str, status: int):
        super().__init__(f"GET {path} answered {status}, not 200")
        self.path = path
        self.status = status


@dataclass(frozen=True)
class PageTiming:
    page_ns: tuple[int, ...]
    trivial_ns: tuple[int, ...]

    @property
    def page_ms(self) -> float:
        return statistics.median(self.page_ns) / 1e6

    @property
    def trivial_ms(self) -> float:
        return statistics.median(self.trivial_ns) / 1e6

    @property
    def ratio(self) -> float:
        return self.page_ms / self.trivial_ms


def time_page(
    client: Client, path: str, *, baseline: str, requests: int, warmup: int
) -> PageTiming:
    """Time `requests` GETs of `path` and as many of `baseline`, alternating in rounds."""
    for _ in range(warmup):
        _get(client, path)
        _get(client, baseline)
    gc.collect()
    page: list[int] = []
    trivial: list[int] = []
    rounds = 0
    while len(page) < requests:
        size = min(ROUND_SIZE, requests - len(page))
        # Swap which side goes first each round, so neither always follows the other.
        order = ((path, page), (baseline, trivial))
        for target, samples in order if rounds % 2 == 0 else reversed(order):
            samples.extend(_get(client, target) for _ in range(size))
        rounds += 1
    return PageTiming(page_ns=tuple(page), trivial_ns=tuple(trivial))


def _get(client: Client, path: str) -> int:
    start = perf_counter_ns()
    response = client.get(path)
    elapsed = perf_counter_ns() - start
    if response.status_code != 200:
        raise RequestFailed(path, response.status_code)
    return elapsed


def time_calls(call: Callable[[], object], *, calls: int) -> float:
    """Median over batches of the time per call of `call()`, in microseconds."""
    for _ in range(max(calls // 10, BATCH_SIZE)):
        call()
    gc.collect()
    per_call_ns: list[float] = []
    for _ in range(max(calls // BATCH_SIZE, 1)):
        start = perf_counter_ns()
        for _ in range(BATCH_SIZE):
            call()
        per_call_ns.append((perf_counter_ns() - start) / BATCH_SIZE)
    return statistics.median(per_call_ns) / 1e3
