"""`make reliability`: every fault-injection test, a table, and var/reliability/latest.json.

Tests that crash PostgreSQL run last, and only once no test run is active on the machine."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from reliability import (
    postgres,
    r1_kill_api,
    r2_crash_postgres,
    r5_conflicts,
    r8_kill_projector,
    r9_positions,
    r10_network,
    r11_notify_kill,
    r12_poison,
)
from reliability.invariants import Findings
from reliability.report import Result, table, write_results


@dataclass(frozen=True)
class Test:
    key: str
    name: str
    count: int
    run: Callable[[int], Result]
    crashes_postgres: bool = False
    expected_to_fail: bool = False


TESTS = [
    Test("R1", "R1 kill -9 API, keyed writers", 50, r1_kill_api.run),
    Test(
        "R3a",
        "R3a kill -9 API, writers without keys",
        10,
        lambda n: r1_kill_api.run(n, keyed=False, name="R3a kill -9 API, no Idempotency-Key"),
        expected_to_fail=True,
    ),
    Test("R5", "R5 16 concurrent conflicting commands", 200, r5_conflicts.run),
    Test("R8", "R8 kill -9 projector", 20, r8_kill_projector.run),
    Test("R9", "R9 projections equal committed positions", 10, r9_positions.run),
    Test("R10", "R10 delay/reset/blackhole proxy", 2, r10_network.run),
    Test("R11", "R11 kill -9 notifier", 10, r11_notify_kill.run),
    Test("R12", r12_poison.NAME, 1, r12_poison.run),
    Test("R2", "R2 PostgreSQL crash", 10, r2_crash_postgres.run, crashes_postgres=True),
    Test(
        "R3b",
        "R3b PostgreSQL crash, synchronous_commit=off",
        5,
        lambda n: r2_crash_postgres.run(
            n, durable=False, name="R3b PostgreSQL crash, synchronous_commit=off"
        ),
        crashes_postgres=True,
        expected_to_fail=True,
    ),
]


def run_one(test: Test, scale: float) -> Result:
    count = max(1, round(test.count * scale))
    print(f"== {test.name} ({count})", flush=True)  # noqa: T201
    started = time.monotonic()
    try:
        with postgres.restarted_on_exit():
            return test.run(count)
    except Exception as exc:  # noqa: BLE001 (a broken test is a failed row, not a crash)
        traceback.print_exc()
        result = Result(test.name, count, Findings(), test.expected_to_fail)
        result.error = f"{type(exc).__name__}: {exc}"[:300]
        result.seconds = time.monotonic() - started
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="", help="comma-separated keys, e.g. R1,R5")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count")
    args = parser.parse_args()
    chosen = {key.strip().upper() for key in args.only.split(",") if key.strip()}
    results: list[Result] = []
    for test in TESTS:
        if chosen and test.key.upper() not in chosen:
            continue
        if test.crashes_postgres and not postgres.wait_for_idle_machine():
            result = Result(test.name, 0, Findings(), test.expected_to_fail)
            result.error = "other test runs kept using PostgreSQL for 20 minutes"
            results.append(result)
            continue
        results.append(run_one(test, args.scale))
        write_results(results)
    if not postgres.accepting():
        postgres.start()
    postgres.wait_accepting()
    print(table(results))  # noqa: T201
    print(f"written to {write_results(results)}")  # noqa: T201
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
