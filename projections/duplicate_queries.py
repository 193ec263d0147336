"""Reading the review queue of possible duplicates: filtered, in the order raised, keyset-paged."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Connection, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.duplicates import MAX_PER_REFERRAL
from projections.duplicates import possible_duplicates as t
from projections.sql import Row, chunks, in_utc


@dataclass(frozen=True)
class CandidateQuery:
    grade: str | None = None
    status: str | None = None
    participant_id: UUID | None = None
    limit: int = 50
    after: int | None = None  # the seq of the previous page's last candidate


async def candidate_page(conn: AsyncConnection, query: CandidateQuery) -> list[Row]:
    """Up to `limit + 1` candidates: one more than a page says whether there is a next one."""
    statement = select(t).order_by(t.c.seq).limit(query.limit + 1)
    if query.grade is not None:
        statement = statement.where(t.c.grade == query.grade)
    if query.status is not None:
        statement = statement.where(t.c.status == query.status)
    if (named := query.participant_id) is not None:
        statement = statement.where(or_(t.c.earlier_id == named, t.c.later_id == named))
    if query.after is not None:
        statement = statement.where(t.c.seq > query.after)
    return [in_utc(dict(row)) for row in (await conn.execute(statement)).mappings()]


def find_candidate(conn: Connection, candidate_id: UUID) -> Row | None:
    row = conn.execute(select(t).where(t.c.candidate_id == candidate_id)).mappings().first()
    return None if row is None else dict(row)


def raised_by(conn: Connection, positions: Collection[int]) -> dict[int, list[Row]]:
    """The pairs each new record's `Referred` event (at these positions) raised, best first:
    its candidates' `seq` is the event's position times MAX_PER_REFERRAL plus their rank."""
    found: dict[int, list[Row]] = {position: [] for position in positions}
    for group in chunks(sorted(positions), 300):
        spans = [
            t.c.seq.between(p * MAX_PER_REFERRAL, (p + 1) * MAX_PER_REFERRAL - 1) for p in group
        ]
        statement = select(t).where(or_(*spans)).order_by(t.c.seq)
        for row in conn.execute(statement).mappings():
            found[row["seq"] // MAX_PER_REFERRAL].append(dict(row))
    return found
