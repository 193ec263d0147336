"""The log of reads of participants' data, buffered so a read does not wait on an insert, and
written a sealed batch at a time (services/audit/read_seals.py) so a deleted read is noticed.

The bound on what a crash can lose: records are written when `max_records` are waiting (by
the request that fills the buffer, before it answers), every `max_delay` by a flusher thread,
and on close. So a crash (kill -9, power loss) loses at most `max_records - 1` records, all
accepted within the last `max_delay` (plus the time of one insert). If a write fails the
records stay buffered and the filling request fails too: nothing is disclosed unrecorded
beyond that bound."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

import structlog
from sqlalchemy import Connection, Engine, Row, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from infra.audit_tables import access_log, access_log_batches

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class AccessRecord:
    participant_id: UUID
    at: datetime
    client_id: str
    agency: str
    role: str
    actor: str
    endpoint: str
    categories: str
    purpose: str
    detail: str


ReadRow = tuple[int, AccessRecord]
GENESIS = bytes(32)
SEAL_ATTEMPTS = 5  # other processes sealing the same next batch: take the one after


class Seal(Protocol):
    @property
    def link(self) -> bytes: ...
    @property
    def key_id(self) -> str: ...
    @property
    def signature(self) -> bytes: ...


class Sealer(Protocol):
    def seal(self, previous: bytes, seq: int, records: Sequence[AccessRecord]) -> Seal: ...


class AccessLog:
    def __init__(
        self, engine: Engine, sealer: Sealer, max_records: int = 100, max_delay: float = 0.2
    ) -> None:
        self.engine = engine
        self.sealer = sealer
        self.max_records = max_records
        self.max_delay = max_delay
        self.buffer: list[AccessRecord] = []
        self.lock = threading.Lock()
        self.writing = threading.Lock()
        self.stopping = threading.Event()
        self.flusher: threading.Thread | None = None

    def record(self, records: list[AccessRecord]) -> None:
        with self.lock:
            self.buffer.extend(records)
            full = len(self.buffer) >= self.max_records
            if self.flusher is None and not self.stopping.is_set():
                self.flusher = threading.Thread(target=self.run, name="access-log", daemon=True)
                self.flusher.start()
        if full:
            self.flush()

    def flush(self) -> int:
        """Write what is buffered; on failure the records go back to the front and it raises."""
        with self.writing:
            with self.lock:
                taken, self.buffer = self.buffer, []
            if not taken:
                return 0
            try:
                self.write_batch(taken)
            except Exception:  # kept buffered; retried next round
                with self.lock:
                    self.buffer[:0] = taken
                raise
            return len(taken)

    def write_batch(self, records: list[AccessRecord]) -> None:
        """The reads and their sealed batch in one transaction. Another process may seal the
        same next number first: its batch stands, and this one takes the number after."""
        for attempt in range(SEAL_ATTEMPTS):
            try:
                with self.engine.begin() as conn:
                    self.insert_batch(conn, records)
                return
            except (IntegrityError, OperationalError):
                if attempt == SEAL_ATTEMPTS - 1:
                    raise

    def insert_batch(self, conn: Connection, records: list[AccessRecord]) -> None:
        batches = access_log_batches
        last = conn.execute(
            select(batches.c.seq, batches.c.link).order_by(batches.c.seq.desc()).limit(1)
        ).first()
        seq, previous = (int(last.seq) + 1, bytes(last.link)) if last else (1, GENESIS)
        sealed = self.sealer.seal(previous, seq, records)
        conn.execute(insert(access_log), [asdict(r) | {"batch": seq} for r in records])
        conn.execute(
            insert(batches).values(
                seq=seq,
                reads=len(records),
                link=sealed.link,
                sealed_at=records[-1].at,
                key_id=sealed.key_id,
                signature=sealed.signature,
            )
        )

    def run(self) -> None:
        while not self.stopping.wait(self.max_delay):
            try:
                self.flush()
            except Exception:  # kept buffered; retried next round
                log.exception("access_log_flush_failed")

    def close(self) -> None:
        self.stopping.set()
        if self.flusher is not None:
            self.flusher.join(timeout=5)
        self.flush()

    def pending(self) -> int:
        with self.lock:
            return len(self.buffer)


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time stored here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def reads_of(engine: Engine, participant_id: UUID, after_id: int, limit: int) -> list[ReadRow]:
    table = access_log
    with engine.connect() as conn:
        rows = conn.execute(
            select(table)
            .where(table.c.participant_id == participant_id, table.c.id > after_id)
            .order_by(table.c.id)
            .limit(limit)
        ).all()
    return [(int(row.id), record_of(row)) for row in rows]


def record_of(row: Row[Any]) -> AccessRecord:
    return AccessRecord(
        row.participant_id,
        utc(row.at),
        row.client_id,
        row.agency,
        row.role,
        row.actor,
        row.endpoint,
        row.categories,
        row.purpose,
        row.detail,
    )
