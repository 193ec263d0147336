"""What the before/after benchmarks share (bench/write_ab.py, bench/rebuild_ab.py): the order
the two trees run in, the medians of their figures, and the JSON document of a comparison."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness import ROOT

Runs = dict[str, list[dict[str, float]]]


def alternating(trees: list[tuple[str, Path]], runs: int) -> list[tuple[int, str, Path]]:
    """Before, after; after, before; ...: a drift of the machine falls on both trees."""
    order = []
    for run in range(runs):
        for label, tree in trees if run % 2 == 0 else trees[::-1]:
            order.append((run, label, tree))
    return order


def medians(results: Runs, unit: Callable[[str], str] | None = None) -> list[dict[str, Any]]:
    """Each figure's median before and after, and after/before (None when before is 0)."""
    rows = []
    for name in results["before"][0]:
        before = statistics.median(run[name] for run in results["before"])
        after = statistics.median(run[name] for run in results["after"])
        row: dict[str, Any] = {"figure": name}
        if unit is not None:
            row["unit"] = unit(name)
        row |= {"before": before, "after": after, "ratio": after / before if before else None}
        rows.append(row)
    return rows


def write_document(
    name: str, trees: list[tuple[str, Path]], rows: list[dict[str, Any]], results: Runs,
    **context: Any,
) -> Path:  # fmt: skip
    """var/bench/<name>.json: when, which trees, the medians and every run."""
    path = ROOT / "var" / "bench" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "trees": {label: str(tree.resolve()) for label, tree in trees},
        **context,
        "medians": rows,
        "runs": results,
    }
    path.write_text(json.dumps(document, indent=2))
    print(f"written to {path}")  # noqa: T201
    return path
