"""R2: immediate shutdowns of PostgreSQL (a crash, to the database) under keyed writers.
The same invariants as R1; after each restart a 2xx within 10 s of the server accepting
connections; no 5xx other than 503. (R3b runs it with `synchronous_commit=off`, where
acknowledged writes can vanish.)"""

from __future__ import annotations

import random
import time

import psycopg

from bench.harness import PG_ADMIN, postgres_database
from infra.settings import Settings
from reliability import postgres
from reliability.clients import headers_for, open_site
from reliability.invariants import Findings, check_writes
from reliability.processes import Api
from reliability.r1_kill_api import unexpected_answers
from reliability.report import Result
from reliability.writers import Ledger, Writers

RECOVERY_SECONDS = 10.0


def wait_for_success(ledger: Ledger, since: float, limit: float) -> float | None:
    """Seconds from `since` to the first 2xx answered after it, or None past `limit`."""
    deadline = since + limit
    while time.monotonic() < deadline:
        first = ledger.first_success_after(since)
        if first is not None:
            return first - since
        time.sleep(0.05)
    first = ledger.first_success_after(since)
    return None if first is None or first > deadline else first - since


def crash_cycles(writers: Writers, crashes: int, found: Findings) -> tuple[Ledger, list[float]]:
    """Outages from a fraction of a second (the store's own retries hide it) to a few
    seconds (requests must give up with 503, and the pool must reconnect)."""
    recoveries: list[float] = []
    outages: list[float] = []
    with writers, postgres.restarted_on_exit():
        for _ in range(crashes):
            time.sleep(random.uniform(0.5, 1.2))  # noqa: S311 (writes in flight)
            if not postgres.wait_for_idle_machine(max_wait=120):
                found.violation("another test run started: the remaining crashes were skipped")
                break
            down = time.monotonic()
            postgres.crash()
            time.sleep(random.uniform(0.1, 3.0))  # noqa: S311 (down for a while)
            postgres.start()
            up = postgres.wait_accepting()
            outages.append(up - down)
            took = wait_for_success(writers.ledger, up, RECOVERY_SECONDS)
            if took is None:
                found.violation(f"no 2xx within {RECOVERY_SECONDS} s of PostgreSQL accepting")
            else:
                recoveries.append(took)
        time.sleep(0.5)
        found.notes.append(
            f"{len(outages)} outages of {min(outages, default=0):.1f}"
            f"-{max(outages, default=0):.1f} s"
        )
        return writers.stop(), recoveries


def asynchronous_commit(settings: Settings) -> None:
    """The negative control's misconfiguration: commits are acknowledged before the WAL is
    flushed, so a crash forgets the last few hundred milliseconds of acknowledged writes."""
    name = settings.postgres_parts["dbname"]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')


def run(crashes: int = 10, *, durable: bool = True, name: str = "R2 PostgreSQL crash") -> Result:
    started = time.monotonic()
    found = Findings()
    with postgres_database() as settings:
        if not durable:
            asynchronous_commit(settings)
        api = Api(settings, "r2-api" if durable else "r3b-api")
        api.start()
        try:
            open_site(settings, api.url)
            police = headers_for(settings, api.url, "police", "spd")
            writers = Writers(api.url, police, 8, timeout=5)
            ledger, recoveries = crash_cycles(writers, crashes, found)
        finally:
            api.stop()
        found.add(check_writes(settings, ledger.writes))
        found.add(unexpected_answers(ledger))
    result = Result(name, crashes, found, expected_to_fail=not durable)
    result.seconds = time.monotonic() - started
    worst = max(recoveries, default=float("nan"))
    result.notes.append(
        f"slowest recovery to a 2xx: {worst:.2f} s; answers: {dict(ledger.statuses)}"
    )
    return result
