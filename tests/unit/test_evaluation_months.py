"""Splitting a report's window into whole cohort months (cells) and what is left (rows)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from projections.evaluation_months import Split, split

pytestmark = pytest.mark.unit


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_an_open_window_is_all_cells() -> None:
    assert split(None, None) == Split((None, None), [])


def test_whole_months_are_all_cells() -> None:
    assert split(at(2025, 2, 1), at(2025, 5, 1)) == Split(("2025-02", "2025-05"), [])


def test_cut_months_are_read_from_rows_and_december_rolls_over() -> None:
    start, end = at(2024, 12, 3, 8), at(2025, 3, 9)
    assert split(start, end) == Split(
        ("2025-01", "2025-03"), [(start, at(2025, 1, 1)), (at(2025, 3, 1), end)]
    )


def test_a_window_inside_one_month_is_all_rows() -> None:
    start, end = at(2025, 7, 1), at(2025, 7, 14)
    assert split(start, end) == Split(None, [(start, end)])


def test_months_are_in_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    start = datetime(2025, 7, 1, 1, tzinfo=plus_two)  # June 30, 23:00 UTC
    assert split(start, None) == Split(("2025-07", None), [(start, at(2025, 7, 1))])
    aligned = datetime(2025, 7, 1, 2, tzinfo=plus_two)
    assert split(aligned, None) == Split(("2025-07", None), [])
