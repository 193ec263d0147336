"""Blue/green rebuild of projections: replay the store into shadow tables while the live
tables keep serving, then catch up and swap in one transaction.

The shadow tables live in a separate schema (PostgreSQL) or an attached database (SQLite) per
projection, and the projection's own statements are redirected there with SQLAlchemy's
schema_translate_map, so projections need no rebuild-specific code: they only declare their
`tables`. Several projections rebuild in one pass over the store: each event is read and
decoded once, and only events some projection wants are read at all.

What makes it fast on PostgreSQL (issue 20): the projections replay in two lanes, each on a
connection of its own (projections/rebuild_lanes.py: one lane's Python runs while the other
waits on the database); the next batches are read *and decoded* on a thread of their own
while those before are written (the decoding overlaps the database's work); an event only wanted by
projections that need just ids and versions (`decode_shallow`) is not decoded in full; the
shadow tables are known to start empty, so insert-only projections COPY into them plainly
(`projections.bulk.into_empty`); and the indexes only queries use (`indexes_after_load`) are
built once after loading rather than kept up to date row by row."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Engine, Index, Table, delete, select, update
from sqlalchemy.schema import CreateIndex, CreateTable

from infra.events_table.log import COLUMNS, Record, Stored
from infra.eventstore import LeadStore
from projections.bulk import INTO_EMPTY
from projections.engine import Decoder, Item, Projection, Undecodable, apply_guarded
from projections.quarantine import Quarantine
from projections.reader import relaxed_gc, wanted_topics
from projections.rebuild_lanes import LANES, replay_in_lanes
from projections.sql import insert_missing
from projections.tables import projection_positions, projection_quarantine

Progress = Callable[[int, int], None]
ShallowDecode = Callable[[Stored, Any], Any]
# Events per batch. At 100x (1,907,292 positions, two lanes, three alternating runs each):
# 10,000 gave 48,901 events/s and 394 MB of RSS, 20,000 gave 51,744 and 544 MB, 40,000 gave
# 52,223 and 851 MB: each batch costs every projection some statements and a commit.
BATCH = 20_000


@dataclass(frozen=True)
class Batch:
    """Notifications read, and each projection's items decoded from them."""

    notifications: Sequence[Stored]
    items: dict[str, list[Item]]


@dataclass(frozen=True)
class RebuildReport:
    projection: str
    events_read: int
    position: int
    seconds: float


