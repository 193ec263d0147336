"""Open intake deadlines, for the deadline worker to find what is due."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from sqlalchemy import Connection, select

from domain.participant import Participant
from projections.engine import BatchProjection, Item
from projections.forgetting import purge
from projections.sql import Row, load_rows, save_rows
from projections.tables import intake_deadlines

P = Participant


class DeadlineRows:
    """The rows one batch touches, folded in memory."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows: dict[UUID, Row] = {}
        self.of_participant: dict[UUID, set[UUID]] = {}
        self.changed: set[UUID] = set()
        for row in rows:
            self.put(row)
        self.changed.clear()

    def put(self, row: Row) -> None:
        self.rows[row["referral_id"]] = row
        self.of_participant.setdefault(row["participant_id"], set()).add(row["referral_id"])
        self.changed.add(row["referral_id"])

    def change(self, referral_id: UUID, **values: Any) -> None:
        row = self.rows.get(referral_id)
        if row is not None:
            self.put(row | values)

    def close_all_of(self, participant_id: UUID) -> None:
        for referral_id in tuple(self.of_participant.get(participant_id, ())):
            self.change(referral_id, open=False)

    def written(self) -> list[Row]:
        return [self.rows[referral_id] for referral_id in self.changed]


def fold(rows: DeadlineRows, event: Any) -> None:
    if isinstance(event, P.Referred | P.ReferredAgain):
        if event.intake_deadline is not None and event.status == "referred":
            rows.put(
                {
                    "referral_id": event.referral_id,
                    "participant_id": event.originator_id,
                    "deadline": event.intake_deadline,
                    "open": True,
                }
            )
    elif isinstance(event, P.IntakeDeadlineExtended):
        rows.change(event.referral_id, deadline=event.new_deadline)
    elif isinstance(event, P.IntakeDeadlineExpired):
        rows.change(event.referral_id, open=False)
    elif isinstance(event, P.Enrolled):
        rows.close_all_of(event.originator_id)


class IntakeDeadlines(BatchProjection):
    name = "intake_deadlines"
    tables = (intake_deadlines,)
    topics = frozenset(
        get_topic(cls)
        for cls in (
            P.Referred,
            P.ReferredAgain,
            P.IntakeDeadlineExtended,
            P.IntakeDeadlineExpired,
            P.Enrolled,
            P.Forgotten,
        )
    )

    def apply_batch(self, conn: Connection, items: list[Item]) -> None:
        rows = DeadlineRows(load(conn, [event for _, event in items]))
        known = set(rows.rows)
        for _, event in items:
            fold(rows, event)
        save_rows(conn, intake_deadlines, rows.written(), "referral_id", known)
        purge(conn, items, intake_deadlines.c.participant_id)


def load(conn: Connection, events: list[Any]) -> list[Row]:
    """The stored rows later events in the batch change: by referral, or all of an enrollee's."""
    referrals = {
        e.referral_id
        for e in events
        if isinstance(e, P.IntakeDeadlineExtended | P.IntakeDeadlineExpired)
    }
    participants = {e.originator_id for e in events if isinstance(e, P.Enrolled)}
    table = intake_deadlines
    return load_rows(conn, table, table.c.referral_id, referrals) + load_rows(
        conn, table, table.c.participant_id, participants
    )


def due_deadlines(conn: Connection, now: datetime, limit: int = 500) -> list[tuple[UUID, UUID]]:
    table = intake_deadlines
    rows = conn.execute(
        select(table.c.participant_id, table.c.referral_id)
        .where(table.c.open.is_(True), table.c.deadline <= now)
        .order_by(table.c.deadline)
        .limit(limit)
    )
    return [(row.participant_id, row.referral_id) for row in rows]
