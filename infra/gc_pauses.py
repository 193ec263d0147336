"""Cyclic garbage collection without stop-the-world stalls, and the pauses it takes, measured.

A full collection walks every container object the process holds and keeps the GIL while it
does: with the application's start-up heap (the routes, the models, the library's classes)
that was ~135 ms, eight times in ten seconds under load, and it set the p99. `settle` moves
the start-up heap into the permanent generation (`gc.freeze`), which no collection walks, so a
collection walks only what was made since. The young generation is collected less often (a
larger first threshold: request garbage is freed by reference counting, not by the
collector), and a full collection is deferred further (each one walks everything kept since
start-up, which grows with the caches: keep an eye on `lead_gc_pause_max_seconds`).

`PauseClock` times each collection from the interpreter's own start and stop callbacks and
renders them, per process, as `lead_gc_pause_seconds` (a histogram by generation) and
`lead_gc_pause_max_seconds` (the longest since start-up). The callback records into plain
attributes: prometheus-client's metrics take a lock, and a collection can start inside a
thread that holds it."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

# Generation 0 every 20,000 net container allocations (the default, 700, ran it every few
# requests), a middle collection every 10 of those, a full one every 100 middle ones. Measured
# under the bench's write load (2 workers, 32 connections, then 500/s), the longest collection
# took 11-14 ms of CPU with (50,000, 20, 100), 29 ms with (10,000, 10, 10), 9 ms with these.
THRESHOLDS = (20_000, 10, 100)
BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0)
GENERATIONS = 3


def settle(thresholds: tuple[int, int, int] = THRESHOLDS) -> None:
    """Once the application is built: collect what start-up left behind, freeze the rest
    (no collection walks it again) and space collections out."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)


class PauseClock(Collector):
    """How long each collection held the process, by generation: counts per histogram
    bucket, the sum and the longest pause since the clock was installed."""

    def __init__(self) -> None:
        self.started = 0.0
        self.counts = [[0] * (len(BUCKETS) + 1) for _ in range(GENERATIONS)]
        self.sums = [0.0] * GENERATIONS
        self.longest = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
            return
        pause = time.perf_counter() - self.started
        generation = min(int(info["generation"]), GENERATIONS - 1)
        self.counts[generation][bucket_of(pause)] += 1
        self.sums[generation] += pause
        self.longest = max(self.longest, pause)

    def collect(self) -> Iterator[GaugeMetricFamily | HistogramMetricFamily]:
        pauses = HistogramMetricFamily(
            "lead_gc_pause_seconds",
            "How long each cyclic garbage collection held this process, by generation",
            labels=["generation"],
        )
        for generation in range(GENERATIONS):
            cumulative, buckets = 0, []
            for bound, count in zip((*BUCKETS, float("inf")), self.counts[generation], strict=True):
                cumulative += count
                buckets.append((bound_text(bound), cumulative))
            pauses.add_metric([str(generation)], buckets, self.sums[generation])
        yield pauses
        yield GaugeMetricFamily(
            "lead_gc_pause_max_seconds",
            "The longest cyclic garbage collection pause of this process since it started",
            value=self.longest,
        )


def bucket_of(pause: float) -> int:
    for index, bound in enumerate(BUCKETS):
        if pause <= bound:
            return index
    return len(BUCKETS)


def bound_text(bound: float) -> str:
    return "+Inf" if bound == float("inf") else repr(bound)


def install(registry: CollectorRegistry) -> PauseClock:
    """Time every collection of this process from now on, rendered by `registry`. Once per
    process (a second call returns the clock already installed)."""
    for callback in gc.callbacks:
        if isinstance(callback, PauseClock):
            return callback
    clock = PauseClock()
    gc.callbacks.append(clock)
    registry.register(clock)
    return clock
