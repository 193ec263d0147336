"""Projections under faults, judged against a reference: the whole store replayed by the same
projections into a fresh database, compared row for row. A skipped event leaves rows missing;
an event applied twice (or a batch applied by two projectors) leaves extra or different rows."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, Table, select

from bench.harness import postgres_database
from composition.bootstrap import build, sql_engine
from infra.settings import Settings
from projections.engine import Projector
from reliability.invariants import Findings
from services.container import Container

CATCH_UP_SECONDS = 5.0


@contextmanager
def container_of(settings: Settings) -> Iterator[Container]:
    container = build(settings)
    try:
        yield container
    finally:
        container.close()


def frozen(value: Any) -> Any:
    """JSON and array columns made hashable, so rows can be counted."""
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, frozen(v)) for k, v in value.items()))
    return value


def rows(engine: Engine, table: Table) -> Counter[tuple[Any, ...]]:
    with engine.connect() as conn:
        return Counter(tuple(frozen(v) for v in row) for row in conn.execute(select(table)))


def lag(container: Container) -> int:
    head = container.store.table.head()
    return max((head - p for p in container.projector.positions().values()), default=0)


def wait_caught_up(container: Container, since: float) -> float | None:
    """Seconds from `since` until every projection reached the store's head, or None if not
    within CATCH_UP_SECONDS."""
    while time.monotonic() - since < CATCH_UP_SECONDS:
        if lag(container) == 0:
            return time.monotonic() - since
        time.sleep(0.05)
    return None


def compare_with_replay(container: Container) -> Findings:
    """Missing rows count as lost, extra or changed rows as duplicated (double-applied)."""
    found = Findings()
    projections = container.projector.projections
    with postgres_database() as reference:
        engine = sql_engine(reference)
        try:
            Projector(container.store, engine, projections).run_until_caught_up()
            for projection in projections:
                for table in getattr(projection, "tables", ()):
                    live, replayed = rows(container.sql, table), rows(engine, table)
                    missing, extra = replayed - live, live - replayed
                    found.lost += sum(missing.values())
                    found.duplicated += sum(extra.values())
                    if missing or extra:
                        found.notes.append(
                            f"{table.name}: {sum(missing.values())} missing, "
                            f"{sum(extra.values())} extra or different"
                        )
        finally:
            engine.dispose()
    return found


def check_projections(settings: Settings, writes_stopped: float) -> Findings:
    """Caught up within 5 s of the writes stopping, and equal to a replay from position 0."""
    with container_of(settings) as container:
        took = wait_caught_up(container, writes_stopped)
        found = Findings()
        if took is None:
            found.violation(
                f"projections {lag(container)} behind {CATCH_UP_SECONDS} s after the writes"
            )
        else:
            found.notes.append(f"caught up {took:.2f} s after the writes stopped")
        found.add(compare_with_replay(container))
        return found
