"""Business times may lie in the past (late paperwork) but not in the future."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.errors import BusinessTimeInFuture


def check_not_in_future(field: str, value: datetime | None, now: datetime, skew: timedelta) -> None:
    if value is not None and value > now + skew:
        raise BusinessTimeInFuture(
            f"{field} lies more than {int(skew.total_seconds())} seconds in the future", field=field
        )
