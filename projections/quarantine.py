"""Events a projection could not apply, set aside so that one bad event never stops a read
model (issue 11). Events cannot be changed, so a projection that failed on one would otherwise
retry it forever, and every view behind it would freeze.

An entry names the projection, the position, the event's type, the error's class and a summary
that carries no personal data (`infra/scrub.py`), and the code version that failed: after an
upgrade the entries are retried by themselves; `leadctl projections retry` retries on demand.
Re-applying an entry deletes it in the same transaction, conditionally, so it applies once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import Connection, Engine, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from infra.observability import QUARANTINED
from infra.scrub import error_class, safe_summary
from projections.tables import projection_quarantine

log = structlog.get_logger(__name__)

# The store or the connection failing is no fault of the event: the batch is retried whole.
TRANSIENT: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, DisconnectionError)


def code_version() -> str:
    """The package version and a digest of the projections' code: a fix changes it."""
    try:
        version = metadata.version("lead-service")
    except metadata.PackageNotFoundError:
        version = "0"
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return f"{version}+{digest.hexdigest()[:12]}"


@dataclass(frozen=True)
class Entry:
    projection: str
    position: int
    event_type: str
    error_class: str
    message: str
    code_version: str
    quarantined_at: datetime


def event_type(event: Any) -> str:
    """The event's class; for one that did not decode, its stored topic."""
    topic = getattr(event, "topic", None)
    return topic if isinstance(topic, str) else type(event).__qualname__


class Quarantine:
    def __init__(self, engine: Engine, version: str | None = None) -> None:
        self.engine = engine
        self.version = version or code_version()

    def record(
        self, conn: Connection, projection: str, position: int, event: Any, exc: Exception
    ) -> None:
        """Set the event aside (once: a second failure of the same entry changes nothing)."""
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        added = conn.execute(
            insert(projection_quarantine)
            .values(
                projection=projection,
                position=position,
                event_type=event_type(event),
                error_class=error_class(exc),
                message=safe_summary(exc),
                code_version=self.version,
            )
            .on_conflict_do_nothing(index_elements=["projection", "position"])
        )
        if added.rowcount:
            QUARANTINED.labels(projection).inc()
            log.error(
                "projection_event_quarantined",
                projection=projection,
                position=position,
                event_type=event_type(event),
                error=safe_summary(exc),
            )

    def entries(self, projection: str | None = None) -> list[Entry]:
        table = projection_quarantine
        query = select(*(table.c[name] for name in Entry.__dataclass_fields__))
        if projection is not None:
            query = query.where(table.c.projection == projection)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(table.c.projection, table.c.position))
            return [Entry(**row._mapping) for row in rows]

    def counts(self) -> dict[str, int]:
        table = projection_quarantine
        query = select(table.c.projection, func.count()).group_by(table.c.projection)
        with self.engine.connect() as conn:
            return {name: int(count) for name, count in conn.execute(query)}

    @staticmethod
    def release(conn: Connection, projection: str, position: int) -> bool:
        """Delete the entry; False when another retry released it first."""
        table = projection_quarantine
        gone = conn.execute(
            delete(table).where(table.c.projection == projection, table.c.position == position)
        )
        return gone.rowcount == 1

    def mark_current(
        self, conn: Connection, projection: str, position: int, exc: Exception
    ) -> None:
        """A retry failed again: the entry stays, as this version's failure."""
        table = projection_quarantine
        conn.execute(
            update(table)
            .where(table.c.projection == projection, table.c.position == position)
            .values(
                error_class=error_class(exc), message=safe_summary(exc), code_version=self.version
            )
        )
