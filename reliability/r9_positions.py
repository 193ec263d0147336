"""R9: under concurrent writers, with two projectors racing for the lease (the API's own, which
ticks every 50 ms, and a separate `leadctl projector`), every projection's rows equal a replay
of the store's committed events: no event skipped, none applied twice."""

from __future__ import annotations

import time

from bench.harness import postgres_database
from reliability.clients import headers_for, open_site
from reliability.invariants import check_writes
from reliability.processes import Api, leadctl_projector
from reliability.projection_checks import check_projections
from reliability.r1_kill_api import unexpected_answers
from reliability.report import Result
from reliability.writers import Writers


def run(seconds: float = 15, writers: int = 8) -> Result:
    started = time.monotonic()
    with postgres_database() as settings:
        api = Api(settings, "r9-api", LEAD_WORKER_TICK_SECONDS="0.05")
        projector = leadctl_projector(settings, "r9-projector")
        api.start()
        projector.start()
        try:
            open_site(settings, api.url)
            police = headers_for(settings, api.url, "police", "spd")
            with Writers(api.url, police, writers) as load:
                time.sleep(seconds)
                ledger = load.stop()
            found = check_projections(settings, time.monotonic())
        finally:
            projector.stop()
            api.stop()
        found.add(check_writes(settings, ledger.writes))
        found.add(unexpected_answers(ledger))
    result = Result("R9 projections equal committed positions", 1, found)
    result.seconds = time.monotonic() - started
    return result