class Rebuilder:
    def __init__(
        self,
        store: LeadStore,
        engine: Engine,
        projections: Projection | Sequence[Projection],
        batch_size: int | None = None,
    ) -> None:
        self.store = store
        self.engine = engine
        chosen = projections if isinstance(projections, Sequence) else [projections]
        self.projections: list[Projection] = list(chosen)
        self.topics = wanted_topics(self.projections)
        self.batch_size = BATCH if batch_size is None else batch_size
        self.postgres = engine.dialect.name == "postgresql"
        self.in_sql: frozenset[str] = frozenset()  # topics written by SQL alone (run)
        # Events the replay could not apply: they replace the projections' quarantine entries
        # at the swap (an entry a fix now applies must not be retried, and applied, again).
        self.quarantine = Quarantine(engine)
        self.set_aside: list[tuple[str, int, Any, Exception]] = []

    def record(
        self, _: Connection, projection: str, position: int, event: Any, exc: Exception
    ) -> None:
        self.set_aside.append((projection, position, event, exc))

    def run(self, progress: Progress | None = None) -> RebuildReport:
        started = time.perf_counter()
        self.in_sql = self.sql_only_topics()
        with self.connection() as conn:
            for projection in self.projections:
                self.create_shadow(conn, projection)
            with self.replaying():
                position, read = self.replay(conn, progress)
                with conn.begin():
                    position, caught_up = self.swap(conn, position)
            for projection in self.projections:
                self.drop_shadow(conn, projection)
        names = ",".join(p.name for p in self.projections)
        return RebuildReport(names, read + caught_up, position, time.perf_counter() - started)

    def replay(self, conn: Connection, progress: Progress | None) -> tuple[int, int]:
        """Everything up to now into the shadows, one transaction per batch; the next batch
        is read on a thread while this one is applied (the database works meanwhile). On
        PostgreSQL the projections replay in lanes (projections/rebuild_lanes.py)."""
        keyring = getattr(self.store.mapper, "keyring", None)  # a sealed store's
        if keyring is not None:
            keyring.load_all()
        with relaxed_gc():
            if self.postgres and len(self.projections) >= LANES:
                position, read = replay_in_lanes(self, conn, progress)
            else:
                position, read = self.replay_in_turn(conn, progress)
        self.build_deferred_indexes(conn)
        return position, read

    def replay_in_turn(self, conn: Connection, progress: Progress | None) -> tuple[int, int]:
        position, read = 0, 0
        with ThreadPoolExecutor(max_workers=1) as pool:
            upcoming = pool.submit(self.prefetch, position)
            while (batch := upcoming.result()).notifications:
                notifications = batch.notifications
                upcoming = pool.submit(self.prefetch, notifications[-1].id)
                self.apply_lane(conn, self.projections, batch.items, position, notifications[-1].id)
                position, read = notifications[-1].id, read + len(notifications)
                if progress:
                    progress(position, self.store.table.head())
        return position, read

    def read(self, after: int) -> Sequence[Stored]:
        """The next batch of the events some projection reads here (not those `in_sql`)."""
        if not self.in_sql:
            return self.store.table.notifications(after, self.batch_size, self.topics)
        table = self.store.table
        sql = (
            f"SELECT {COLUMNS} FROM {table.dialect.table} "  # noqa: S608 (constants)
            "WHERE notification_id > %s AND NOT (topic = ANY(%s)) "
            "ORDER BY notification_id LIMIT %s"
        )
        rows = table.rows(sql, (after, sorted(self.in_sql), self.batch_size), binary=True)
        return [Record._make(row) for row in rows]

    def sql_only_topics(self) -> frozenset[str]:
        """Stored topics every projection that wants them writes by SQL alone during a
        rebuild (PostgreSQL; only when everything is read, so no topic list is cut short;
        a topic first stored later is read here as usual)."""
        if not self.postgres or self.topics:
            return frozenset()
        stored = self.store.table.topic_counts()
        chosen = set()
        for topic in stored:
            wanting = [p for p in self.projections if topic in p.topics]
            capable = [sql_writer(p) for p in wanting]
            if wanting and all(w is not None and topic in w.sql_topics([topic]) for w in capable):
                chosen.add(topic)
        return frozenset(chosen)

    def apply_in_sql(
        self,
        conn: Connection,
        after: int,
        upto: int,
        projections: Sequence[Projection] | None = None,
    ) -> None:
        """The events of the `in_sql` topics at positions in (after, upto]: committed, all of
        them, since `upto` is (the store's insert lock keeps commit order = position order).
        `projections`: those of one lane (all of them by default)."""
        if not self.in_sql or upto <= after:
            return
        for projection in self.projections if projections is None else projections:
            writer = sql_writer(projection)
            if writer is not None:
                topics = frozenset(t for t in self.in_sql if t in projection.topics)
                with self.translated(conn, projection) as shadow:
                    writer.index_in_sql(shadow, self.store.table.dialect.table, topics, after, upto)

    def prefetch(self, after: int) -> Batch:
        notifications = self.read(after)
        return Batch(notifications, self.decode(notifications))

    def decode(self, notifications: Sequence[Stored]) -> dict[str, list[Item]]:
        """Each projection's items; every event decoded at most once, and only shallowly when
        every projection that wants it can do with that (one that wants it in full first)."""
        decoder = Decoder(self.store.mapper)
        shallow_ones = [p for p in self.projections if shallow_decoder(p) is not None]
        items = {
            p.name: decoder.items(notifications, p.topics)
            for p in self.projections
            if shallow_decoder(p) is None
        }
        for projection in shallow_ones:
            items[projection.name] = self.shallow_items(decoder, notifications, projection)
        return items

    def shallow_items(
        self, decoder: Decoder, notifications: Sequence[Stored], projection: Projection
    ) -> list[Item]:
        decode = shallow_decoder(projection)
        assert decode is not None
        chosen: list[Item] = []
        for notification in notifications:
            if notification.topic in projection.topics:
                event = decoder.decoded.get(notification.id)
                if event is None:
                    try:
                        event = decode(notification, self.store.mapper)
                    except Exception as exc:  # noqa: BLE001 (set aside, as a full decode's)
                        event = Undecodable(notification.topic, exc)
                chosen.append((notification.id, event))
        return chosen

    def apply(self, conn: Connection, notifications: Sequence[Stored]) -> None:
        self.apply_items(conn, self.decode(notifications))

    def apply_items(
        self,
        conn: Connection,
        items: dict[str, list[Item]],
        projections: Sequence[Projection] | None = None,
    ) -> None:
        for projection in self.projections if projections is None else projections:
            with self.translated(conn, projection) as shadow:
                apply_guarded(shadow, projection, items[projection.name], self)

    def apply_lane(
        self,
        conn: Connection,
        projections: Sequence[Projection],
        items: dict[str, list[Item]],
        after: int,
        upto: int,
    ) -> None:
        """One lane's part of a batch, in one transaction of its connection."""
        with conn.begin():
            self.apply_items(conn, items, projections)
            self.apply_in_sql(conn, after, upto, projections)

    @contextlib.contextmanager
    def replaying(self) -> Iterator[None]:
        """Projections that keep what they wrote in memory while their shadows fill
        (`begin_replay`, `end_replay`) are told when that starts and ends."""
        hooked = [cast(KeepsReplay, p) for p in self.projections if hasattr(p, "begin_replay")]
        for projection in hooked:
            projection.begin_replay()
        try:
            yield
        finally:
            for projection in hooked:
                projection.end_replay()

    @staticmethod
    def shadow(projection: Projection) -> str:
        return f"rebuild_{projection.name}"

    @staticmethod
    def tables(projection: Projection) -> tuple[Table, ...]:
        return tuple(getattr(projection, "tables", ()))

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if not self.postgres:
                for projection in self.projections:
                    file = self.shadow_file(projection)
                    conn.exec_driver_sql(f"ATTACH DATABASE '{file}' AS {self.shadow(projection)}")
                conn.commit()
            try:
                yield conn
            except BaseException:
                if not self.postgres:  # its shadows stay attached: it must not go back to the pool
                    conn.invalidate()
                raise

    def shadow_file(self, projection: Projection) -> Path:
        database = self.engine.url.database or ""
        return Path(f"{database}.{self.shadow(projection)}")

    @contextlib.contextmanager
    def translated(self, conn: Connection, projection: Projection) -> Iterator[Connection]:
        """Statements on `conn` go to the projection's shadow tables until the block ends
        (SQLAlchemy sets connection execution options in place, so they are reset after)."""
        conn.execution_options(
            schema_translate_map={None: self.shadow(projection)}, **{INTO_EMPTY: self.postgres}
        )
        try:
            yield conn
        finally:
            conn.execution_options(schema_translate_map=None, **{INTO_EMPTY: False})

    def create_shadow(self, conn: Connection, projection: Projection) -> None:
        shadow = self.shadow(projection)
        with conn.begin():
            if self.postgres:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {shadow} CASCADE")
                conn.exec_driver_sql(f"CREATE SCHEMA {shadow}")
            else:
                for table in self.tables(projection):
                    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {shadow}.{table.name}")
            with self.translated(conn, projection) as translated:
                for table in self.tables(projection):
                    if not self.postgres:
                        table.create(translated)
                        continue
                    translated.execute(CreateTable(table))
                    for index in table.indexes:
                        if index not in self.deferred(projection, table):
                            translated.execute(CreateIndex(index))

    def deferred(self, projection: Projection, table: Table) -> list[Index]:
        """Indexes built after loading (PostgreSQL): the projection's own writes never use them."""
        if not self.postgres:
            return []
        names: frozenset[str] = getattr(projection, "indexes_after_load", frozenset())
        return [index for index in table.indexes if index.name in names]

    def build_deferred_indexes(self, conn: Connection) -> None:
        """One sort per index over the loaded rows, before the swap's short transaction."""
        for projection in self.projections:
            with conn.begin(), self.translated(conn, projection) as translated:
                for table in self.tables(projection):
                    for index in self.deferred(projection, table):
                        translated.execute(CreateIndex(index))

    def swap(self, conn: Connection, position: int) -> tuple[int, int]:
        """Holding the projections' position rows, catch the shadows up to the head and swap;
        a live projector's conditional position update then finds them moved and retries.
        Events up to the head read first are all committed (the store's insert lock keeps
        commit order equal to position order), so the head is where the shadows stand."""
        names = [p.name for p in self.projections]
        fresh = [{"name": name, "position": 0} for name in names]
        insert_missing(conn, projection_positions, fresh, keys=["name"])
        lock = select(projection_positions.c.position).where(projection_positions.c.name.in_(names))
        if self.postgres:
            lock = lock.with_for_update()
        else:
            conn.execute(
                update(projection_positions)
                .where(projection_positions.c.name.in_(names))
                .values(position=projection_positions.c.position)
            )
        conn.execute(lock)
        head = self.store.table.head()
        caught_up = 0
        while notifications := self.read(position):
            self.apply(conn, notifications)
            self.apply_in_sql(conn, position, notifications[-1].id)
            position, caught_up = notifications[-1].id, caught_up + len(notifications)
        self.apply_in_sql(conn, position, max(position, head))
        position = max(position, head)
        for projection in self.projections:
            for table in self.tables(projection):
                self.swap_table(conn, projection, table)
        conn.execute(
            update(projection_positions)
            .where(projection_positions.c.name.in_(names))
            .values(position=position)
        )
        conn.execute(
            delete(projection_quarantine).where(projection_quarantine.c.projection.in_(names))
        )
        for projection_name, at, event, exc in self.set_aside:
            self.quarantine.record(conn, projection_name, at, event, exc)
        return position, caught_up

    def swap_table(self, conn: Connection, projection: Projection, table: Table) -> None:
        shadow = self.shadow(projection)
        if self.postgres:
            retired = f"retired_{projection.name}"
            conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {retired}")
            conn.exec_driver_sql(f"ALTER TABLE public.{table.name} SET SCHEMA {retired}")
            conn.exec_driver_sql(f"ALTER TABLE {shadow}.{table.name} SET SCHEMA public")
            return
        conn.exec_driver_sql(f"DELETE FROM main.{table.name}")  # noqa: S608 (our table names)
        # By name: a migration that added a column put it last, the shadow has metadata's order.
        listed = ", ".join(f'"{column.name}"' for column in table.columns)
        copy = (
            f"INSERT INTO main.{table.name} ({listed}) SELECT {listed} FROM {shadow}.{table.name}"  # noqa: S608
        )
        conn.exec_driver_sql(copy)

    def drop_shadow(self, conn: Connection, projection: Projection) -> None:
        with conn.begin():
            if self.postgres:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {self.shadow(projection)} CASCADE")
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS retired_{projection.name} CASCADE")
        if not self.postgres:
            conn.exec_driver_sql(f"DETACH DATABASE {self.shadow(projection)}")
            conn.commit()
            self.shadow_file(projection).unlink(missing_ok=True)


class WritesInSql(Protocol):
    def sql_topics(self, topics: Iterable[str]) -> frozenset[str]: ...

    def index_in_sql(
        self, conn: Connection, events_table: str, topics: frozenset[str], after: int, upto: int
    ) -> None: ...


class KeepsReplay(Protocol):
    def begin_replay(self) -> None: ...

    def end_replay(self) -> None: ...


def sql_writer(projection: Projection) -> WritesInSql | None:
    """A projection that writes the rows of some topics' events by SQL alone in a rebuild."""
    has = hasattr(projection, "sql_topics") and hasattr(projection, "index_in_sql")
    return cast(WritesInSql, projection) if has else None


def shallow_decoder(projection: Projection) -> ShallowDecode | None:
    """A projection that needs only ids and versions of (some) events reads them with this."""
    decode: ShallowDecode | None = getattr(projection, "decode_shallow", None)
    return decode
