"""A report's window [from, to) split by cohort month: whole months are read from the cells,
what is left of a month cut by `from` or `to` from the referral rows (months in UTC, as the
projection files referrals under them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

Window = tuple[datetime | None, datetime | None]  # [from, to) of referred_at; None: open


@dataclass(frozen=True)
class Split:
    """Where a query's referrals are read from: the cells of the months in [first, last)
    (None: no whole month; an open end: None), and the rows in the windows left over."""

    months: tuple[str | None, str | None] | None
    windows: list[Window]


def month_floor(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_ceil(at: datetime) -> datetime:
    floor = month_floor(at)
    if floor == at:
        return floor
    return floor.replace(year=floor.year + floor.month // 12, month=floor.month % 12 + 1)


def month_label(at: datetime | None) -> str | None:
    return None if at is None else f"{at.year:04d}-{at.month:02d}"


def split(start: datetime | None, end: datetime | None) -> Split:
    first = None if start is None else month_ceil(start)
    last = None if end is None else month_floor(end)
    if first is not None and last is not None and first >= last:
        return Split(None, [(start, end)])
    windows: list[Window] = []
    if start is not None and first is not None and start < first:
        windows.append((start, first))
    if end is not None and last is not None and last < end:
        windows.append((last, end))
    return Split((month_label(first), month_label(last)), windows)
