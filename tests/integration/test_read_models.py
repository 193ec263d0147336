"""The read models on both stores: a rebuild equals the incremental build, a crash mid-batch
changes nothing and the rerun applies once, two projectors at once agree with a rebuild, and
the migration equals the tables' declarations."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, select

from bench.history import History
from composition.projections import projections
from infra.tables import metadata
from projections.directory import DirectoryProjection
from projections.engine import BatchProjection, Item, Projection, Projector, ProjectorRaced
from projections.liaison_queue import LiaisonQueueProjection
from projections.rebuild import Rebuilder
from services.container import Container

pytestmark = pytest.mark.integration


def read_models() -> list[Projection]:
    return projections()


def rows(container: Container, projections: list[Projection]) -> dict[str, list[tuple[Any, ...]]]:
    found = {}
    with container.sql.connect() as conn:
        for projection in projections:
            for table in getattr(projection, "tables", ()):
                query = select(table).order_by(*table.primary_key.columns)
                found[table.name] = [tuple(row) for row in conn.execute(query)]
    return found


def write_history(container: Container, events: int, seed: int = 4) -> None:
    History(container.store, seed).write(events, per_save=15)


@pytest.mark.parametrize(
    ("events", "live_batch", "rebuild_batch"),
    [(700, 37, 101), (2500, 1000, 2500)],  # small batches cut across participants; large
)  # ones write 64+ rows per table, through COPY on PostgreSQL (into the shadow schema too)
def test_a_rebuild_equals_the_incremental_build(
    container: Container, events: int, live_batch: int, rebuild_batch: int
) -> None:
    write_history(container, events)
    projector = Projector(container.store, container.sql, read_models(), live_batch)
    projector.run_until_caught_up()
    incremental = rows(container, projector.projections)
    assert all(incremental.values())
    Rebuilder(container.store, container.sql, read_models(), batch_size=rebuild_batch).run()
    assert rows(container, projector.projections) == incremental
    assert projector.run_until_caught_up() == 0


class PerEvent:
    """A projection through its per-event handler only."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name, self.topics, self.tables = inner.name, inner.topics, inner.tables

    def apply(self, conn: Connection, event: Any, position: int) -> None:
        self.inner.apply(conn, event, position)


def test_the_liaison_queue_batched_equals_its_per_event_build(container: Container) -> None:
    write_history(container, 1500, seed=9)
    queue = LiaisonQueueProjection()
    Projector(container.store, container.sql, [PerEvent(queue)], 50).run_until_caught_up()
    per_event = rows(container, [queue])
    assert len(per_event["liaison_queue"]) > 50
    Rebuilder(container.store, container.sql, [queue], batch_size=700).run()
    assert rows(container, [queue]) == per_event


class Crash(BaseException):
    """The process dying part-way through a batch (a projection's Exception is quarantined)."""


class CrashingOnce(BatchProjection):
    """Fails on its second batch, after the projections before it applied theirs."""

    name = "it_crashing"
    tables = ()
    topics = DirectoryProjection.topics

    def __init__(self) -> None:
        self.calls = 0

    def apply_batch(self, conn: Connection, items: list[Item]) -> None:  # noqa: ARG002
        self.calls += 1
        if self.calls == 2:
            raise Crash


def test_a_crash_mid_batch_changes_nothing_and_the_rerun_applies_once(
    container: Container,
) -> None:
    write_history(container, 300, seed=5)
    projections = [*read_models(), CrashingOnce()]  # the others have applied when it fails
    projector = Projector(container.store, container.sql, projections, batch_size=100)
    projector.run_batch()
    before = rows(container, projections), projector.positions()
    assert any(before[0].values())
    with pytest.raises(Crash):
        projector.run_batch()
    assert (rows(container, projections), projector.positions()) == before
    projector.run_until_caught_up()
    after = rows(container, projections)
    Rebuilder(container.store, container.sql, read_models()).run()
    assert rows(container, projections) == after


def test_two_projectors_at_once_agree_with_a_rebuild(
    container: Container, second_container: Container
) -> None:
    projectors = [
        Projector(c.store, c.sql, read_models(), batch_size=20)
        for c in (container, second_container)
    ]
    done = threading.Event()
    errors: list[BaseException] = []

    def follow(projector: Projector) -> None:
        while not done.is_set():
            try:
                projector.run_until_caught_up()
            except ProjectorRaced:
                continue
            except Exception as exc:  # noqa: BLE001 (the test reports it below)
                errors.append(exc)
                return

    threads = [threading.Thread(target=follow, args=(p,)) for p in projectors]
    for thread in threads:
        thread.start()
    try:
        write_history(container, 400, seed=6)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    projectors[0].run_until_caught_up()
    live = rows(container, projectors[0].projections)
    Rebuilder(container.store, container.sql, read_models()).run()
    assert rows(container, projectors[0].projections) == live


def test_the_migration_creates_the_tables_the_projections_declare(
    container: Container,
) -> None:
    ours = {t.name for p in read_models() for t in getattr(p, "tables", ())}
    with container.sql.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert [d for d in differences if any(name in repr(d) for name in ours)] == []
