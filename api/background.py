"""The background thread inside `leadctl serve`."""

from __future__ import annotations

import threading

from infra.background import run_until
from infra.bootstrap import Container


class BackgroundLoop:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.stopping = threading.Event()
        self.thread = threading.Thread(
            target=run_until, args=(container, self.stopping), name="lead-background", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)
