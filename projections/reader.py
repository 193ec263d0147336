"""Helpers of a replay: which topics to read for a set of projections, and a garbage
collector set for millions of short-lived objects. The reads themselves are the events
table's (`infra/events_table/`); decoding is the library mapper's."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from typing import Protocol


class WantsTopics(Protocol):
    @property
    def topics(self) -> frozenset[str]: ...


@contextlib.contextmanager
def relaxed_gc() -> Iterator[None]:
    """A replay allocates millions of short-lived, acyclic objects (decoded events, rows)
    that reference counting frees; the cyclic collector would keep rescanning everything
    the process holds (a third of the replay's time). Park what exists and collect seldom."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(200_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def wanted_topics(projections: Sequence[WantsTopics]) -> tuple[str, ...]:
    """The topics to read; none (read everything) if a projection wants an open-ended set."""
    if any(type(p.topics) is not frozenset for p in projections):
        return ()
    return tuple(sorted(frozenset().union(*(p.topics for p in projections))))
