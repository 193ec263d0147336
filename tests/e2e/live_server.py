"""The service as a partner meets it: `uvicorn` in its own process on a loopback port, over a
fresh SQLite store, with its background worker; clients registered as `leadctl` would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from infra.clients import ClientRegistry
from infra.migrations import upgrade
from infra.settings import Settings
from tests.conftest import TEST_SECRET

STARTUP_SECONDS = 60


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def register(settings: Settings, roles: dict[str, str]) -> dict[str, Credentials]:
    """A client per role, of the agency named: role → its credentials."""
    from composition.bootstrap import sql_engine  # noqa: PLC0415 (the composition root's engine)

    engine = sql_engine(settings)
    registry = ClientRegistry(engine)
    now = datetime.now(tz=UTC)
    made = {}
    for role, agency in roles.items():
        client, secret = registry.create(agency, role, f"{agency} {role}", now)
        made[role] = Credentials(client.client_id, secret)
    engine.dispose()
    return made


@contextmanager
def live_service(directory: Path, roles: dict[str, str]) -> Iterator[tuple[str, dict]]:
    """The base URL and the credentials of each role, while the server runs."""
    url = f"sqlite:///{directory / 'lead.sqlite3'}"
    settings = Settings(database_url=url, secret_key=TEST_SECRET)
    upgrade(settings)
    credentials = register(settings, roles)
    port = free_port()
    env = os.environ | {
        "LEAD_DATABASE_URL": url,
        "LEAD_SECRET_KEY": TEST_SECRET,
        "LEAD_WORKER_TICK_SECONDS": "1",
        "LEAD_LOG_JSON": "true",
    }
    command = [sys.executable, "-m", "uvicorn", "composition.asgi:make_app", "--factory"]
    log = (directory / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        yield base, credentials
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            msg = f"the server exited with {server.returncode}"
            raise RuntimeError(msg)
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    msg = "the server did not answer in time"
    raise RuntimeError(msg)
