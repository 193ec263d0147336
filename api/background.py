"""The background thread inside `leadctl serve`."""

from __future__ import annotations

import threading

from infra.background import BackgroundJobs
from services.notifications.deliverer import Deliverer


class BackgroundLoop:
    def __init__(self, jobs: BackgroundJobs) -> None:
        self.stopping = threading.Event()
        self.thread = threading.Thread(
            target=jobs.run_until, args=(self.stopping,), name="lead-background", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)


class NotifierLoop:
    """The webhook deliverer inside `leadctl serve` (LEAD_RUN_NOTIFIER)."""

    def __init__(self, deliverer: Deliverer) -> None:
        self.stopping = threading.Event()
        self.thread = threading.Thread(
            target=deliverer.run_until, args=(self.stopping,), name="lead-notifier", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=15)
