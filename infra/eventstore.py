"""The one event store of a site: a single eventsourcing Application and notification log,
so audit, the hash chain and projections all read one global order."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cached_property
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import (
    Application,
    ProcessingEvent,
    ProjectorFunction,
    project_aggregate,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, Mapper
from eventsourcing.postgres import PostgresApplicationRecorder

from domain.caseloads import Caseloads
from domain.identifiers import LEGACY_CLAIM_IDS, ClaimIds
from domain.participant import Participant
from domain.policy import SitePolicy
from infra.async_group_commit import AsyncGroupCommit, BatchFailed
from infra.events_table.log import EventLog
from infra.keyring import Keyring
from infra.keys import open_keyring
from infra.observability import EVENTS_WRITTEN
from infra.sealing import SealingMapper
from infra.settings import Settings
from infra.transcodings import register_domain_transcodings, with_encodable_keys

STORE_NAME = "LeadStore"  # the library names the tables after it (events_table/dialects.py)
GROUP_COMMIT_RECORDER = "infra.group_commit:GroupCommitRecorder"
TRANSCODER = "infra.transcodings:LeadTranscoder"


class NotAtOnce(Exception):
    """This save cannot be appended on the event loop; the library's path saves it."""


class LeadStore(Application[UUID]):
    name = STORE_NAME
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Participant: 50,
        Caseloads: 50,
        SitePolicy: 20,
    }
    # True where saves are held in memory: readers that bypass the library must not.
    writes_behind: ClassVar[bool] = False

    def __init__(self, env: dict[str, str] | None = None, keyring: Keyring | None = None) -> None:
        """`keyring` None: personal data is stored in plain text (benchmarks compare both)."""
        self.keyring = keyring
        super().__init__(env=env)
        self.appender = self.async_appender(env or {})

    def async_appender(self, env: dict[str, str]) -> AsyncGroupCommit | None:
        """Saves on the event loop (`save_at_once`): PostgreSQL only, and never where saves
        are held in memory."""
        if self.writes_behind or not isinstance(self.recorder, PostgresApplicationRecorder):
            return None
        conninfo = {
            "dbname": env["POSTGRES_DBNAME"],
            "host": env["POSTGRES_HOST"],
            "port": env["POSTGRES_PORT"],
            "user": env["POSTGRES_USER"],
            "password": env.get("POSTGRES_PASSWORD", ""),
            "connect_timeout": env.get("POSTGRES_CONNECT_TIMEOUT", "5"),
        }
        return AsyncGroupCommit(self.recorder, conninfo)

    @property
    def claim_ids(self) -> ClaimIds:
        """Identifier claim ids: keyed on a sealed store, legacy uuid5 on a plaintext one."""
        return self.keyring.claim_ids if self.keyring is not None else LEGACY_CLAIM_IDS

    def close(self) -> None:
        if self.appender is not None:
            self.appender.close()
        super().close()
        if self.keyring is not None:
            self.keyring.engine.dispose()  # its pool, or a test run exhausts the server's

    def construct_mapper(self) -> Mapper[UUID]:
        return SealingMapper(self.construct_transcoder(), self.keyring)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """The library's `save`, with its events collected by class: the library asks each
        object whether it is a domain event or an aggregate through runtime-checkable
        Protocols, ~18 µs an object (every attribute probed). Anything not an aggregate
        goes the library's way."""
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        for obj in objs:
            if isinstance(obj, Aggregate):  # a plain class check
                processing.events.extend(obj.collect_events())
                processing.aggregates[obj.id] = obj
            elif obj is not None:
                processing.collect_events(obj)
        processing.saved_kwargs.update(kwargs)
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        self.notify(processing.events)
        EVENTS_WRITTEN.inc(len(recordings))
        return recordings

    async def save_at_once(self, aggregates: Sequence[Any], read: Mapping[UUID, int]) -> int:
        """The aggregates' new events appended from the event loop, encoded by the library's
        mapper as `save` encodes them, if every stream in `read` is still at the version
        given (0: absent); the position of the last. IntegrityError when the save conflicts
        (nothing written); NotAtOnce when no appender serves this store, there is nothing to
        append, a snapshot would fall due (the library's `save` takes those), or the batch
        failed as a whole: the library's path then saves, from a fresh decision."""
        if self.appender is None or any(self.snapshot_due(a) for a in aggregates):
            raise NotAtOnce
        if self.keyring is not None and self.keyring.out_of_spares:  # a new person takes one
            await asyncio.to_thread(self.keyring.restock)  # its transaction, off the loop
        events = [event for aggregate in aggregates for event in aggregate.collect_events()]
        if not events:
            raise NotAtOnce
        stored = [self.mapper.to_stored_event(event) for event in events]
        try:
            ids = await self.appender.append(stored, read)
        except BatchFailed as failed:
            raise NotAtOnce from failed
        EVENTS_WRITTEN.inc(len(ids))
        return max(ids)

    def snapshot_due(self, aggregate: Any) -> bool:
        interval = self.snapshotting_intervals.get(type(aggregate))
        if not interval or not isinstance(aggregate, Aggregate):
            return False
        return any(e.originator_version % interval == 0 for e in aggregate.pending_events)

    def position_after(self, recordings: list[Any]) -> int:
        """Where a reader must have read to see a save: its last event, or the head of the
        log when it saved nothing."""
        last = max((r.notification.id for r in recordings), default=None)
        return int(last) if last is not None else self.table.head()

    @cached_property
    def table(self) -> EventLog:
        """The events table, for reads that do not rebuild an aggregate."""
        return EventLog(self)

    def take_snapshot(
        self,
        aggregate_id: UUID,
        version: int | None = None,
        projector_func: ProjectorFunction[Any, Any] = project_aggregate,
    ) -> None:
        """The library's, except that the state is made JSON-ready first: JSON objects
        cannot be keyed by UUID, as the caseloads are."""
        assert self.snapshots is not None
        aggregate: Any = self.repository.get(
            aggregate_id, version=version, projector_func=projector_func
        )
        self.snapshots.put([snapshot_of(aggregate)])

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)


