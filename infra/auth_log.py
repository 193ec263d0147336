"""The authentication audit (CJIS AU-2, AC-7): token requests and permission denials."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, insert, select

from infra.audit_tables import auth_events

SUCCESS, FAILURE, LOCKED, LOCKED_OUT, UNLOCKED, DENIED = (
    "success",
    "failure",
    "locked",
    "locked_out",
    "unlocked",
    "denied",
)


def hundredths(moment: datetime) -> datetime:
    """UTC, to hundredths of a second."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return utc.replace(microsecond=utc.microsecond // 10_000 * 10_000)


@dataclass(frozen=True)
class AuthRecord:
    at: datetime
    client_id: str | None
    agency: str | None
    role: str | None
    source: str
    outcome: str
    detail: str


class AuthLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, record: AuthRecord) -> None:
        values = asdict(record) | {"at": hundredths(record.at)}
        with self.engine.begin() as conn:
            conn.execute(insert(auth_events).values(**values))

    def failures_since(self, client_id: str, since: datetime) -> int:
        """Failures after `since` and after the client's last success or unlock."""
        table = auth_events
        reset = (
            select(func.max(table.c.at))
            .where(table.c.client_id == client_id, table.c.outcome.in_((SUCCESS, UNLOCKED)))
            .scalar_subquery()
        )
        query = select(func.count()).where(
            table.c.client_id == client_id,
            table.c.outcome == FAILURE,
            table.c.at > hundredths(since),
            table.c.at > func.coalesce(reset, hundredths(since)),
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def page(
        self, after_id: int, limit: int, client_id: str | None, outcome: str | None
    ) -> list[tuple[int, AuthRecord]]:
        table = auth_events
        query = select(table).where(table.c.id > after_id).order_by(table.c.id).limit(limit)
        if client_id is not None:
            query = query.where(table.c.client_id == client_id)
        if outcome is not None:
            query = query.where(table.c.outcome == outcome)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            (
                int(row.id),
                AuthRecord(
                    hundredths(row.at),
                    row.client_id,
                    row.agency,
                    row.role,
                    row.source,
                    row.outcome,
                    row.detail,
                ),
            )
            for row in rows
        ]
