"""Golden Rule compliance for defenders, project managers and auditors: the flags (each a
disclosure of the participant it names), and a flag's review (itself an event, through the
unit of work)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.base import Stamp
from domain.compliance import FlagReview, review_id
from domain.disclosure import Relation, visible_sections
from domain.errors import NotFound, StateConflict
from infra.eventstore import LeadStore
from projections.compliance import ComplianceProjection
from projections.compliance_queries import FlagQuery, find_flag, flag_page, names_participant
from projections.freshness import Freshness
from projections.sql import Row
from services.context import Outcome, RequestContext, Viewer
from services.paging import decode_cursor, page_of, position
from services.results import FlagReviewed
from services.unit_of_work import Decision, UnitOfWork
from services.views.flags import FlagItem, FlagPage, flag_values
from services.views.sections import Built, Disclosure, Shown, disclose


@dataclass(frozen=True)
class FlagSearch:
    rule: str | None = None
    status: str | None = None
    participant_id: UUID | None = None
    limit: int = 50
    cursor: str | None = None
    min_position: int | None = None


class ComplianceView:
    def __init__(self, engine: AsyncEngine, freshness: Freshness) -> None:
        self.engine = engine
        self.freshness = freshness

    async def page(self, viewer: Viewer, search: FlagSearch) -> Shown[FlagPage]:
        await self.freshness.wait(ComplianceProjection.name, search.min_position)
        after = decode_cursor(search.cursor, position) if search.cursor else None
        query = FlagQuery(search.rule, search.status, search.participant_id, search.limit, after)
        async with self.engine.connect() as conn:
            rows = await flag_page(conn, query)
        page = page_of(rows, search.limit, lambda row: row["seq"])
        # A flag is the watch itself: it shows its participant to those who keep it.
        visible = visible_sections(viewer.caller, Relation(watched=True))
        built = [disclose(FlagItem, flag_values(row), visible) for row in page.shown]
        answer = FlagPage(items=[b.view for b in built], next=page.next)
        pairs = zip(page.shown, built, strict=True)
        return Shown(answer, tuple(d for row, b in pairs for d in named(row, b)))


def named(row: Row, built: Built) -> list[Disclosure]:
    """The flag's participant, and the other participant a crowding-out flag names (a missed
    diversion names none)."""
    if row["participant_id"] is None:
        return []
    found = [Disclosure(row["participant_id"], built.shown)]
    other = (row["detail"] or {}).get("post_filing_participant_id")
    if other and built.shown:
        found.append(Disclosure(UUID(other), built.shown))
    return found


def flagged(engine: Engine, participant_id: UUID) -> bool:
    """Whether any Golden Rule flag names the participant (defense's watch)."""
    with engine.connect() as conn:
        return names_participant(conn, participant_id)


class ComplianceReviews:
    def __init__(self, store: LeadStore, uow: UnitOfWork, engine: Engine) -> None:
        self.store = store
        self.uow = uow
        self.engine = engine

    def review(self, ctx: RequestContext, flag_id: UUID, note: str) -> Outcome[FlagReviewed]:
        """Mark a flag reviewed: once; the flag must be one the view has raised."""
        with self.engine.connect() as conn:
            flag = find_flag(conn, flag_id)
        if flag is None:
            raise NotFound(f"no Golden Rule flag {flag_id}")

        def decide(stamp: Stamp) -> Decision[FlagReviewed]:
            self.check_not_reviewed(flag_id)
            review = FlagReview.review(flag_id, flag["rule"], flag["participant_id"], note, stamp)
            return Decision([review], FlagReviewed(flag_id, "reviewed", review.id))

        return self.uow.run(ctx, decide, FlagReviewed)

    def check_not_reviewed(self, flag_id: UUID) -> None:
        try:
            self.store.repository.get(review_id(flag_id))
        except AggregateNotFoundError:
            return
        raise StateConflict("this flag has already been reviewed")
