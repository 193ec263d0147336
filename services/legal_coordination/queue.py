"""The liaison prosecutor's queue, read from its projection with the async engine: the open
matters the caller's office holds that need a decision, most urgent (longest due) first, paged
by an opaque cursor. Each entry names a participant: it is a disclosure of that matter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import anyio
from sqlalchemy import ColumnElement, Row, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.disclosure import Section
from domain.values import PolicyTerms
from infra.clock import Clock
from projections.freshness import Freshness
from projections.liaison_queue import LiaisonQueueProjection
from projections.tables import liaison_queue
from services.context import Viewer
from services.paging import decode_cursor, page_of
from services.views.queue import QueueItem, QueuePage
from services.views.sections import Disclosure, Shown, disclose

Terms = Callable[[], PolicyTerms]
HOLD_REVIEW_DUE = "hold_review_due"
HELD = frozenset({Section.LEGAL})  # the office holds every matter its queue shows


@dataclass(frozen=True)
class Office:
    """Whose queue: an office holds the matters opened for it and, if the policy names it a
    liaison office, the diverted charges."""

    agency: str
    liaison: bool


@dataclass(frozen=True)
class QueueQuery:
    participant_id: UUID | None = None
    reason: str | None = None
    limit: int = 50
    cursor: str | None = None
    min_position: int | None = None


class LiaisonQueue:
    def __init__(
        self, engine: AsyncEngine, freshness: Freshness, clock: Clock, terms: Terms
    ) -> None:
        self.engine = engine
        self.freshness = freshness
        self.clock = clock
        self.terms = terms

    async def page_for(self, viewer: Viewer, query: QueueQuery) -> Shown[QueuePage]:
        terms = await anyio.to_thread.run_sync(self.terms)
        office = Office(viewer.agency, viewer.agency in terms.liaison_prosecutor_agencies)
        return await self.page(office, query)

    async def page(self, office: Office, query: QueueQuery) -> Shown[QueuePage]:
        """Read-your-writes: with `min_position`, wait (nudging the projector) until the queue
        has applied it, else ProjectionNotCaughtUp (a 503 with Retry-After)."""
        if query.min_position is not None:
            await self.freshness.wait(LiaisonQueueProjection.name, query.min_position)
        statement = queue_statement(office, query, self.clock.now())
        async with self.engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        page = page_of(rows, query.limit, keyset)
        built = [disclose(QueueItem, item(row), HELD) for row in page.shown]
        answer = QueuePage(items=[b.view for b in built], next=page.next)
        named = zip(page.shown, built, strict=True)
        return Shown(answer, tuple(Disclosure(row.participant_id, b.shown) for row, b in named))


def queue_statement(office: Office, query: QueueQuery, now: datetime) -> Select[Any]:
    t = liaison_queue
    statement = (
        select(t.c.matter_id, t.c.participant_id, t.c.kind, t.c.state)
        .add_columns(t.c.reason, t.c.due_at, t.c.case_number)
        .where(t.c.reason.is_not(None), or_(t.c.reason != HOLD_REVIEW_DUE, t.c.due_at <= now))
        .where(held_by(office))
        .order_by(t.c.due_at, t.c.matter_id)
        .limit(query.limit + 1)
    )
    if query.participant_id is not None:
        statement = statement.where(t.c.participant_id == query.participant_id)
    if query.reason is not None:
        statement = statement.where(t.c.reason == query.reason)
    if query.cursor is not None:
        due, matter_id = decode_cursor(query.cursor, due_and_matter)
        later = and_(t.c.due_at == due, t.c.matter_id > matter_id)
        statement = statement.where(or_(t.c.due_at > due, later))
    return statement


def held_by(office: Office) -> ColumnElement[bool]:
    """Matters recorded for this office; diverted charges (no office) for liaison offices."""
    t = liaison_queue
    mine = t.c.office == office.agency
    return or_(mine, t.c.office.is_(None)) if office.liaison else mine


def utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their (UTC) offset."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def item(row: Row[Any]) -> dict[str, Any]:
    return {
        "matter_id": row.matter_id,
        "participant_id": row.participant_id,
        "kind": row.kind,
        "state": row.state,
        "reason": row.reason,
        "due_at": utc(row.due_at),
        "case_number": row.case_number,
    }


def keyset(row: Row[Any]) -> list[str]:
    return [utc(row.due_at).isoformat(), row.matter_id.hex]


def due_and_matter(keyset: Any) -> tuple[datetime, UUID]:
    due, matter = keyset
    return utc(datetime.fromisoformat(due)), UUID(hex=matter)
