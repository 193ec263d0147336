"""The collector's pauses as an operator scrapes them, and the start-up heap left out of
every later collection."""

from __future__ import annotations

import gc
import re
import weakref
from collections.abc import Iterator

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from infra.gc_pauses import THRESHOLDS, PauseClock, settle

pytestmark = pytest.mark.unit


@pytest.fixture
def scraped() -> Iterator[tuple[PauseClock, CollectorRegistry]]:
    clock = PauseClock()
    registry = CollectorRegistry()
    registry.register(clock)
    gc.callbacks.append(clock)
    gc.disable()  # only the collections the test asks for
    try:
        yield clock, registry
    finally:
        gc.enable()
        gc.callbacks.remove(clock)


class Cycle:
    me: object


def figure(registry: CollectorRegistry, pattern: str) -> float:
    found = re.search(pattern, generate_latest(registry).decode(), re.M)
    assert found is not None, pattern
    return float(found.group(1))


def test_a_full_collection_shows_as_a_generation_2_pause_and_as_the_longest(
    scraped: tuple[PauseClock, CollectorRegistry],
) -> None:
    _, registry = scraped
    full = r'^lead_gc_pause_seconds_count\{generation="2"\} (\S+)'
    full_before = figure(registry, full)
    cycles = []
    for _ in range(20_000):  # garbage only the collector frees, for it to take some time
        cycle: list[object] = []
        cycle.append(cycle)
        cycles.append(cycle)
    del cycles, cycle
    gc.collect()
    assert figure(registry, full) == full_before + 1
    longest = figure(registry, r"^lead_gc_pause_max_seconds (\S+)")
    total = figure(registry, r'^lead_gc_pause_seconds_sum\{generation="2"\} (\S+)')
    assert 0 < longest <= total  # how long it took depends on the process's heap: no bound
    inf = r'^lead_gc_pause_seconds_bucket\{generation="2",le="\+Inf"\} (\S+)'
    assert figure(registry, inf) == full_before + 1


def test_each_pause_lands_in_the_bucket_of_its_length() -> None:
    clock = PauseClock()
    for seconds in (0.0001, 0.003, 0.003, 2.0):
        clock.started = 0.0
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("infra.gc_pauses.time.perf_counter", lambda s=seconds: s)
            clock("stop", {"generation": 0})
    registry = CollectorRegistry()
    registry.register(clock)
    bucket = r'^lead_gc_pause_seconds_bucket\{{generation="0",le="{}"\}} (\S+)'
    assert figure(registry, bucket.format(r"0\.001")) == 1.0
    assert figure(registry, bucket.format(r"0\.005")) == 3.0
    assert figure(registry, bucket.format(r"1\.0")) == 3.0
    assert figure(registry, bucket.format(r"\+Inf")) == 4.0
    assert figure(registry, r"^lead_gc_pause_max_seconds (\S+)") == 2.0


def test_settling_freezes_the_heap_built_so_far_and_spaces_collections_out() -> None:
    before = gc.get_threshold()
    try:
        settle()
        assert gc.get_freeze_count() > 10_000  # the interpreter, pytest and the app's modules
        assert gc.get_threshold() == THRESHOLDS
        made_after = Cycle()
        made_after.me = made_after
        gone = weakref.ref(made_after)
        del made_after
        gc.collect()
        assert gone() is None  # what is made after start-up is still collected
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
