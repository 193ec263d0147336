"""Open intake deadlines, for the deadline worker to find what is due."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from sqlalchemy import Connection, select, update

from domain.participant import Participant
from projections.sql import upsert
from projections.tables import intake_deadlines

P = Participant


class IntakeDeadlines:
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
        )
    )

    def apply(self, conn: Connection, event: Any, position: int) -> None:  # noqa: ARG002
        table = intake_deadlines
        if isinstance(event, P.Referred | P.ReferredAgain):
            if event.intake_deadline is not None and event.status == "referred":
                upsert(
                    conn,
                    table,
                    {
                        "referral_id": event.referral_id,
                        "participant_id": event.originator_id,
                        "deadline": event.intake_deadline,
                        "open": True,
                    },
                    keys=["referral_id"],
                )
        elif isinstance(event, P.IntakeDeadlineExtended):
            conn.execute(
                update(table)
                .where(table.c.referral_id == event.referral_id)
                .values(deadline=event.new_deadline)
            )
        elif isinstance(event, P.IntakeDeadlineExpired):
            conn.execute(
                update(table).where(table.c.referral_id == event.referral_id).values(open=False)
            )
        elif isinstance(event, P.Enrolled):
            conn.execute(
                update(table)
                .where(table.c.participant_id == event.originator_id)
                .values(open=False)
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
