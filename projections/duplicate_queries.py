"""Reading the review queue of possible duplicates: filtered, in the order raised, keyset-paged."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Connection, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.duplicates import possible_duplicates as t
from projections.sql import Row, in_utc


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