def snapshot_of(aggregate: Any) -> Any:
    snapshot = type(aggregate).Snapshot.take(aggregate)
    return replace(snapshot, state=with_encodable_keys(snapshot.state))


def store_environment(settings: Settings) -> dict[str, str]:
    """The library's configuration. Table creation is off: `leadctl migrate` owns the schema.
    POSTGRES_ENABLE_DB_FUNCTIONS stays off: it drops the insert lock that keeps commit order
    equal to position order, and a follower would skip events. Group commit (PostgreSQL only)
    keeps that lock and takes it once for the saves of several requests."""
    common = {"CREATE_TABLE": "n", "IS_SNAPSHOTTING_ENABLED": "y", "TRANSCODER_TOPIC": TRANSCODER}
    if settings.is_sqlite:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        return common | {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.sqlite_path),
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    p = settings.postgres_parts
    return (
        common
        | {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": p["dbname"],
            "POSTGRES_HOST": p["host"],
            "POSTGRES_PORT": p["port"],
            "POSTGRES_USER": p["user"],
            "POSTGRES_PASSWORD": p["password"],
            "POSTGRES_POOL_SIZE": str(settings.pool_size),
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_CONNECT_TIMEOUT": str(settings.connect_timeout_seconds),
            "POSTGRES_LOCK_TIMEOUT": "10",
            "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        }
        | ({"APPLICATION_RECORDER_TOPIC": GROUP_COMMIT_RECORDER} if settings.group_commit else {})
    )


def open_store(settings: Settings, *, sealed: bool = True) -> LeadStore:
    keyring = open_keyring(settings) if sealed else None
    return LeadStore(env=store_environment(settings), keyring=keyring)
