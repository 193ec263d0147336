"""Listing the directory: filtered, in referral order (the position of the first referral,
stable across rebuilds), keyset-paged."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.directory import participant_directory as t
from projections.sql import Row, in_utc


@dataclass(frozen=True)
class DirectoryQuery:
    status: str | None = None
    case_manager_id: UUID | None = None
    limit: int = 50
    after: int | None = None  # the listing position of the previous page's last row


async def directory_page(conn: AsyncConnection, query: DirectoryQuery) -> list[Row]:
    """Up to `limit + 1` rows: one more than a page says whether there is a next one."""
    statement = select(t).order_by(t.c.first_position).limit(query.limit + 1)
    if query.status is not None:
        statement = statement.where(t.c.status == query.status)
    if query.case_manager_id is not None:
        statement = statement.where(t.c.case_manager_id == query.case_manager_id)
    if query.after is not None:
        statement = statement.where(t.c.first_position > query.after)
    rows = (await conn.execute(statement)).mappings()
    return [in_utc(dict(row)) for row in rows]
