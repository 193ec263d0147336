"""The 24-hour non-return requests, by place: police ask whether a request is in force at a
location (by coordinates and radius, or by words of the location). Rows hold the place and the
time only; who the person is comes from the record, through the disclosure table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Float,
    Table,
    Text,
    Uuid,
    false,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.participant import Participant
from domain.places import Place, bounding_box, within
from infra.tables import metadata
from projections.engine import BatchProjection, Item
from projections.forgetting import FORGOTTEN, FORGOTTEN_TOPIC, purge
from projections.sql import Row, upsert_many

P = Participant
FOUND_MAX = 200  # requests in force at one place: more than any site has at once

non_return_requests = Table(
    "non_return_requests",
    metadata,
    Column("referral_id", Uuid, primary_key=True),
    Column("participant_id", Uuid, nullable=False, index=True),
    Column("location", Text, nullable=False),
    Column("latitude", Float, nullable=True, index=True),
    Column("longitude", Float, nullable=True),
    Column("until", DateTime(timezone=True), nullable=False, index=True),
    Column("lifted", Boolean, nullable=False),
)


def request_row(event: Any) -> Row | None:
    """An accepted arrest diversion's request; other referrals carry none."""
    referral = event.referral
    if event.non_return_until is None or event.status != "referred" or referral.arrest is None:
        return None
    location = referral.arrest.location
    return {
        "referral_id": event.referral_id,
        "participant_id": event.originator_id,
        "location": location.description,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "until": event.non_return_until,
        "lifted": False,
    }


class NonReturnRequests(BatchProjection):
    name = "non_return_requests"
    tables = (non_return_requests,)
    topics = frozenset(
        get_topic(cls) for cls in (P.Referred, P.ReferredAgain, P.NonReturnExceptionGranted)
    ) | {FORGOTTEN_TOPIC}

    def apply_batch(self, conn: Connection, items: list[Item]) -> None:
        self.fold(conn, [item for item in items if not isinstance(item[1], FORGOTTEN)])
        purge(conn, items, non_return_requests.c.participant_id)

    def fold(self, conn: Connection, items: list[Item]) -> None:
        made = [row for _, event in items if not lifted(event) and (row := request_row(event))]
        upsert_many(conn, non_return_requests, made, keys=["referral_id"])
        table = non_return_requests
        for referral_id in {event.referral_id for _, event in items if lifted(event)}:
            conn.execute(
                update(table).where(table.c.referral_id == referral_id).values(lifted=True)
            )


def lifted(event: Any) -> bool:
    return isinstance(event, P.NonReturnExceptionGranted)


@dataclass(frozen=True)
class FoundRequest:
    participant_id: UUID
    location: str
    until: datetime


async def requests_in_force(
    conn: AsyncConnection, place: Place, now: datetime
) -> list[FoundRequest]:
    """The requests in force now at the place: within the radius, or whose location's
    description holds the text (case-insensitive)."""
    table = non_return_requests
    query = select(table).where(table.c.until > now, table.c.lifted == false())
    if place.by_coordinates:
        south, north, west, east = bounding_box(place)
        query = query.where(
            table.c.latitude.between(south, north), table.c.longitude.between(west, east)
        )
    else:
        assert place.text is not None
        query = query.where(
            func.lower(table.c.location).contains(place.text.strip().lower(), autoescape=True)
        )
    rows = (await conn.execute(query.order_by(table.c.until).limit(FOUND_MAX))).all()
    if place.by_coordinates:
        rows = [row for row in rows if within(place, row.latitude, row.longitude)]
    return [FoundRequest(row.participant_id, row.location, row.until) for row in rows]
