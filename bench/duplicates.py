"""The duplicate search, measured: precision and recall of the `certain` and `probable` grades
on a seeded site against the seeder's ground truth (each person's records), and the time the
candidate search adds to a referral (the projection's blocking query and scoring, for one new
record) against a keys table of the site's size.

`python -m bench.duplicates` runs only this part (`--full`: the search at 100x as well);
`make bench` includes it."""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterable
from datetime import timedelta
from itertools import combinations
from uuid import UUID, uuid4

from sqlalchemy import Engine, insert, select

from bench.harness import Figure, postgres_database, print_table
from composition.bootstrap import sql_engine
from domain.values import Person
from infra.observability import configure_logging
from infra.settings import Settings
from projections.duplicate_match import Keys, keys_of
from projections.duplicates import duplicate_keys, load_blocks, possible_duplicates, row_from_keys
from projections.duplicates import search as candidate_search
from seeding.plan import VARIANTS, person, pick, written_as
from seeding.session import END, SeedPlan, seed_store

Pair = frozenset[UUID]
FLAGGED = ("certain", "probable")


def true_pairs(same_person: Iterable[tuple[UUID, ...]]) -> set[Pair]:
    return {frozenset(pair) for records in same_person for pair in combinations(records, 2)}


def flagged_pairs(engine: Engine) -> set[Pair]:
    t = possible_duplicates
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.earlier_id, t.c.later_id).where(t.c.grade.in_(FLAGGED)))
        return {frozenset((row.earlier_id, row.later_id)) for row in rows}


def quality_figures(
    engine: Engine, same_person: list[tuple[UUID, ...]], label: str
) -> list[Figure]:
    truth, flagged = true_pairs(same_person), flagged_pairs(engine)
    found = len(truth & flagged)
    return [
        Figure(f"duplicates_{label}_true_pairs", len(truth), "count"),
        Figure(f"duplicates_{label}_flagged_pairs", len(flagged), "count"),
        Figure(f"duplicates_{label}_precision", found / len(flagged) if flagged else 1.0, "ratio"),
        Figure(f"duplicates_{label}_recall", found / len(truth) if truth else 1.0, "ratio"),
    ]


def synthetic_people(rng: random.Random, count: int) -> list[Person]:
    """People as the seeder plans them, and some written down again by another referrer."""
    people = []
    for index in range(count):
        who = person(rng, 0, index, END - timedelta(days=rng.uniform(0, 1800)))
        people.append(Person(who.given_name, who.family_name, who.date_of_birth))
        if rng.random() < 0.05:
            written = written_as(rng, who, pick(rng, VARIANTS))
            del written["variant"]
            people.append(Person(**written))
    return people


def fill_keys(engine: Engine, people: list[Person]) -> None:
    rows = [row_from_keys(keys_of(uuid4(), n, p)) for n, p in enumerate(people, start=1)]
    with engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(insert(duplicate_keys), rows[start : start + 5000])
        conn.exec_driver_sql("ANALYZE duplicate_keys")


def search_timings(engine: Engine, referrals: list[Keys]) -> list[float]:
    timings = []
    with engine.connect() as conn:
        for keys in referrals:
            started = time.perf_counter()
            blocks = load_blocks(conn, [keys], [])
            candidate_search(blocks, keys, [])
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def search_figures(
    settings: Settings, participants: int, label: str, samples: int = 1000
) -> list[Figure]:
    """The search for `samples` referrals (a third of them people already known, written
    down again) against the keys of a site of `participants` people."""
    rng = random.Random(19)  # noqa: S311 (synthetic data)
    engine = sql_engine(settings)
    try:
        known = synthetic_people(rng, participants)
        fill_keys(engine, known)
        referrals = [
            keys_of(uuid4(), 10**9 + n, rng.choice(known) if n % 3 == 0 else p)
            for n, p in enumerate(synthetic_people(rng, samples)[:samples])
        ]
        search_timings(engine, referrals[:50])  # warm the connection and the plan cache
        timings = sorted(search_timings(engine, referrals))
    finally:
        engine.dispose()
    return [
        Figure(f"duplicate_search_{label}_p50", timings[len(timings) // 2], "ms"),
        Figure(f"duplicate_search_{label}_p99", timings[int(0.99 * len(timings))], "ms"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="also the search at 100x")
    args = parser.parse_args()
    configure_logging("WARNING", as_json=True)
    figures = []
    with postgres_database() as settings:
        report = seed_store(settings, SeedPlan(participants_per_site=400, years=5, end=END))
        engine = sql_engine(settings)
        try:
            figures += quality_figures(engine, report.same_person, "1x")
        finally:
            engine.dispose()
    sizes = {"1x": 400} | ({"100x": 40_000} if args.full else {})
    for label, participants in sizes.items():
        with postgres_database() as settings:
            figures += search_figures(settings, participants, label)
    print_table(figures)


if __name__ == "__main__":
    main()
