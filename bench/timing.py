"""Timing primitives: requests through the test client and repeated engine calls, as medians."""

from __future__ import annotations

import gc
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter_ns

from django.http import HttpResponse
from django.test import Client

# Page and trivial requests alternate in rounds of this many, so that both see the same
# machine state (CPU frequency, other load); ten keeps each side's caches warm within a round.
ROUND_SIZE = 10
# Engine calls are timed in batches: one call is too short for the clock to be reliable.
BATCH_SIZE = 50


# One request of a case: a GET by default; a case may post instead (an autosave).
Request = Callable[[Client, str], HttpResponse]


def get(client: Client, path: str) -> HttpResponse:
    return client.get(path)


class RequestFailed(Exception):
    """A timed request that did not do what its case times: it answered another status than
    200, or an answer the case refuses (`why`: an autosave that did not save)."""

    def __init__(self, path: str, status: int, *, method: str = "GET", why: str = ""):
        super().__init__(f"{method} {path} answered {status}{f': {why}' if why else ', not 200'}")
        self.path = path
        self.status = status


@dataclass(frozen=True)
class PageTiming:
    page_ns: tuple[int, ...]
    trivial_ns: tuple[int, ...]
    # The signed-in floor, timed in the same rounds when the case asked for it.
    floor_ns: tuple[int, ...] = ()

    @property
    def page_ms(self) -> float:
        return statistics.median(self.page_ns) / 1e6

    @property
    def trivial_ms(self) -> float:
        return statistics.median(self.trivial_ns) / 1e6

    @property
    def ratio(self) -> float:
        return self.page_ms / self.trivial_ms

    @property
    def floor_ms(self) -> float | None:
        return statistics.median(self.floor_ns) / 1e6 if self.floor_ns else None

    @property
    def floor_ratio(self) -> float | None:
        """The page's median over the signed-in floor's, both timed in the same rounds."""
        floor = self.floor_ms
        return self.page_ms / floor if floor else None


def time_page(
    client: Client,
    path: str,
    *,
    baseline: str,
    requests: int,
    warmup: int,
    request: Request = get,
    floor: str | None = None,
) -> PageTiming:
    """Time `requests` requests of `path` (`request`, a GET unless the case says otherwise)
    and as many GETs of `baseline` and, when given, of `floor`, alternating in rounds."""
    sides: list[tuple[Request, str, list[int]]] = [(request, path, []), (get, baseline, [])]
    if floor is not None:
        sides.append((get, floor, []))
    for _ in range(warmup):
        for send, target, _samples in sides:
            _timed(send, client, target)
    gc.collect()
    page = sides[0][2]
    rounds = 0
    while len(page) < requests:
        size = min(ROUND_SIZE, requests - len(page))
        # Rotate which side goes first each round, so none always follows another.
        shift = rounds % len(sides)
        for send, target, samples in sides[shift:] + sides[:shift]:
            samples.extend(_timed(send, client, target) for _ in range(size))
        rounds += 1
    return PageTiming(
        page_ns=tuple(page),
        trivial_ns=tuple(sides[1][2]),
        floor_ns=tuple(sides[2][2]) if floor is not None else (),
    )


def _timed(send: Request, client: Client, path: str) -> int:
    start = perf_counter_ns()
    response = send(client, path)
    elapsed = perf_counter_ns() - start
    # 202: the page that follows a PDF's drawing answers "accepted, still drawing".
    if response.status_code not in (200, 202):
        method = response.request.get("REQUEST_METHOD", "GET") if response.request else "GET"
        raise RequestFailed(path, response.status_code, method=method)
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
