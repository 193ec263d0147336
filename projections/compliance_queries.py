"""Reading the compliance flags: filtered, in the order they were raised, keyset-paged."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Connection, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.compliance_tables import SEQ_SPAN
from projections.compliance_tables import compliance_flags as t
from projections.sql import Row, chunks, in_utc


@dataclass(frozen=True)
class FlagQuery:
    rule: str | None = None
    status: str | None = None
    participant_id: UUID | None = None
    limit: int = 50
    after: int | None = None  # the seq of the previous page's last flag


async def flag_page(conn: AsyncConnection, query: FlagQuery) -> list[Row]:
    """Up to `limit + 1` flags: one more than a page says whether there is a next one."""
    statement = select(t).order_by(t.c.seq).limit(query.limit + 1)
    if query.rule is not None:
        statement = statement.where(t.c.rule == query.rule)
    if query.status is not None:
        statement = statement.where(t.c.status == query.status)
    if query.participant_id is not None:
        statement = statement.where(t.c.participant_id == query.participant_id)
    if query.after is not None:
        statement = statement.where(t.c.seq > query.after)
    return [in_utc(dict(row)) for row in (await conn.execute(statement)).mappings()]


def find_flag(conn: Connection, flag_id: UUID) -> Row | None:
    row = conn.execute(select(t).where(t.c.flag_id == flag_id)).mappings().first()
    return None if row is None else dict(row)


def names_participant(conn: Connection, participant_id: UUID) -> bool:
    found = conn.execute(select(t.c.flag_id).where(t.c.participant_id == participant_id).limit(1))
    return found.first() is not None


def raised_at(
    conn: Connection, positions: Collection[int], rules: Collection[str]
) -> dict[int, list[Row]]:
    """The flags of these rules each event at these positions raised, in the view's order
    (a flag's seq is its event's position times SEQ_SPAN plus its rule's index)."""
    found: dict[int, list[Row]] = {position: [] for position in positions}
    for group in chunks(sorted(positions), 300):
        spans = [t.c.seq.between(p * SEQ_SPAN, (p + 1) * SEQ_SPAN - 1) for p in group]
        statement = select(t).where(or_(*spans), t.c.rule.in_(list(rules))).order_by(t.c.seq)
        for row in conn.execute(statement).mappings():
            found[row["seq"] // SEQ_SPAN].append(dict(row))
    return found
