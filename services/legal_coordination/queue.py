"""The liaison prosecutor's queue, read from its projection with the async engine: the open
matters the caller's office holds that need a decision, most urgent (longest due) first, paged
by an opaque cursor. Each entry names the person: a matter on a record linked into an earlier
one names the earlier record (the directory's `linked_to`), as the earlier record's view lists
it. An entry is a disclosure of that matter, accounted on the record that holds it and, when
linked, on the person's record it names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import anyio
from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.disclosure import Section
from domain.values import PolicyTerms
from infra.clock import Clock
from projections.directory import DirectoryProjection, participant_directory
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
            await self.freshness.wait(DirectoryProjection.name, query.min_position)  # links
        statement = queue_statement(office, query, self.clock.now())
        async with self.engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        page = page_of(rows, query.limit, keyset)
        built = [disclose(QueueItem, item(row), HELD) for row in page.shown]
        answer = QueuePage(items=[b.view for b in built], next=page.next)
        named = zip(page.shown, built, strict=True)
        return Shown(answer, tuple(d for row, b in named for d in disclosures(row, b.shown)))


def disclosures(row: Row[Any], shown: frozenset[Section]) -> tuple[Disclosure, ...]:
    """The matter's own record, and the person's record the entry names if that is another."""
    records = dict.fromkeys((row.record_id, row.participant_id))
    return tuple(Disclosure(record, shown) for record in records)


def queue_statement(office: Office, query: QueueQuery, now: datetime) -> Select[Any]:
    t, d = liaison_queue, participant_directory
    person = func.coalesce(d.c.linked_to, t.c.participant_id)
    statement = (
        select(t.c.matter_id, person.label("participant_id"), t.c.kind, t.c.state)
        .add_columns(t.c.reason, t.c.due_at, t.c.case_number)
        .add_columns(t.c.participant_id.label("record_id"))
        .select_from(t.outerjoin(d, d.c.participant_id == t.c.participant_id))
        .where(t.c.reason.is_not(None), or_(t.c.reason != HOLD_REVIEW_DUE, t.c.due_at <= now))
        .where(held_by(office))
        .order_by(t.c.due_at, t.c.matter_id)
        .limit(query.limit + 1)
    )
    if query.participant_id is not None:
        statement = statement.where(of_person(query.participant_id))
    if query.reason is not None:
        statement = statement.where(t.c.reason == query.reason)
    if query.cursor is not None:
        due, matter_id = decode_cursor(query.cursor, due_and_matter)
        later = and_(t.c.due_at == due, t.c.matter_id > matter_id)
        statement = statement.where(or_(t.c.due_at > due, later))
    return statement


def of_person(participant_id: UUID) -> ColumnElement[bool]:
    """The record's own matters and, for the earlier record of a linked person, those of the
    records linked into it (each look-up by an index)."""
    t, d = liaison_queue, participant_directory
    linked = select(d.c.participant_id).where(d.c.linked_to == participant_id)
    return or_(t.c.participant_id == participant_id, t.c.participant_id.in_(linked))


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
