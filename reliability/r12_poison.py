"""R12: one event a projection cannot apply (the test-only fault switch makes the directory's
handler fail on it) never stops the site. Under writers, on PostgreSQL: every write is still
answered, the other projections and the directory's other events are applied, the event is
quarantined, `/readyz` says `degraded` naming the projection, and reads answer. After the fix
(the service restarted without the switch) two `leadctl projections retry` at once apply it
exactly once: the directory then equals a replay of the store, and `/readyz` is ready."""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench.harness import ROOT, postgres_database
from infra.settings import Settings
from reliability.clients import IDENTIFIER_SYSTEM, headers_for, open_site
from reliability.invariants import Findings, check_writes
from reliability.processes import LEADCTL, Api, service_env
from reliability.projection_checks import compare_with_replay, container_of, wait_caught_up
from reliability.r1_kill_api import unexpected_answers
from reliability.report import Result
from reliability.writers import Writers

NAME = "R12 a projection fails on one event"
FAULTY = "participant_directory"
SYSTEM = {"system": IDENTIFIER_SYSTEM, "agency": "spd"}


def run(cycles: int = 1, seconds: float = 4, writers: int = 4) -> Result:
    started = time.monotonic()
    found = Findings()
    for _ in range(cycles):
        with postgres_database() as settings:
            found.add(one_cycle(settings, seconds, writers))
    result = Result(NAME, cycles, found)
    result.seconds = time.monotonic() - started
    return result


def one_cycle(settings: Settings, seconds: float, writers: int) -> Findings:
    found = Findings()
    faulty = Api(settings, "r12-faulty", LEAD_WORKER_TICK_SECONDS="0.05", **fault_env(settings))
    faulty.start()
    try:
        police = headers_for(settings, faulty.url, "police", "spd")
        # The writers' identifier system is spd's: each referral claims its identifier.
        open_site(settings, faulty.url, identifier_systems=[SYSTEM])
        with Writers(faulty.url, police, writers) as load:
            time.sleep(seconds)
            ledger = load.stop()
        found.add(check_writes(settings, ledger.writes))
        found.add(unexpected_answers(ledger))
        found.add(while_degraded(settings, faulty.url, time.monotonic()))
    finally:
        faulty.stop()
    found.add(retried_once(settings))
    return found


def fault_env(settings: Settings) -> dict[str, str]:
    """Armed from the next position: the first event the directory is given fails."""
    with container_of(settings) as container:
        after = container.store.table.head() + 1
    return {"LEAD_TEST_MODE": "1", "LEAD_TEST_FAULT_PROJECTION": f"{FAULTY}@{after}"}


def while_degraded(settings: Settings, url: str, since: float) -> Findings:
    found = Findings()
    with container_of(settings) as container:
        if wait_caught_up(container, since) is None:
            found.violation("the projections did not catch up past the failing event")
        entries = container.projector.quarantine.entries()
        head = container.store.table.head()
    if [e.projection for e in entries] != [FAULTY]:
        found.violation(f"quarantine holds {[(e.projection, e.position) for e in entries]}")
    ready = httpx.get(f"{url}/readyz", timeout=10)
    if ready.status_code != 503 or ready.json() != {"status": "degraded", "projections": [FAULTY]}:
        found.violation(f"/readyz answered {ready.status_code} {ready.text[:200]}")
    cm = headers_for(settings, url, "case_manager", "lead-cm")
    listed = httpx.get(f"{url}/v1/participants", params={"min_position": head}, headers=cm)
    if listed.status_code != 200:
        found.violation(f"a read at the head answered {listed.status_code}")
    found.notes.append(f"quarantined {[(e.projection, e.position) for e in entries]}")
    return found


def retried_once(settings: Settings) -> Findings:
    """The fix: no switch. Two operators retry at once; the entry is applied once."""
    found = Findings()
    env = service_env(settings)
    command = [str(LEADCTL), "projections", "retry", FAULTY]
    with ThreadPoolExecutor(2) as pool:
        outputs = list(pool.map(lambda _: leadctl(command, env), range(2)))
    applied = sum(out.count("applied position") for out in outputs)
    if applied != 1:
        found.violation(f"the entry was applied {applied} times: {outputs}")
    with container_of(settings) as container:
        if container.projector.quarantine.entries():
            found.violation("the quarantine is not empty after retry")
        found.add(compare_with_replay(container))
    fixed = Api(settings, "r12-fixed")
    fixed.start()
    try:
        ready = httpx.get(f"{fixed.url}/readyz", timeout=10)
        if ready.status_code != 200:
            found.violation(f"/readyz after retry answered {ready.status_code}")
    finally:
        fixed.stop()
    return found


def leadctl(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 (our own CLI)
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    return done.stdout + done.stderr
