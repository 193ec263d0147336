"""`python -m bench.rebuild_ab --before TREE --after TREE --database-url URL [--runs 3]`: every
projection rebuilt (`leadctl projections rebuild`, blue/green) by each tree's own leadctl on
one seeded PostgreSQL database, the trees alternating run by run. Per run: events/s as the
command reports it, its wall time, the CPU of the rebuilding process and of PostgreSQL's
backends serving that database. The database must be seeded by a tree whose schema both
trees share (`leadctl seed --participants-per-site 40000` for 100x, README); run it from the
directory that holds the seed's `var/` keys (or set LEAD_KEY_ENCRYPTION_KEY and friends).
Writes var/bench/rebuild_ab.json."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.ab import Runs, alternating, medians, write_document
from bench.harness import PG_ADMIN
from bench.proc_cpu import backends, children_cpu, cpu_seconds

REPORTED = re.compile(r"rebuilt (\d+) projections over ([\d,]+) store positions in ([\d.]+) s")


class BackendCpu:
    """PostgreSQL backends of one database polled while a command runs: each backend's last
    CPU reading is kept, so one that exits with the command still counts (up to the poll)."""

    def __init__(self, database: str, interval: float = 0.2) -> None:
        self.database, self.interval = database, interval
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)

    def poll(self) -> None:
        while not self.done.is_set():
            for pid in backends(PG_ADMIN, self.database):
                seen = cpu_seconds(pid)
                self.first.setdefault(pid, seen)
                self.last[pid] = max(seen, self.last.get(pid, 0.0))
            self.done.wait(self.interval)

    def __enter__(self) -> BackendCpu:
        for pid in backends(PG_ADMIN, self.database):  # idle ones from before: their CPU so far
            self.first[pid] = self.last[pid] = cpu_seconds(pid)
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.done.set()
        self.thread.join()

    def seconds(self) -> float:
        return sum(self.last[pid] - self.first.get(pid, 0.0) for pid in self.last)


def rebuild_once(tree: Path, database_url: str, jobs: int) -> dict[str, float]:
    env = os.environ | {"LEAD_DATABASE_URL": database_url, "LEAD_LOG_LEVEL": "WARNING"}
    command = [str(tree / ".venv" / "bin" / "leadctl"), "projections", "rebuild"]
    database = urlsplit(database_url).path.lstrip("/")
    cpu, started = children_cpu(), time.perf_counter()
    with BackendCpu(database) as postgres:
        output = subprocess.run(  # noqa: S603 (the tree's own CLI)
            [*command, "--jobs", str(jobs)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    wall, cpu = time.perf_counter() - started, children_cpu() - cpu
    found = REPORTED.search(" ".join(output.split()))
    if found is None:
        msg = f"{tree}: no summary in the rebuild's output:\n{output[-2000:]}"
        raise RuntimeError(msg)
    positions, seconds = int(found.group(2).replace(",", "")), float(found.group(3))
    return {
        "events_per_second": positions / seconds,
        "seconds": seconds,
        "command_wall_seconds": wall,
        "rebuilder_cpu_seconds": cpu,
        "postgres_cpu_seconds": postgres.seconds(),
        "cpu_us_per_event": (cpu + postgres.seconds()) * 1e6 / positions,
        "positions": positions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--database-url", required=True, help="a seeded PostgreSQL database")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    trees = [("before", args.before.resolve()), ("after", args.after.resolve())]
    results: Runs = {"before": [], "after": []}
    for run, label, tree in alternating(trees, args.runs):
        figures = rebuild_once(tree, args.database_url, args.jobs)
        results[label].append(figures)
        print(  # noqa: T201
            f"run {run + 1}/{args.runs} {label}: {figures['events_per_second']:,.0f} events/s, "
            f"{figures['rebuilder_cpu_seconds']:.1f} s CPU rebuilder, "
            f"{figures['postgres_cpu_seconds']:.1f} s PostgreSQL",
            flush=True,
        )
    rows = medians(results)
    print(f"{'figure':<24} {'before':>12} {'after':>12} {'ratio':>7}")  # noqa: T201
    for row in rows:
        shown = f"{row['ratio']:7.2f}" if row["ratio"] is not None else "      -"
        print(f"{row['figure']:<24} {row['before']:12,.1f} {row['after']:12,.1f} {shown}")  # noqa: T201
    write_document(
        "rebuild_ab", trees, rows, results, database=urlsplit(args.database_url).path.lstrip("/")
    )


if __name__ == "__main__":
    main()
