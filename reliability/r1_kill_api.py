"""R1: `kill -9` the API while 8 writers retry their referrals with an Idempotency-Key.
Nothing acknowledged may be lost, no retried write may create a second referral, and every
aggregate's history stays contiguous. (R3a runs the same cycles without keys.)

A standby server warms up on another port while the active one takes the load; the active
one is then killed (SIGKILL to its process group, requests in flight) and the writers move
to the standby, as behind a load balancer. So every second of the run is under load."""

from __future__ import annotations

import random
import time

from bench.harness import postgres_database
from infra.settings import Settings
from reliability.clients import headers_for, open_site
from reliability.invariants import Findings, check_writes
from reliability.processes import Api
from reliability.report import Result
from reliability.writers import Ledger, Writers


def kill_cycles(settings: Settings, active: Api, writers: Writers, cycles: int) -> Api:
    """The server left running at the end."""
    with writers:
        for _ in range(cycles):
            standby = Api(settings, active.log_path.stem)
            standby.launch()
            time.sleep(random.uniform(0.2, 0.6))  # noqa: S311 (at least this much load)
            try:
                standby.wait_healthy(30)
            except RuntimeError:
                standby.kill()
                raise
            active.kill()
            writers.url, active = standby.url, standby
        time.sleep(0.5)
        writers.stop()
    return active


def unexpected_answers(ledger: Ledger) -> Findings:
    found = Findings()
    found.violation(f"unexpected answers: {ledger.unexpected[:3]}", len(ledger.unexpected))
    return found


def run(
    cycles: int = 50, *, keyed: bool = True, name: str = "R1 kill -9 API, keyed writers"
) -> Result:
    started = time.monotonic()
    with postgres_database() as settings:
        api = Api(settings, "r1-api" if keyed else "r3a-api")
        api.start()
        try:
            open_site(settings, api.url)
            police = headers_for(settings, api.url, "police", "spd")
            writers = Writers(api.url, police, 8, keyed=keyed)
            api = kill_cycles(settings, api, writers, cycles)
        finally:
            api.stop()
        findings = check_writes(settings, writers.ledger.writes)
        findings.add(unexpected_answers(writers.ledger))
    result = Result(name, cycles, findings, expected_to_fail=not keyed)
    result.seconds = time.monotonic() - started
    result.notes.append(f"answers: {dict(writers.ledger.statuses)}")
    return result
