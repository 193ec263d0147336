"""Rebuilding projections in parallel processes: each group of projections reads and decodes
the events it wants in its own process (decoding is most of a rebuild's work and Python runs
it on one core), and swaps its own tables in when done."""

from __future__ import annotations

import itertools
import multiprocessing
import time
from collections.abc import Callable, Sequence
from multiprocessing.sharedctypes import Synchronized
from typing import Any

from composition.bootstrap import build
from infra.settings import Settings
from projections.engine import Projection
from projections.rebuild import Rebuilder, RebuildReport

Progress = Callable[[int], None]


def partition(
    projections: Sequence[Projection], counts: dict[str, int], jobs: int
) -> list[list[str]]:
    """Groups of about equal work. A group reads and decodes the union of its projections'
    topics once and applies each projection's events: so projections that want the same
    events go together. Every assignment is tried (a site has a handful of projections)."""
    names = [p.name for p in projections]
    topics = {p.name: frozenset(t for t in counts if t in p.topics) for p in projections}
    applied = {name: sum(counts[t] for t in topics[name]) for name in names}

    def cost(group: list[str]) -> int:
        read = frozenset().union(*(topics[name] for name in group))
        return sum(counts[t] for t in read) + sum(applied[name] for name in group)

    best: list[list[str]] = [names]
    best_cost = cost(names)
    for assignment in itertools.product(range(jobs), repeat=len(names)):
        groups = [
            [n for n, g in zip(names, assignment, strict=True) if g == j] for j in range(jobs)
        ]
        worst = max(cost(group) for group in groups if group)
        if worst < best_cost:
            best, best_cost = [group for group in groups if group], worst
    return best


def rebuild_group(names: list[str], batch_size: int | None, progress: Progress) -> RebuildReport:
    container = build(Settings())
    try:
        chosen = [p for p in container.projector.projections if p.name in names]
        rebuilder = Rebuilder(container.store, container.sql, chosen, batch_size)
        return rebuilder.run(lambda position, _head: progress(position))
    finally:
        container.close()


def child(names: list[str], batch_size: int | None, at: Synchronized[int], out: Any) -> None:
    def progress(position: int) -> None:
        at.value = position

    out.put(rebuild_group(names, batch_size, progress))


def run_groups(
    groups: list[list[str]], batch_size: int | None, progress: Progress
) -> list[RebuildReport]:
    """One group runs here; several run in spawned processes, progress the slowest's."""
    if len(groups) == 1:
        return [rebuild_group(groups[0], batch_size, progress)]
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    positions = [context.Value("q", 0) for _ in groups]
    workers = [
        context.Process(target=child, args=(group, batch_size, at, results))
        for group, at in zip(groups, positions, strict=True)
    ]
    for worker in workers:
        worker.start()
    reports: list[RebuildReport] = []
    while len(reports) < len(workers):
        progress(min(at.value for at in positions))
        while not results.empty():
            reports.append(results.get())
        if any(w.exitcode not in (None, 0) for w in workers):
            failed = [w.exitcode for w in workers]
            for worker in workers:  # the others' shadows are dropped by the next rebuild
                worker.terminate()
                worker.join()
            msg = f"a rebuild process failed (exit codes {failed}); the live views are as they were"
            raise RuntimeError(msg)
        time.sleep(0.2)
    for worker in workers:
        worker.join()
    return reports
