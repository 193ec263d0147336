"""What sealing personal data costs (issue 18), measured side by side in one run on the same
kind of store: referral saves per second (the participant, the identifier claim and the kept
answer a referral writes) through a sealed store against a plaintext one, and a rebuild of
every projection over the same synthetic histories written sealed and in plain text. The
goal is at most 10% slower. `python -m bench.sealing` runs these alone."""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from bench.harness import Figure, postgres_database, print_table, sqlite_database
from bench.write import META, TERMS, referral
from composition.bootstrap import build
from domain.base import Stamp
from domain.identifiers import SITE_WIDE, IdentifierClaim
from domain.participant import Participant
from infra.eventstore import LeadStore, open_store, store_environment
from infra.settings import Settings
from projections.rebuild import Rebuilder
from services.idempotency import IdempotencyRecord

Databases = Callable[[], Iterator[Settings]]


def referral_objects(n: str, stamp: Stamp) -> list[object]:
    person, value = referral(n)
    participant = Participant.refer(
        uuid4(), person, uuid4(), value, accepted=True, terms=TERMS, policy_version=1, stamp=stamp
    )
    claim = IdentifierClaim.claim(person.identifiers[0], participant.id, stamp, SITE_WIDE, uuid4())
    answer = {"participant_id": str(participant.id), "status": "referred"}
    record = IdempotencyRecord.accept("bench", uuid4().hex, "f", "done", answer, stamp)
    return [participant, claim, record]


def saves_per_second(store: LeadStore, seconds: float, threads: int) -> float:
    stop = time.perf_counter() + seconds
    counts = [0] * threads

    def writer(index: int) -> None:
        while time.perf_counter() < stop:
            stamp = Stamp(META, datetime.now(tz=UTC))
            store.save(*referral_objects(f"{index}-{counts[index]}-{uuid4().hex[:6]}", stamp))
            counts[index] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=writer, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - started)


def stores(settings: Settings) -> tuple[LeadStore, LeadStore]:
    unbatched = settings.model_copy(update={"group_commit": False})
    return open_store(unbatched), open_store(unbatched, sealed=False)


def save_figure(settings: Settings, label: str, seconds: float, rounds: int) -> Figure:
    """Alternating rounds, so the machine's other load falls on both alike."""
    sealed_store, plain_store = stores(settings)
    sealed, plain = 0.0, 0.0
    try:
        for _ in range(rounds):
            plain += saves_per_second(plain_store, seconds / rounds, threads=4)
            sealed += saves_per_second(sealed_store, seconds / rounds, threads=4)
    finally:
        sealed_store.close()
        plain_store.close()
    return Figure(
        f"referral_save_sealed_{label}", sealed / rounds, "ref/s", plain / rounds, sealed / plain
    )


def histories(store: LeadStore, people: int) -> None:
    """Referral, intake with a plan, ROI and a few contacts each: what a rebuild decodes."""
    at = datetime(2026, 11, 24, 10, tzinfo=UTC)
    stamp = Stamp(META, at)
    for n in range(people):
        participant, claim, record = referral_objects(f"h-{n}", stamp)
        assert isinstance(participant, Participant)
        participant.complete_intake(at, f"plan for person {n}", stamp)
        participant.sign_roi(uuid4(), at, ("spd",), ("engagement",), None, stamp)
        for _ in range(5):
            participant.record_contact(at, "field", stamp)
        store.save(participant, claim, record)


def rebuild_rate(settings: Settings, sealed: bool, people: int) -> float:
    store = open_store(settings) if sealed else LeadStore(env=store_environment(settings))
    container = build(settings, store=store)
    try:
        histories(store, people)
        started = time.perf_counter()
        Rebuilder(store, container.sql, container.projector.projections).run()
        return store.table.head() / (time.perf_counter() - started)
    finally:
        container.close()


def rebuild_figure(databases: Databases, label: str, people: int) -> Figure:
    rates = {}
    for sealed in (False, True):
        with contextmanager(databases)() as settings:
            rates[sealed] = rebuild_rate(settings, sealed, people)
    return Figure(
        f"rebuild_all_projections_sealed_{label}",
        rates[True],
        "ev/s",
        rates[False],
        rates[True] / rates[False],
    )


def sqlite_databases() -> Iterator[Settings]:
    with tempfile.TemporaryDirectory() as tmp, sqlite_database(Path(tmp)) as settings:
        yield settings


def postgres_databases() -> Iterator[Settings]:
    with postgres_database() as settings:
        yield settings


def figures(seconds: float, people: int, *, postgres: bool = True) -> list[Figure]:
    chosen: dict[str, Databases] = {"sqlite": sqlite_databases}
    if postgres:
        chosen["postgres"] = postgres_databases
    measured = []
    for label, databases in chosen.items():
        with contextmanager(databases)() as settings:
            measured.append(save_figure(settings, label, seconds, rounds=4))
        measured.append(rebuild_figure(databases, label, people))
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print_table(figures(args.seconds, args.people, postgres=not args.no_postgres))


if __name__ == "__main__":
    main()
