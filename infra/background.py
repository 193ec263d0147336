"""The periodic work of a site: projector catch-up, expiring due intake deadlines, sealing the
audit chain. One tick for `leadctl serve` (in a thread) and `leadctl worker` (alone)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import structlog

from infra.bootstrap import Container

log = structlog.get_logger(__name__)


def background_jobs(container: Container) -> dict[str, Callable[[], int]]:
    return {
        "expired": container.deadlines.tick,
        "sealed": container.audit.sealer.run_until_caught_up,
    }


def tick(container: Container) -> dict[str, int | None]:
    """Run every job once. A failing job (the database restarting, a lost race) is logged and
    retried next tick; it never stops the others or the loop."""
    results: dict[str, int | None] = {}
    for name, job in background_jobs(container).items():
        try:
            results[name] = job()
        except Exception:
            log.exception("background_job_failed", job=name)
            results[name] = None
    return results


def run_until(container: Container, stopping: threading.Event) -> None:
    interval = container.settings.worker_tick_seconds
    while not stopping.is_set():
        tick(container)
        stopping.wait(interval)
