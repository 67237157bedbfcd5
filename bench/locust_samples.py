"""What the load runs' locustfiles keep of every request: each response time exactly as
measured (locust rounds what its own statistics keep, to the millisecond at best), the first
few errors of each kind and their count, written as JSON to `out` when locust quits."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from locust import events

samples: dict[str, list[float]] = defaultdict(list)
errors: dict[str, list[str]] = defaultdict(list)  # the first few of each kind
error_counts: dict[str, int] = defaultdict(int)
clock = {"started": 0.0, "stopped": 0.0}


def samples_keep(
    out: Path, *, from_spawned: bool, extra: Mapping[str, object] | None = None
) -> None:
    """Keep every request's time from now on. `from_spawned`: time from when every simulated
    person has started (errors count from the first request on); else from the test's start.
    `extra` (a dict the locustfile fills) is written beside the samples."""

    @events.request.add_listener
    def _sample(name: str, response_time: float, exception: Exception | None, **_kwargs) -> None:
        samples[name].append(response_time)
        if exception is not None:
            error_counts[name] += 1
            if len(errors[name]) < 3:
                errors[name].append(str(exception)[:300])

    def _started(**_kwargs) -> None:
        if from_spawned:
            samples.clear()
        clock["started"] = time.monotonic()

    (events.spawning_complete if from_spawned else events.test_start).add_listener(_started)

    @events.test_stop.add_listener
    def _stopped(**_kwargs) -> None:
        clock["stopped"] = time.monotonic()

    @events.quitting.add_listener
    def _write(**_kwargs) -> None:
        seconds = (clock["stopped"] or time.monotonic()) - clock["started"]
        measured = {
            "seconds": seconds,
            "samples": samples,
            "errors": errors,
            "error_counts": error_counts,
            **(extra or {}),
        }
        out.write_text(json.dumps(measured), encoding="utf-8")


def elapsed() -> float:
    """Seconds since the timing started."""
    return time.monotonic() - clock["started"]
