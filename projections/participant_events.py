"""The positions of every event about each participant (and which of them are disclosures),
so a participant's history is read without scanning the store."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper
from eventsourcing.utils import get_topic
from sqlalchemy import BigInteger, Boolean, Column, Connection, Index, Table, Uuid, select, text

from infra.events_table.log import Stored
from infra.tables import metadata
from projections.bulk import copy_insert, into_empty, target_name
from projections.engine import BatchProjection, Item
from projections.sql import Row, load_rows, upsert_many
from projections.touching import (
    PARTICIPANT_FIELD,
    TopicsAboutParticipants,
    kind_of,
    participants_named,
)

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


class Shallow(NamedTuple):
    """What this projection reads of an event, decoded without building the event: a rebuild
    spent most of its decoding on events only this projection wants."""

    topic: str
    originator_id: UUID
    originator_version: int
    participant_id: UUID | None


def shallow(stored: Stored, mapper: Mapper[Any]) -> Shallow:
    """The ids and version of a stored event and its `participant_id`, if it has one. That
    field is never sealed (issue 18 seals personal fields only), so it is read from the
    stored JSON, after the library's cipher and compressor if the store has them."""
    originator = stored.originator_id
    originator_id = originator if isinstance(originator, UUID) else UUID(originator)
    participant_id = None
    kind = kind_of(stored.topic)
    if kind.names_participant or (kind.owned_stream and stored.originator_version == 1):
        state = stored.state
        if mapper.cipher is not None:
            state = mapper.cipher.decrypt(state)
        if mapper.compressor is not None:
            state = mapper.compressor.decompress(state)
        field = orjson.loads(state).get(PARTICIPANT_FIELD)
        if isinstance(field, dict) and field.get("_type_") == "uuid_hex":
            participant_id = UUID(hex=field["_data_"])
    return Shallow(stored.topic, originator_id, stored.originator_version, participant_id)


def topic_of(event: Any) -> str:
    return event.topic if isinstance(event, Shallow) else get_topic(type(event))


def classify(event: Any, owner_of: OwnerOf) -> tuple[set[UUID], bool, UUID | None]:
    """(participants named, is a disclosure, the stream's owner if this event founds one);
    `event` is a domain event or its `Shallow` reading."""
    kind = kind_of(topic_of(event))
    founded = getattr(event, "participant_id", None) if kind.owned_stream else None
    founded = founded if isinstance(founded, UUID) and event.originator_version == 1 else None
    owner = founded or (owner_of(event.originator_id) if kind.owned_stream else None)
    return participants_named(event, kind, owner), kind.disclosure, founded


class ParticipantEvents(BatchProjection):
    """Per batch: one load of the stream owners it needs, one write per table. It needs only
    ids and versions, so a rebuild hands it `Shallow` readings (`decode_shallow`) of the
    events no other projection wants decoded, and builds its disclosure index after loading
    (only the history's queries use it)."""

    name = "participant_events"
    tables = (participant_events, participant_streams)
    topics: frozenset[str] = TopicsAboutParticipants()
    decode_shallow = staticmethod(shallow)
    indexes_after_load = frozenset({"ix_participant_events_disclosure"})

    @staticmethod
    def sql_topics(topics: Iterable[str]) -> frozenset[str]:
        """Topics whose events name exactly their own stream, the participant's (a contact
        recorded, most of a store): their rows are the events table's own columns, so a
        rebuild on PostgreSQL writes them with one INSERT … SELECT per batch, unread here."""
        return frozenset(
            topic
            for topic in topics
            if (kind := kind_of(topic)).is_participant
            and not kind.names_participant
            and not kind.owned_stream
        )

    @staticmethod
    def index_in_sql(
        conn: Connection, events_table: str, topics: frozenset[str], after: int, upto: int
    ) -> None:
        """The rows of the events of `topics` (from `sql_topics`) at positions in (after,
        upto], as `apply_batch` would write them, into an empty table (a rebuild's)."""
        target = target_name(conn, participant_events)
        listed = sorted(topics)
        disclosures = [topic for topic in listed if kind_of(topic).disclosure]
        conn.execute(
            text(
                f"INSERT INTO {target} (participant_id, position, disclosure) "  # noqa: S608 (ours)
                f"SELECT originator_id, notification_id, topic = ANY(:disclosures) "
                f"FROM {events_table} WHERE notification_id > :after "
                "AND notification_id <= :upto AND topic = ANY(:topics)"
            ),
            {"disclosures": disclosures, "after": after, "upto": upto, "topics": listed},
        )

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
        write(conn, participant_streams, streams, ["originator_id"])
        write(conn, participant_events, list(rows.values()), ["participant_id", "position"])

    @staticmethod
    def known_owners(conn: Connection, items: list[Item]) -> dict[UUID, UUID]:
        owned = {
            event.originator_id
            for _, event in items
            if kind_of(topic_of(event)).owned_stream and event.originator_version > 1
        }
        table = participant_streams
        return {
            row["originator_id"]: row["participant_id"]
            for row in load_rows(conn, table, table.c.originator_id, owned)
        }


def write(conn: Connection, table: Table, rows: list[Row], keys: list[str]) -> None:
    """Every row is keyed by a position (or a stream's first event) the batch is the first to
    see, so into a rebuild's empty shadow tables they go by plain COPY; live, by upsert (a
    replayed batch leaves the same rows)."""
    if rows and into_empty(conn):
        copy_insert(conn, table, rows)
    else:
        upsert_many(conn, table, rows, keys)
