"""Listing the directory: filtered, in referral order (the position of the first referral,
stable across rebuilds), keyset-paged; for another agency, only the people it is related to
now (`projections/relations.py`), with what ties it to each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.directory import participant_directory as t
from projections.relations import LIAISON
from projections.relations import participant_relations as r
from projections.sql import Row, in_utc


@dataclass(frozen=True)
class Related:
    """Whose relations narrow a list: an agency, and whether it is a liaison office."""

    agency: str
    liaison: bool
    at: datetime


@dataclass(frozen=True)
class DirectoryQuery:
    status: str | None = None
    case_manager_id: UUID | None = None
    limit: int = 50
    after: int | None = None  # the listing position of the previous page's last row
    related: Related | None = None  # None: everyone (the site's own staff)


def in_force(related: Related) -> ColumnElement[bool]:
    mine = r.c.agency == related.agency
    if related.liaison:
        mine = or_(mine, r.c.agency == LIAISON)
    return and_(
        mine,
        or_(r.c.since.is_(None), r.c.since <= related.at),
        or_(r.c.until.is_(None), r.c.until > related.at),
    )


async def directory_page(conn: AsyncConnection, query: DirectoryQuery) -> list[Row]:
    """Up to `limit + 1` rows: one more than a page says whether there is a next one."""
    statement = select(t).order_by(t.c.first_position).limit(query.limit + 1)
    if query.status is not None:
        statement = statement.where(t.c.status == query.status)
    if query.case_manager_id is not None:
        statement = statement.where(t.c.case_manager_id == query.case_manager_id)
    if query.after is not None:
        statement = statement.where(t.c.first_position > query.after)
    if query.related is not None:
        tied = and_(r.c.participant_id == t.c.participant_id, in_force(query.related))
        statement = statement.where(exists().where(tied))
    rows = (await conn.execute(statement)).mappings()
    return [in_utc(dict(row)) for row in rows]


async def relation_kinds(
    conn: AsyncConnection, participant_ids: list[UUID], related: Related
) -> dict[UUID, set[str]]:
    """What ties the agency to each of these participants now: `referred`, `matter_office`,
    `matter_party`, `roi_<category>`."""
    if not participant_ids:
        return {}
    statement = select(r.c.participant_id, r.c.kind).where(
        r.c.participant_id.in_(participant_ids), in_force(related)
    )
    kinds: dict[UUID, set[str]] = defaultdict(set)
    for participant_id, kind in (await conn.execute(statement)).all():
        kinds[participant_id].add(kind)
    return kinds
