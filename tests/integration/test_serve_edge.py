"""`leadctl serve` as operators start it: forwarded headers are believed only from configured
proxies (uvicorn's own default trusted loopback, so anyone on the host chose its source
address), and the first start generates the keys, saying where and never what."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select

from cli.serving import forwarding
from infra.audit_tables import auth_events
from infra.keys import AUDIT_KEY_FILE, TOKEN_SECRET_FILE
from infra.migrations import upgrade
from infra.settings import Settings

pytestmark = pytest.mark.integration

LEADCTL = Path(sys.executable).parent / "leadctl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Settings, Path]]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'var' / 'lead.sqlite3'}",
        data_dir=tmp_path / "var",
    )
    upgrade(settings)
    port, log = free_port(), tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEAD_")} | {
        "LEAD_DATABASE_URL": settings.database_url,
        "LEAD_DATA_DIR": str(settings.data_dir),
        "LEAD_RUN_WORKER": "false",
    }
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 (our own CLI)
            [str(LEADCTL), "serve", "--port", str(port)], env=env, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url, settings, log
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_spoofed_forwarded_address_is_not_believed(served: tuple[str, Settings, Path]) -> None:
    url, settings, log = served
    form = {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}
    spoofed = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}
    answer = httpx.post(f"{url}/v1/auth/token", data=form, headers=spoofed, timeout=10)
    assert answer.status_code == 401
    assert (answer.headers["cache-control"], answer.headers["pragma"]) == ("no-store", "no-cache")
    engine = create_engine(settings.sqlalchemy_url(asynchronous=False))
    try:
        with engine.connect() as conn:
            sources = conn.execute(select(auth_events.c.source)).scalars().all()
    finally:
        engine.dispose()
    assert sources == ["127.0.0.1"]

    written = log.read_text()
    assert "signing_keys_generated" in written
    for name in (TOKEN_SECRET_FILE, AUDIT_KEY_FILE):
        key = (settings.data_dir / name).read_text().strip()
        assert key not in written


def test_configured_proxies_are_the_only_ones_believed() -> None:
    none = Settings(_env_file=None)  # type: ignore[call-arg]
    assert forwarding(none) == {"proxy_headers": False, "forwarded_allow_ips": None}
    proxies = Settings(_env_file=None, forwarded_allow_ips="10.0.0.5,10.1.0.0/16")  # type: ignore[call-arg]
    assert forwarding(proxies) == {
        "proxy_headers": True,
        "forwarded_allow_ips": ["10.0.0.5", "10.1.0.0/16"],
    }
