"""The before/after benchmarks compare what they say: the trees take turns going first, and
each figure's medians and ratio come from that figure's own runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.ab import alternating, medians

pytestmark = pytest.mark.unit


def test_the_trees_take_turns_going_first() -> None:
    trees = [("before", Path("b")), ("after", Path("a"))]
    order = [(run, label) for run, label, _ in alternating(trees, 3)]
    assert order == [
        (0, "before"), (0, "after"), (1, "after"), (1, "before"), (2, "before"), (2, "after")
    ]  # fmt: skip


def test_medians_and_ratios_are_per_figure_and_a_zero_before_has_no_ratio() -> None:
    def runs(*rates: float, lost: float = 0.0) -> list[dict[str, float]]:
        return [{"rate": rate, "lost": lost} for rate in rates]

    results = {"before": runs(400, 500, 450), "after": runs(900, 1000, 800)}
    rows = medians(results, unit=lambda name: "req/s" if name == "rate" else "count")
    assert rows == [
        {"figure": "rate", "unit": "req/s", "before": 450.0, "after": 900.0, "ratio": 2.0},
        {"figure": "lost", "unit": "count", "before": 0.0, "after": 0.0, "ratio": None},
    ]
    assert "unit" not in medians(results)[0]
