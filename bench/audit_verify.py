"""Verify speed of the tamper-evident chain on a large store (issue 5).

`python -m bench.audit_verify --events 200000`: a fresh PostgreSQL database, events written
through the store in saves of 100 (participants with 99 contacts each), sealed, then
verified three times; prints events/s for writing, sealing and verifying (median of 3)."""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from bench.harness import postgres_database
from composition.bootstrap import build
from domain.base import Meta, Stamp
from domain.participant import Participant
from domain.values import Criteria, Identifier, Person, PolicyTerms, Referral
from services.container import Container

META = Meta("bench-1", "bench", "bench", "case_manager")
START = datetime(2026, 1, 1, tzinfo=UTC)


def write_events(container: Container, events: int, per_save: int = 100) -> float:
    started = time.perf_counter()
    terms = PolicyTerms()
    for n in range(events // per_save):
        stamp = Stamp(META, START + timedelta(seconds=n))
        person = Person("Bench", f"P{n}", date(1980, 1, 1), (Identifier("bench", str(n)),))
        criteria = Criteria(chronic_law_violations=True, public_expectation_of_response=True)
        referral = Referral("social_contact", stamp.recorded_at, criteria=criteria)
        participant = Participant.refer(
            uuid4(),
            person,
            uuid4(),
            referral,
            accepted=True,
            terms=terms,
            policy_version=0,
            stamp=stamp,
        )
        for _ in range(per_save - 1):
            participant.record_contact(stamp.recorded_at, "phone", stamp)
        container.store.save(participant)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    args = parser.parse_args()
    with postgres_database() as settings:
        container = build(settings)
        try:
            wrote = write_events(container, args.events)
            started = time.perf_counter()
            sealed = container.audit.sealer.run_until_caught_up()
            seal_seconds = time.perf_counter() - started
            runs = [container.audit.verifier.verify() for _ in range(3)]
        finally:
            container.close()
    assert all(run["ok"] for run in runs), runs
    checked = runs[0]["events_checked"]
    seconds = statistics.median(run["seconds"] for run in runs)
    lines = (
        f"wrote {args.events} events in {wrote:.1f} s ({args.events / wrote:,.0f} ev/s)",
        f"sealed {sealed} events in {seal_seconds:.1f} s ({sealed / seal_seconds:,.0f} ev/s)",
        f"verified {checked} events in {seconds:.2f} s ({checked / seconds:,.0f} ev/s, "
        f"median of 3: {[run['seconds'] for run in runs]})",
    )
    print("\n".join(lines))  # noqa: T201


if __name__ == "__main__":
    main()
