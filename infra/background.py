"""The periodic work of a site: projector catch-up, expiring due intake deadlines, sealing the
audit chain. One tick for `leadctl serve` (in a thread) and `leadctl worker` (alone); which
jobs run is the composition root's choice."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import structlog

from infra.scrub import safe_summary, scrubbed_traceback

log = structlog.get_logger(__name__)


class BackgroundJobs:
    def __init__(self, jobs: Mapping[str, Callable[[], int]], interval_seconds: float) -> None:
        self.jobs = dict(jobs)
        self.interval_seconds = interval_seconds

    def tick(self) -> dict[str, int | None]:
        """Run every job once. A failing job (the database restarting, a lost race) is logged
        and retried next tick; it never stops the others or the loop."""
        results: dict[str, int | None] = {}
        for name, job in self.jobs.items():
            try:
                results[name] = job()
            except Exception as exc:  # noqa: BLE001 (logged, retried next tick)
                log.error(
                    "background_job_failed",
                    job=name,
                    error=safe_summary(exc),
                    exception=scrubbed_traceback(exc),
                )
                results[name] = None
        return results

    def run_until(self, stopping: threading.Event) -> None:
        while not stopping.is_set():
            self.tick()
            stopping.wait(self.interval_seconds)
