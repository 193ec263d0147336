"""Blue/green rebuild of one projection: replay the whole store into shadow tables while the
live tables keep serving, then catch up and swap in one transaction.

The shadow tables live in a separate schema (PostgreSQL) or an attached database (SQLite) and
the projection's own statements are redirected there with SQLAlchemy's schema_translate_map,
so projections need no rebuild-specific code: they only declare their `tables`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, update

from infra.eventstore import LeadStore
from infra.positions import head_position
from projections.engine import Projection
from projections.tables import projection_positions

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RebuildReport:
    projection: str
    events_read: int
    position: int
    seconds: float


class Rebuilder:
    def __init__(
        self, store: LeadStore, engine: Engine, projection: Projection, batch_size: int = 5000
    ) -> None:
        self.store = store
        self.engine = engine
        self.projection = projection
        self.tables: tuple[Table, ...] = tuple(getattr(projection, "tables", ()))
        self.batch_size = batch_size
        self.shadow = f"rebuild_{projection.name}"
        self.postgres = engine.dialect.name == "postgresql"

    def run(self, progress: Progress | None = None) -> RebuildReport:
        import time  # noqa: PLC0415 (only the CLI needs timing)

        started = time.perf_counter()
        with self.connection() as conn:
            self.create_shadow(conn)
            position, read = 0, 0
            while True:
                with conn.begin():
                    batch = self.apply_next(conn, position)
                if not batch:
                    break
                position, read = batch[-1], read + len(batch)
                if progress:
                    progress(position, head_position(self.store))
            with conn.begin():
                position, caught_up = self.swap(conn, position)
            self.drop_shadow(conn)
        return RebuildReport(
            self.projection.name, read + caught_up, position, time.perf_counter() - started
        )

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if not self.postgres:
                conn.exec_driver_sql(f"ATTACH DATABASE '{self.shadow_file()}' AS {self.shadow}")
                conn.commit()
            yield conn

    def shadow_file(self) -> Path:
        database = self.engine.url.database or ""
        return Path(f"{database}.{self.shadow}")

    @contextlib.contextmanager
    def translated(self, conn: Connection) -> Iterator[Connection]:
        """Statements on `conn` go to the shadow tables until the block ends (SQLAlchemy sets
        connection execution options in place, so they are reset afterwards)."""
        conn.execution_options(schema_translate_map={None: self.shadow})
        try:
            yield conn
        finally:
            conn.execution_options(schema_translate_map=None)

    def create_shadow(self, conn: Connection) -> None:
        with conn.begin():
            if self.postgres:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {self.shadow} CASCADE")
                conn.exec_driver_sql(f"CREATE SCHEMA {self.shadow}")
            else:
                for table in self.tables:
                    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self.shadow}.{table.name}")
            with self.translated(conn) as shadow:
                for table in self.tables:
                    table.create(shadow)

    def apply_next(self, conn: Connection, after: int) -> list[int]:
        notifications = self.store.recorder.select_notifications(
            start=after, limit=self.batch_size, inclusive_of_start=False
        )
        topics = self.projection.topics
        with self.translated(conn) as shadow:
            for notification in notifications:
                if notification.topic in topics:
                    event: Any = self.store.mapper.to_domain_event(notification)
                    self.projection.apply(shadow, event, notification.id)
        return [n.id for n in notifications]

    def swap(self, conn: Connection, position: int) -> tuple[int, int]:
        """Holding the projection's position row, catch the shadow up to the head and swap;
        a live projector's conditional position update then finds it moved and retries."""
        name = self.projection.name
        lock = select(projection_positions.c.position).where(projection_positions.c.name == name)
        if self.postgres:
            lock = lock.with_for_update()
        else:
            conn.execute(
                update(projection_positions)
                .where(projection_positions.c.name == name)
                .values(position=projection_positions.c.position)
            )
        conn.execute(lock)
        caught_up = 0
        while batch := self.apply_next(conn, position):
            position, caught_up = batch[-1], caught_up + len(batch)
        for table in self.tables:
            self.swap_table(conn, table)
        conn.execute(
            update(projection_positions)
            .where(projection_positions.c.name == name)
            .values(position=position)
        )
        return position, caught_up

    def swap_table(self, conn: Connection, table: Table) -> None:
        if self.postgres:
            retired = f"retired_{self.projection.name}"
            conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {retired}")
            conn.exec_driver_sql(f"ALTER TABLE public.{table.name} SET SCHEMA {retired}")
            conn.exec_driver_sql(f"ALTER TABLE {self.shadow}.{table.name} SET SCHEMA public")
            return
        conn.exec_driver_sql(f"DELETE FROM main.{table.name}")  # noqa: S608 (our table names)
        copy = f"INSERT INTO main.{table.name} SELECT * FROM {self.shadow}.{table.name}"  # noqa: S608
        conn.exec_driver_sql(copy)

    def drop_shadow(self, conn: Connection) -> None:
        with conn.begin():
            if self.postgres:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {self.shadow} CASCADE")
                conn.exec_driver_sql(
                    f"DROP SCHEMA IF EXISTS retired_{self.projection.name} CASCADE"
                )
        if not self.postgres:
            conn.exec_driver_sql(f"DETACH DATABASE {self.shadow}")
            conn.commit()
            self.shadow_file().unlink(missing_ok=True)
