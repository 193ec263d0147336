"""The liaison prosecutor's queue: each legal matter's state and, while it needs a decision,
why and since when. Event → row, idempotent under replay; the reader hides a hold until its
review date comes, comparing with the injected clock at query time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.utils import get_topic
from sqlalchemy import Connection

from domain.legal_matter import EVENT_OF, LegalMatter, office_of
from domain.legal_rules import queue_reason
from domain.participant import Participant
from projections.engine import BatchProjection, Item
from projections.forgetting import FORGOTTEN_TOPIC, purge
from projections.sql import Row, load_by_key, save_rows
from projections.tables import liaison_queue

M = LegalMatter
EVENTS: tuple[type[Any], ...] = (
    M.Opened,
    M.ReferredForFiling,
    M.ChargeNotFiled,
    M.EnrolledWhileFiled,
    *EVENT_OF.values(),
)


class LiaisonQueueProjection(BatchProjection):
    name = "liaison_queue"
    tables = (liaison_queue,)
    topics = frozenset(get_topic(cls) for cls in EVENTS) | {FORGOTTEN_TOPIC}

    def apply_batch(self, conn: Connection, items: list[Item]) -> None:
        """The same rules for a whole batch (rebuilds): each matter's row loaded once,
        changed in memory by its events in order, written once."""
        moved = {e.originator_id for _, e in items if isinstance(e, M.Moved)}
        rows = load_by_key(conn, liaison_queue, "matter_id", moved)
        known, changed = set(rows), set()
        for _, event in items:
            if isinstance(event, Participant.Forgotten):
                continue
            if isinstance(event, M.Opened):
                rows[event.originator_id] = opened_row(event)
            elif isinstance(event, M.Moved) and event.originator_id in rows:
                rows[event.originator_id] = moved_row(rows[event.originator_id], event)
            changed.add(event.originator_id)
        written = [rows[matter] for matter in changed if matter in rows]
        save_rows(conn, liaison_queue, written, "matter_id", known)
        purge(conn, items, liaison_queue.c.participant_id)


def opened_row(event: Any) -> Row:
    reason = queue_reason(event.kind, event.state)
    return {
        "matter_id": event.originator_id,
        "participant_id": event.participant_id,
        "kind": event.kind,
        "state": event.state,
        "case_number": event.details.case_number,
        "reason": reason,
        "due_at": event.occurred_at if reason else None,
        "office": office_of(event.kind, event.details, event.meta),
    }


def moved_row(row: Row, event: Any) -> Row:
    reason = queue_reason(row["kind"], event.state)
    return row | {"state": event.state, "reason": reason, "due_at": due_at(event, reason, row)}


def due_at(event: Any, reason: str | None, row: Row) -> datetime | None:
    """A hold is due at its review date; otherwise a matter is due since it began needing a
    decision, and a decision that leaves that need as it was keeps its place in the queue."""
    if reason is None:
        return None
    if isinstance(event, M.FilingHeld):
        return event.review_at
    kept: datetime | None = row["due_at"] if reason == row["reason"] else None
    occurred: datetime = event.occurred_at
    return kept or occurred
