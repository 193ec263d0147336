"""`make bench`: the quick benchmark suite on PostgreSQL (and the embedded SQLite store)."""

from __future__ import annotations

import argparse

from bench import write
from bench.harness import postgres_database, print_table, write_results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    figures = []
    with postgres_database() as settings:
        figures += write.measure(settings, "postgres", args.workers, args.seconds, 32)
    figures += write.sqlite_figures(args.seconds)
    print_table(figures)
    print(f"written to {write_results(figures)}")  # noqa: T201


if __name__ == "__main__":
    main()
