"""`python -m bench.write_ab --before TREE --after TREE [--runs 3]`: the write path of two
trees side by side, as a user feels it (bench/user_felt.py: closed loop, open loop, CPU per
referral, largest GC pause). Each tree is a checkout with its own `.venv` (`make install`)
and runs its own server, migrations and policy; the trees alternate run by run (before,
after; after, before; ...) so a drift of the machine falls on both. Prints one table per
figure (before, after, after/before; medians of the runs) and writes var/bench/write_ab.json
with every run."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bench.ab import Runs, alternating, medians, write_document
from bench.user_felt import Load, measure_tree, unit


def print_table(rows: list[dict[str, Any]], results: Runs) -> None:
    print(f"{'figure':<24} {'unit':<6} {'before':>10} {'after':>10} {'ratio':>7}  runs (b | a)")  # noqa: T201
    for row in rows:
        ratio = f"{row['ratio']:7.2f}" if row["ratio"] is not None else "      -"
        runs = " / ".join(
            " ".join(f"{run[row['figure']]:.2f}" for run in results[side])
            for side in ("before", "after")
        )
        print(  # noqa: T201
            f"{row['figure']:<24} {row['unit']:<6} {row['before']:10.2f} {row['after']:10.2f} "
            f"{ratio}  {runs}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, required=True, help="a checkout with .venv")
    parser.add_argument("--after", type=Path, required=True, help="a checkout with .venv")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10, help="closed loop (wrk)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rate", type=float, default=500, help="open loop, referrals/s")
    parser.add_argument("--open-seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    trees = [("before", args.before), ("after", args.after)]
    for label, tree in trees:
        if not (tree / ".venv" / "bin" / "leadctl").exists():
            parser.error(f"--{label} {tree}: no .venv/bin/leadctl (run `make install` there)")
    results: Runs = {"before": [], "after": []}
    for run, label, tree in alternating(trees, args.runs):
        print(f"run {run + 1}/{args.runs}: {label} ({tree})", flush=True)  # noqa: T201
        load: Load = measure_tree(
            tree,
            workers=args.workers,
            seconds=args.seconds,
            connections=args.connections,
            rate=args.rate,
            open_seconds=args.open_seconds,
        )
        results[label].append(load.as_dict())
    rows = medians(results, unit)
    print_table(rows, results)
    write_document(
        "write_ab", trees, rows, results, options={k: str(v) for k, v in vars(args).items()}
    )


if __name__ == "__main__":
    main()
