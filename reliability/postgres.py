"""Crashing and restarting the local PostgreSQL cluster, politely.

Stopping the server breaks every other process using it, so a crash waits until no test run
is active on the machine, and the server is always started again (and answering) on the way
out, whatever happened."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg

from bench.harness import PG_ADMIN

CLUSTER = "main"
IDLE_POLL_SECONDS = 5


def version() -> str:
    [only] = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    return only


def pg_ctlcluster(*args: str) -> subprocess.CompletedProcess[str]:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version(), CLUSTER, *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603


def crash() -> None:
    """An immediate shutdown: no checkpoint, backends exit at once (a crash to PostgreSQL)."""
    checked(pg_ctlcluster("stop", "-m", "immediate"))


def start() -> None:
    checked(pg_ctlcluster("start"))


def checked(done: subprocess.CompletedProcess[str]) -> None:
    if done.returncode != 0:
        msg = f"{' '.join(done.args)}: {done.stderr.strip() or done.stdout.strip()}"
        raise RuntimeError(msg)


def accepting() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=2, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def wait_accepting(timeout: float = 60) -> float:
    """The monotonic time at which the server first answered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if accepting():
            return time.monotonic()
        time.sleep(0.05)
    msg = f"PostgreSQL did not accept connections within {timeout} s"
    raise RuntimeError(msg)


def other_test_runs() -> list[str]:
    found = subprocess.run(
        ["pgrep", "-af", "pytest"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return [line for line in found.stdout.splitlines() if line.strip()]


def wait_for_idle_machine(max_wait: float = 1200) -> bool:
    """True once no pytest runs here; False if some still ran after `max_wait` seconds."""
    deadline = time.monotonic() + max_wait
    while runs := other_test_runs():
        if time.monotonic() > deadline:
            return False
        print(f"waiting for {len(runs)} test process(es) to finish before crashing PostgreSQL")  # noqa: T201
        time.sleep(IDLE_POLL_SECONDS)
    return True


@contextlib.contextmanager
def restarted_on_exit() -> Iterator[None]:
    """Whatever happens inside, PostgreSQL is running and answering afterwards."""
    try:
        yield
    finally:
        if not accepting():
            start()
            wait_accepting()
