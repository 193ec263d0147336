"""R10: the service reaches PostgreSQL through a proxy that delays, resets and blackholes its
connections while keyed writers run. No 2xx without a commit (every acknowledged write is in
the store), no duplicate, no 5xx other than 503, and a 2xx within 5 s of each healing."""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.harness import postgres_database
from reliability.clients import headers_for, open_site
from reliability.invariants import Findings, check_writes
from reliability.processes import Api
from reliability.proxy import ChaosProxy
from reliability.r1_kill_api import unexpected_answers
from reliability.r2_crash_postgres import wait_for_success
from reliability.report import Result
from reliability.writers import Writers

HEAL_SECONDS = 5.0


def delayed(proxy: ChaosProxy) -> None:
    proxy.set("delay", 0.05)
    time.sleep(3)


def reset(proxy: ChaosProxy) -> None:
    """Longer than the store's own retries (10 x 0.2 s): some requests must give up, as 503."""
    proxy.set("reset")
    time.sleep(3)


def blackholed(proxy: ChaosProxy) -> None:
    """Longer than the writers' timeout: they retry while the first attempt is still held."""
    proxy.set("blackhole")
    time.sleep(6)


def blackholed_then_reset(proxy: ChaosProxy) -> None:
    """A partition that ends with every connection dead: nothing in flight survives it."""
    blackholed(proxy)
    proxy.set("reset")
    time.sleep(0.5)


FAULTS: list[Callable[[ChaosProxy], None]] = [delayed, reset, blackholed, blackholed_then_reset]


def fault_cycles(proxy: ChaosProxy, writers: Writers, cycles: int, found: Findings) -> None:
    recoveries: list[float] = []
    with writers:
        for _ in range(cycles):
            for fault in FAULTS:
                time.sleep(1.0)
                fault(proxy)
                proxy.set("pass")
                healed = time.monotonic()
                took = wait_for_success(writers.ledger, healed, HEAL_SECONDS)
                if took is None:
                    found.violation(
                        f"no 2xx within {HEAL_SECONDS} s of healing after {fault.__name__}"
                    )
                else:
                    recoveries.append(took)
        time.sleep(0.5)
        writers.stop()
    found.notes.append(f"slowest recovery to a 2xx: {max(recoveries, default=float('nan')):.2f} s")


def run(cycles: int = 3) -> Result:
    started = time.monotonic()
    found = Findings()
    with postgres_database() as settings, ChaosProxy() as proxy:
        parts = settings.postgres_parts
        proxied = replace_port(settings.database_url, parts["port"], proxy.port)
        api = Api(settings.model_copy(update={"database_url": proxied}), "r10-api")
        api.start()
        try:
            open_site(settings, api.url)
            police = headers_for(settings, api.url, "police", "spd")
            writers = Writers(api.url, police, 8, timeout=5)
            fault_cycles(proxy, writers, cycles, found)
        finally:
            api.stop()
        found.add(check_writes(settings, writers.ledger.writes))
        found.add(unexpected_answers(writers.ledger))
    result = Result("R10 delay/reset/blackhole proxy", cycles * len(FAULTS), found)
    result.seconds = time.monotonic() - started
    result.notes.append(f"answers: {dict(writers.ledger.statuses)}")
    result.notes.append(f"proxy: {proxy.sessions} sessions, {proxy.aborted} reset")
    return result


def replace_port(url: str, old: str, new: int) -> str:
    return url.replace(f":{old}/", f":{new}/", 1)
