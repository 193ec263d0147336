"""How the table is named and addressed on each database the store runs on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

POSTGRES_EVENTS_TABLE = "leadstore_events"
POSTGRES_SNAPSHOTS_TABLE = "leadstore_snapshots"
SQLITE_EVENTS_TABLE = "stored_events"
SQLITE_SNAPSHOTS_TABLE = "stored_snapshots"
POSTGRES_MODULE = "eventsourcing.postgres"


@dataclass(frozen=True)
class Dialect:
    postgres: bool
    table: str
    position: str  # the column holding the global position
    mark: str  # the driver's parameter placeholder


POSTGRES = Dialect(
    postgres=True, table=POSTGRES_EVENTS_TABLE, position="notification_id", mark="%s"
)
SQLITE = Dialect(postgres=False, table=SQLITE_EVENTS_TABLE, position="rowid", mark="?")


def of_store(env: Mapping[str, str]) -> Dialect:
    """The dialect of a store, from the library's configuration of it."""
    return POSTGRES if env.get("PERSISTENCE_MODULE") == POSTGRES_MODULE else SQLITE


def of_engine_name(name: str) -> Dialect:
    """The dialect behind a SQLAlchemy engine, from `engine.dialect.name`."""
    return POSTGRES if name == "postgresql" else SQLITE
