"""R8: `kill -9` of a separate `leadctl projector` while writers keep committing (the API runs
with LEAD_RUN_WORKER=false). Afterwards every projection equals a replay of the store from
position 0 (0 missing rows, 0 double-applied), and lag is back to 0 within 5 s of the writes
stopping."""

from __future__ import annotations

import random
import time

import psycopg

from bench.harness import postgres_database
from infra.events_table.dialects import POSTGRES_EVENTS_TABLE as EVENTS
from infra.settings import Settings
from reliability.clients import headers_for, open_site
from reliability.invariants import check_writes
from reliability.processes import Api, Process, leadctl_projector
from reliability.projection_checks import check_projections
from reliability.r1_kill_api import unexpected_answers
from reliability.report import Result
from reliability.writers import Ledger, Writers


def applied(settings: Settings) -> int:
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        row = conn.execute("SELECT coalesce(sum(position), 0) FROM projection_positions").fetchone()
    return int(row[0]) if row else 0


def wait_until_applying(settings: Settings, timeout: float = 15) -> None:
    """Until the (re)started projector has committed a batch: the next kill lands mid-work."""
    before = applied(settings)
    deadline = time.monotonic() + timeout
    while applied(settings) == before and time.monotonic() < deadline:
        time.sleep(0.02)


def positions(settings: Settings) -> tuple[int, int]:
    """(the lowest projection position, the store's head)."""
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        low = conn.execute("SELECT coalesce(min(position), 0) FROM projection_positions")
        head = conn.execute(f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS}")  # noqa: S608
        return int(low.fetchone()[0]), int(head.fetchone()[0])  # type: ignore[index]


def wait_until_tailing(settings: Settings, timeout: float = 30) -> None:
    """Until the projector has caught up with what was written when this was called."""
    _, target = positions(settings)
    deadline = time.monotonic() + timeout
    while positions(settings)[0] < target and time.monotonic() < deadline:
        time.sleep(0.05)


def kill_cycles(settings: Settings, projector: Process, writers: Writers, kills: int) -> Ledger:
    """Odd kills land in the middle of a catch-up (big batches), even ones while tailing the
    writers (small batches); catching up in between keeps the backlog what one restart makes."""
    with writers:
        for n in range(kills):
            wait_until_applying(settings)
            if n % 2 == 0:
                wait_until_tailing(settings)
            time.sleep(random.uniform(0, 0.3))  # noqa: S311 (when to strike)
            projector.kill()
            time.sleep(random.uniform(0, 0.5))  # noqa: S311 (writes pile up meanwhile)
            projector.start()
        wait_until_applying(settings)
        return writers.stop()


def run(kills: int = 20) -> Result:
    started = time.monotonic()
    with postgres_database() as settings:
        api = Api(settings, "r8-api", LEAD_RUN_WORKER="false")
        projector = leadctl_projector(settings, "r8-projector")
        api.start()
        projector.start()
        try:
            open_site(settings, api.url)
            police = headers_for(settings, api.url, "police", "spd")
            ledger = kill_cycles(settings, projector, Writers(api.url, police, 8), kills)
            found = check_projections(settings, time.monotonic())
        finally:
            projector.stop()
            api.stop()
        found.add(check_writes(settings, ledger.writes))
        found.add(unexpected_answers(ledger))
    result = Result("R8 kill -9 projector", kills, found)
    result.seconds = time.monotonic() - started
    return result
