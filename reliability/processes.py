"""`leadctl` processes in their own process groups, so `kill -9` takes a whole one down."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from typing import IO

import httpx

from bench.harness import ROOT, SECRET, free_port
from infra.settings import Settings

LEADCTL = ROOT / ".venv" / "bin" / "leadctl"
LOGS = ROOT / "var" / "reliability" / "logs"
LOOPBACK = "127.0.0.1"


def service_env(settings: Settings, **overrides: str) -> dict[str, str]:
    """The environment of a service process. Rate limiting is off: 8 writers share one
    client here, and throttling has its own test in `make test`."""
    return (
        dict(os.environ)
        | {
            "LEAD_DATABASE_URL": settings.database_url,
            "LEAD_SECRET_KEY": SECRET,
            "LEAD_LOG_LEVEL": "WARNING",
            "LEAD_RATE_LIMIT_ENABLED": "false",
        }
        | overrides
    )


class Process:
    """One `leadctl` command; restartable; killed by process group."""

    def __init__(self, args: list[str], env: dict[str, str], log_name: str) -> None:
        self.args = args
        self.env = env
        self.log_path = LOGS / f"{log_name}.log"
        self.popen: subprocess.Popen[bytes] | None = None
        self.log: IO[bytes] | None = None

    def start(self) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("ab")
        self.popen = subprocess.Popen(  # noqa: S603 (our own CLI)
            [str(LEADCTL), *self.args],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL to the whole group: no handler, no flush, no goodbye."""
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        self._signal(signal.SIGTERM, grace=10)

    def _signal(self, sig: signal.Signals, grace: float = 5) -> None:
        popen, self.popen = self.popen, None
        if popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(popen.pid, sig)
            try:
                popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(popen.pid, signal.SIGKILL)
                popen.wait(timeout=grace)
        if self.log is not None:
            self.log.close()
            self.log = None


class Api(Process):
    """`leadctl serve` on a fixed loopback port, so clients reconnect after a restart."""

    def __init__(self, settings: Settings, name: str, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        args = ["serve", "--host", LOOPBACK, "--port", str(self.port)]
        super().__init__(args, service_env(settings, **env), name)

    def start(self, timeout: float = 30) -> None:
        self.launch()
        self.wait_healthy(timeout)

    def launch(self) -> None:
        """Start without waiting: a standby warms up while the active server takes load."""
        super().start()

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.02)
        msg = f"the API did not become healthy in {timeout} s (see {self.log_path})"
        raise RuntimeError(msg)


@contextlib.contextmanager
def running(process: Process) -> Iterator[Process]:
    process.start()
    try:
        yield process
    finally:
        process.stop()


def leadctl_projector(settings: Settings, name: str) -> Process:
    return Process(["projector"], service_env(settings, LEAD_RUN_WORKER="false"), name)
