"""What a projection does with `Participant.Forgotten`: drop every row it keeps about the
person. A projection that needs no personal data (evaluation counts, event positions,
capacity) keeps its rows, so the figures do not change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from sqlalchemy import Column, Connection, delete

from domain.participant import Participant

FORGOTTEN = Participant.Forgotten
FORGOTTEN_TOPIC = get_topic(FORGOTTEN)


def forgotten_in(items: Sequence[tuple[int, Any]]) -> set[UUID]:
    return {event.originator_id for _, event in items if isinstance(event, FORGOTTEN)}


def purge(conn: Connection, items: Sequence[tuple[int, Any]], *columns: Column[Any]) -> None:
    """Rows whose `column` names a participant forgotten in this batch are deleted."""
    forgotten = forgotten_in(items)
    if not forgotten:
        return
    for column in columns:
        conn.execute(delete(column.table).where(column.in_(forgotten)))
