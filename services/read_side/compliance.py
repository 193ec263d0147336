"""Golden Rule compliance for defenders, project managers and auditors: the flags, and a
flag's review (itself an event, through the unit of work)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.base import Stamp
from domain.compliance import FlagReview, review_id
from domain.errors import NotFound, StateConflict
from infra.eventstore import LeadStore
from projections.compliance import ComplianceProjection
from projections.compliance_queries import FlagQuery, find_flag, flag_page
from projections.freshness import Freshness
from projections.sql import Row
from services.context import Outcome, RequestContext
from services.jsonable import json_object
from services.paging import decode_cursor, page_of, position
from services.results import FlagReviewed
from services.unit_of_work import Decision, UnitOfWork


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

    async def page(self, search: FlagSearch) -> dict[str, Any]:
        await self.freshness.wait(ComplianceProjection.name, search.min_position)
        after = decode_cursor(search.cursor, position) if search.cursor else None
        query = FlagQuery(search.rule, search.status, search.participant_id, search.limit, after)
        async with self.engine.connect() as conn:
            rows = await flag_page(conn, query)
        page = page_of(rows, search.limit, lambda row: row["seq"])
        return {"items": [flag_item(row) for row in page.shown], "next": page.next}


def flag_item(row: Row) -> dict[str, Any]:
    return json_object(
        {
            "flag_id": row["flag_id"],
            "rule": row["rule"],
            "participant_id": row["participant_id"],
            "raised_at": row["raised_at"],
            "events": row["events"],
            "status": row["status"],
            "detail": row["detail"],
            "reviewed_at": row["reviewed_at"],
            "reviewed_by": row["reviewed_by"],
            "review_note": row["review_note"],
        }
    )


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
