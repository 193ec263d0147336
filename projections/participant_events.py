"""The positions of every event about each participant (and which of them are disclosures),
so a participant's history is read without scanning the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from sqlalchemy import BigInteger, Boolean, Column, Connection, Index, Table, Uuid, select

from infra.tables import metadata
from projections.engine import BatchProjection, Item
from projections.sql import Row, load_rows, upsert_many
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


class ParticipantEvents(BatchProjection):
    """Per batch: one load of the stream owners it needs, one write per table."""

    name = "participant_events"
    tables = (participant_events, participant_streams)
    topics: frozenset[str] = TopicsAboutParticipants()

    def apply_batch(self, conn: Connection, items: list[Item]) -> None:
        owners = self.known_owners(conn, items)
        streams: list[Row] = []
        rows: dict[tuple[UUID, int], Row] = {}
        for position, event in items:
            named, disclosure, founded = classify(event, owners.get)
            if founded is not None:
                owners[event.originator_id] = founded
                streams.append({"originator_id": event.originator_id, "participant_id": founded})
            for participant_id in named:
                rows[participant_id, position] = {
                    "participant_id": participant_id,
                    "position": position,
                    "disclosure": disclosure,
                }
        upsert_many(conn, participant_streams, streams, ["originator_id"])
        upsert_many(conn, participant_events, list(rows.values()), ["participant_id", "position"])

    @staticmethod
    def known_owners(conn: Connection, items: list[Item]) -> dict[UUID, UUID]:
        owned = {
            event.originator_id
            for _, event in items
            if kind_of(get_topic(type(event))).owned_stream and event.originator_version > 1
        }
        table = participant_streams
        return {
            row["originator_id"]: row["participant_id"]
            for row in load_rows(conn, table, table.c.originator_id, owned)
        }
