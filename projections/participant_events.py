"""The positions of every event about each participant (and which of them are disclosures),
so a participant's history is read without scanning the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from sqlalchemy import BigInteger, Boolean, Column, Connection, Index, Table, Uuid, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from infra.tables import metadata
from projections.touching import TopicsAboutParticipants, kind_of, participants_named

participant_events = Table(
    "participant_events",
    metadata,
    Column("participant_id", Uuid, primary_key=True),
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("disclosure", Boolean, nullable=False),
    Index("ix_participant_events_disclosure", "participant_id", "disclosure", "position"),
)

participant_streams = Table(
    "participant_streams",
    metadata,
    Column("originator_id", Uuid, primary_key=True),
    Column("participant_id", Uuid, nullable=False),
)

OwnerOf = Callable[[UUID], "UUID | None"]


def insert_ignoring_duplicates(conn: Connection, table: Table, values: dict[str, Any]) -> None:
    """Replaying an event leaves the same rows."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(table).values(**values).on_conflict_do_nothing())


def stream_owner(conn: Connection, originator_id: UUID) -> UUID | None:
    table = participant_streams
    found = conn.execute(
        select(table.c.participant_id).where(table.c.originator_id == originator_id)
    ).scalar()
    return found if isinstance(found, UUID) else None


def classify(event: Any, owner_of: OwnerOf) -> tuple[set[UUID], bool, UUID | None]:
    """(participants named, is a disclosure, the stream's owner if this event founds one)."""
    kind = kind_of(get_topic(type(event)))
    founded = getattr(event, "participant_id", None) if kind.owned_stream else None
    founded = founded if isinstance(founded, UUID) and event.originator_version == 1 else None
    owner = founded or (owner_of(event.originator_id) if kind.owned_stream else None)
    return participants_named(event, kind, owner), kind.disclosure, founded


class ParticipantEvents:
    name = "participant_events"
    tables = (participant_events, participant_streams)
    topics: frozenset[str] = TopicsAboutParticipants()

    def apply(self, conn: Connection, event: Any, position: int) -> None:
        named, disclosure, founded = classify(event, lambda o: stream_owner(conn, o))
        if founded is not None:
            insert_ignoring_duplicates(
                conn,
                participant_streams,
                {"originator_id": event.originator_id, "participant_id": founded},
            )
        for participant_id in named:
            insert_ignoring_duplicates(
                conn,
                participant_events,
                {"participant_id": participant_id, "position": position, "disclosure": disclosure},
            )
