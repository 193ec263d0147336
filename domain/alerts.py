"""Time-based alerts (issue 17): a deadline that comes soon is told once per deadline and per
threshold, as an event of the aggregate the deadline belongs to. Whether one is due is decided
here from the clock's reading passed in; the aggregate remembers which it has raised, so two
workers (or a replay of the same tick) raise each at most once."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID


def due(deadline: datetime, days_before: int, now: datetime) -> bool:
    """Inside the window before the deadline: not earlier, and not once it has passed."""
    return deadline - timedelta(days=days_before) <= now < deadline


def alert_key(kind: str, subject: UUID, deadline: datetime, days_before: int) -> str:
    """One alert per deadline per threshold: a moved deadline is a new one."""
    return f"{kind}:{subject}:{deadline.isoformat()}:{days_before}"


def parse_key(key: str) -> tuple[str, UUID, datetime, int]:
    """(kind, subject, deadline, days before) of a key `alert_key` made."""
    kind, subject, rest = key.split(":", 2)
    deadline, days = rest.rsplit(":", 1)
    return kind, UUID(subject), datetime.fromisoformat(deadline), int(days)
