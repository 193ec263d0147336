"""The background loop inside `leadctl serve`: projector catch-up, the deadline worker and
the audit sealer."""

from __future__ import annotations

import threading

import structlog

from infra.bootstrap import Container

log = structlog.get_logger(__name__)


class BackgroundLoop:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="lead-background", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)

    def run(self) -> None:
        tick = self.container.settings.worker_tick_seconds
        while not self.stopping.is_set():
            try:
                self.container.deadlines.tick()
            except Exception:  # a failed tick is retried next tick; the loop must survive
                log.exception("background_tick_failed")
            try:
                self.container.audit.sealer.run_until_caught_up()
            except Exception:  # sealing resumes from the last link next tick
                log.exception("audit_seal_failed")
            self.stopping.wait(tick)
