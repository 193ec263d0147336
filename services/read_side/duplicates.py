"""Possible duplicates for case management and the PCG: the review queue (each candidate a
disclosure of both records it names), and the decisions on a pair — link, dismiss, unlink —
through the unit of work, one review per pair and an event on each record a link touches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import duplicates
from domain.authority import Command
from domain.base import Stamp
from domain.disclosure import Relation, visible_sections
from domain.duplicates import DuplicateReview, check_note, review_id
from domain.errors import NotFound
from domain.participant import Participant
from infra.clock import Clock
from projections.duplicate_queries import CandidateQuery, candidate_page, find_candidate
from projections.duplicates import DuplicateCandidates
from projections.freshness import Freshness
from projections.sql import Row
from services.context import Outcome, RequestContext, Viewer
from services.paging import decode_cursor, page_of, position
from services.repository import Repository
from services.results import DuplicateDecided
from services.unit_of_work import Decision, UnitOfWork
from services.views.duplicates import CandidateItem, CandidatePage, candidate_values
from services.views.sections import Disclosure, Shown, disclose
from services.write_service import WriteService


@dataclass(frozen=True)
class CandidateSearch:
    grade: str | None = None
    status: str | None = None
    participant_id: UUID | None = None
    limit: int = 50
    cursor: str | None = None
    min_position: int | None = None


class DuplicateQueue:
    def __init__(self, engine: AsyncEngine, freshness: Freshness) -> None:
        self.engine = engine
        self.freshness = freshness

    async def page(self, viewer: Viewer, search: CandidateSearch) -> Shown[CandidatePage]:
        await self.freshness.wait(DuplicateCandidates.name, search.min_position)
        after = decode_cursor(search.cursor, position) if search.cursor else None
        query = CandidateQuery(
            search.grade, search.status, search.participant_id, search.limit, after
        )
        async with self.engine.connect() as conn:
            rows = await candidate_page(conn, query)
        page = page_of(rows, search.limit, lambda row: row["seq"])
        visible = visible_sections(viewer.caller, Relation())
        built = [disclose(CandidateItem, candidate_values(row), visible) for row in page.shown]
        answer = CandidatePage(items=[b.view for b in built], next=page.next)
        disclosures = tuple(
            Disclosure(named, b.shown)
            for row, b in zip(page.shown, built, strict=True)
            for named in (row["earlier_id"], row["later_id"])
        )
        return Shown(answer, disclosures)


class DuplicateReviews(WriteService):
    def __init__(
        self, repository: Repository, uow: UnitOfWork, clock: Clock, engine: Engine
    ) -> None:
        super().__init__(repository, uow, clock, timedelta(0))
        self.engine = engine

    def link(self, ctx: RequestContext, candidate_id: UUID, note: str) -> Outcome[DuplicateDecided]:
        """The later record is linked into the earlier one: a review event, and one on each."""
        pair = self.candidate(candidate_id)
        check_note(note)

        def decide(stamp: Stamp) -> Decision[DuplicateDecided]:
            review = self.review(pair, stamp)
            earlier, later = self.records(ctx, pair["earlier_id"], pair["later_id"], stamp)
            review.link(note, stamp)
            later.link_into(earlier, candidate_id, note.strip(), stamp)
            caseloads = self.repository.caseloads(stamp)  # one person, one slot
            caseloads.link_records(later.id, earlier.id, stamp)
            return Decision([review, earlier, later, caseloads], decided(review))

        return self.uow.run(ctx, decide, DuplicateDecided)

    def dismiss(
        self, ctx: RequestContext, candidate_id: UUID, note: str
    ) -> Outcome[DuplicateDecided]:
        pair = self.candidate(candidate_id)

        def decide(stamp: Stamp) -> Decision[DuplicateDecided]:
            review = self.review(pair, stamp)
            review.dismiss(note, stamp)
            return Decision([review], decided(review))

        return self.uow.run(ctx, decide, DuplicateDecided)

    def unlink(
        self, ctx: RequestContext, participant_id: UUID, note: str
    ) -> Outcome[DuplicateDecided]:
        """Undo the link of the record named (the later one): both stand apart again."""
        check_note(note)

        def decide(stamp: Stamp) -> Decision[DuplicateDecided]:
            later = self.gate.participant(
                ctx, Command.LINK_RECORDS, participant_id, stamp.recorded_at
            )
            if later.linked_to is None:
                raise NotFound(f"participant {participant_id} is not linked into another record")
            earlier = self.repository.participant(later.linked_to)
            review = self.existing_review(later.id, earlier.id)
            review.unlink(note, stamp)
            later.undo_link(earlier, review.candidate_id, note.strip(), stamp)
            caseloads = self.repository.caseloads(stamp)
            caseloads.unlink_records(later.id, stamp)
            return Decision([review, earlier, later, caseloads], decided(review))

        return self.uow.run(ctx, decide, DuplicateDecided)

    def candidate(self, candidate_id: UUID) -> Row:
        with self.engine.connect() as conn:
            found = find_candidate(conn, candidate_id)
        if found is None:
            raise NotFound(f"no possible duplicate {candidate_id}")
        return found

    def review(self, pair: Row, stamp: Stamp) -> DuplicateReview:
        """The pair's review so far, or a new one."""
        candidate = pair["candidate_id"]
        try:
            found: object = self.repository.store.repository.get(review_id(candidate))
        except AggregateNotFoundError:
            return DuplicateReview.start(candidate, pair["earlier_id"], pair["later_id"], stamp)
        assert isinstance(found, DuplicateReview)
        return found

    def existing_review(self, later: UUID, earlier: UUID) -> DuplicateReview:
        pair = duplicates.candidate_id(earlier, later)
        found: object = self.repository.store.repository.get(review_id(pair))
        assert isinstance(found, DuplicateReview)
        return found

    def records(
        self, ctx: RequestContext, earlier: UUID, later: UUID, stamp: Stamp
    ) -> tuple[Participant, Participant]:
        at = stamp.recorded_at
        return (
            self.gate.participant(ctx, Command.LINK_RECORDS, earlier, at),
            self.gate.participant(ctx, Command.LINK_RECORDS, later, at),
        )


def decided(review: DuplicateReview) -> DuplicateDecided:
    return DuplicateDecided(review.candidate_id, review.status, review.earlier_id, review.later_id)
