"""`make bench` (quick, 1x site) and `make bench-full` (1x and 100x): PostgreSQL, plus the
embedded SQLite store for the write path. Prints a table; writes var/bench/latest.json."""

from __future__ import annotations

import argparse
import statistics

from bench import duplicates, notifications, sealing, site, user_felt, write
from bench.harness import ROOT, Figure, postgres_database, print_table, write_results
from infra.observability import configure_logging


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1, help="report the median of this many")
    parser.add_argument("--full", action="store_true", help="also a 100x site (long)")
    parser.add_argument("--rate", type=float, default=500, help="open loop, referrals/s")
    parser.add_argument("--open-seconds", type=float, default=30, help="open loop duration")
    args = parser.parse_args()
    configure_logging("WARNING", as_json=True)
    sizes = {"1x": 400} | ({"100x": 40_000} if args.full else {})
    once: list[Figure] = []
    runs: list[list[Figure]] = [[] for _ in range(args.runs)]
    for label, participants in sizes.items():
        with postgres_database() as settings:
            seeded, measured = site.measure_site(settings, participants, 5, label, args.runs)
        once += seeded
        with postgres_database() as settings:  # the candidate search, on keys of that size
            once += duplicates.search_figures(settings, participants, label)
        for run, figures in zip(runs, measured, strict=True):
            run.extend(figures)
        write_results(once + medians(runs))  # so far: a long run that fails keeps its figures
    for run in runs:  # the write path last: it adds nothing to the seeded stores
        with postgres_database() as settings:
            run.extend(write.measure(settings, "postgres", args.workers, args.seconds, 32))
        # Open loop, CPU per referral, GC pauses: this tree's server on a database of its own.
        run.extend(
            user_felt.figures(ROOT, args.workers, args.seconds, args.rate, args.open_seconds)
        )
        run.extend(write.sqlite_figures(args.seconds))
        with postgres_database() as settings:  # webhooks: lag to the receiver, deliveries/s
            run.extend(notifications.measure(settings))
        run.extend(sealing.figures(args.seconds, people=1000))  # issue 18: sealed vs plain
        write_results(once + medians(runs))
    figures = once + medians(runs)
    figures += growth(figures)
    print_table(figures)
    print(f"written to {write_results(figures)}")  # noqa: T201


def medians(runs: list[list[Figure]]) -> list[Figure]:
    """Each figure's median over the runs; a ratio is the median of each run's own ratio,
    measured side by side with its baseline."""
    by_name: dict[str, list[Figure]] = {}
    for run in runs:
        for figure in run:
            by_name.setdefault(figure.name, []).append(figure)
    return [
        Figure(
            name,
            statistics.median(f.value for f in figures),
            figures[0].unit,
            _median_or_none([f.baseline for f in figures]),
            _median_or_none([f.ratio for f in figures]),
            [f.value for f in figures] if len(figures) > 1 else None,
        )
        for name, figures in by_name.items()
    ]


def _median_or_none(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def growth(figures: list[Figure]) -> list[Figure]:
    """How each read's cost grows with history: 100x over 1x, same read, same percentile."""
    base = {f.name.replace("_1x_", "_"): f for f in figures if "_1x_" in f.name}
    return [
        Figure(
            f.name.replace("_100x_", "_growth_"),
            f.value,
            "ms",
            base[key].value,
            f.value / base[key].value,
        )
        for f in figures
        if "_100x_" in f.name and (key := f.name.replace("_100x_", "_")) in base and f.unit == "ms"
    ]


if __name__ == "__main__":
    main()
