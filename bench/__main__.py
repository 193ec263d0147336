"""`make bench` (quick, 1x site) and `make bench-full` (1x and 100x): PostgreSQL, plus the
embedded SQLite store for the write path. Prints a table; writes var/bench/latest.json."""

from __future__ import annotations

import argparse

from bench import site, write
from bench.harness import Figure, postgres_database, print_table, write_results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--full", action="store_true", help="also a 100x site (long)")
    args = parser.parse_args()
    figures: list[Figure] = []
    with postgres_database() as settings:
        one, container = site.measure_site(settings, 400, 5, "1x")
        container.close()
        figures += one
    if args.full:
        with postgres_database() as settings:
            hundred, container = site.measure_site(settings, 40_000, 5, "100x")
            container.close()
        figures += hundred + growth(one, hundred)
    with postgres_database() as settings:
        figures += write.measure(settings, "postgres", args.workers, args.seconds, 32)
    figures += write.sqlite_figures(args.seconds)
    print_table(figures)
    print(f"written to {write_results(figures)}")  # noqa: T201


def growth(one: list[Figure], hundred: list[Figure]) -> list[Figure]:
    """How each read's cost grows with history: 100x over 1x, same read, same percentile."""
    base = {f.name.replace("_1x_", "_"): f for f in one}
    return [
        Figure(
            f.name.replace("_100x_", "_growth_"),
            f.value,
            "ms",
            base[key].value,
            f.value / base[key].value,
        )
        for f in hundred
        if (key := f.name.replace("_100x_", "_")) in base and f.unit == "ms"
    ]


if __name__ == "__main__":
    main()
