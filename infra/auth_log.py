"""The authentication audit's table (CJIS AU-2, AC-7): token requests, permission denials,
client lifecycle changes and idempotent replays."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, String, func, insert, select

from infra.audit_tables import auth_events

SUCCESS, FAILURE, THROTTLED, LOCKED, DENIED = (
    "success",
    "failure",
    "throttled",
    "locked",  # a token request for a disabled client
    "denied",
)
CREATED, DISABLED, ENABLED, ROTATED, REPLAYED = (
    "created",
    "disabled",
    "enabled",
    "rotated",
    "replayed",
)
LOCKED_OUT, UNLOCKED = "locked_out", "unlocked"  # written before issue 12: kept for history
OUTCOMES = (
    SUCCESS,
    FAILURE,
    THROTTLED,
    LOCKED,
    DENIED,
    CREATED,
    DISABLED,
    ENABLED,
    ROTATED,
    REPLAYED,
    LOCKED_OUT,
    UNLOCKED,
)


def hundredths(moment: datetime) -> datetime:
    """UTC, to hundredths of a second."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return utc.replace(microsecond=utc.microsecond // 10_000 * 10_000)


def fit(column: str, value: str) -> str:
    """Whatever a client sent (a forwarded address, a claimed client id) cut to its column."""
    kind = auth_events.c[column].type
    length = kind.length if isinstance(kind, String) else None
    return value[:length] if length else value


@dataclass(frozen=True)
class AuthRecord:
    at: datetime
    client_id: str | None
    agency: str | None
    role: str | None
    source: str
    outcome: str
    detail: str
    actor: str | None = None


class AuthLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, record: AuthRecord) -> None:
        values = {
            name: fit(name, value) if isinstance(value, str) else value
            for name, value in asdict(record).items()
        } | {"at": hundredths(record.at)}
        with self.engine.begin() as conn:
            conn.execute(insert(auth_events).values(**values))

    def failures(self, client_id: str, source: str, since: datetime) -> tuple[int, datetime | None]:
        """Failed token requests naming `client_id` from `source` after `since` and after that
        pair's last success: how many, and when the last was."""
        table = auth_events
        pair = (
            table.c.client_id == fit("client_id", client_id),
            table.c.source == fit("source", source),
        )
        reset = select(func.max(table.c.at)).where(*pair, table.c.outcome == SUCCESS)
        start = hundredths(since)
        query = select(func.count(), func.max(table.c.at)).where(
            *pair,
            table.c.outcome == FAILURE,
            table.c.at > start,
            table.c.at > func.coalesce(reset.scalar_subquery(), start),
        )
        with self.engine.connect() as conn:
            count, last = conn.execute(query).one()
        return int(count or 0), None if last is None else hundredths(last)

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
                    row.actor,
                ),
            )
            for row in rows
        ]
