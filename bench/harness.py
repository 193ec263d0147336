"""Shared pieces of the benchmarks: fresh databases, a served API, wrk, the results file."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

from composition.bootstrap import sql_engine
from infra.clients import Client, ClientRegistry
from infra.migrations import upgrade
from infra.settings import Settings
from infra.tokens import Tokens

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("LEAD_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-secret-key-that-is-long-enough-0123456789"  # noqa: S105 (throwaway bench db)


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    runs: list[float] | None = None  # each run's value, when the figure is a median


@contextlib.contextmanager
def postgres_database() -> Iterator[Settings]:
    name = f"lead_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        settings = Settings(
            database_url=PG_ADMIN.rsplit("/", 1)[0] + f"/{name}",
            secret_key=SECRET,
            run_worker=False,
        )
        upgrade(settings)
        yield settings
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def sqlite_database(tmp: Path) -> Iterator[Settings]:
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'bench.sqlite3'}", secret_key=SECRET, run_worker=False
    )
    upgrade(settings)
    yield settings


def bench_token(settings: Settings, role: str, agency: str) -> str:
    """A token of the client `bench-{role}`, registered without a usable secret (the served
    service checks every token's client against the registry; argon2 is not measured here)."""
    client = Client(f"bench-{role}", agency, role, "bench")
    engine = sql_engine(settings)
    try:
        registry = ClientRegistry(engine)
        if registry.get(client.client_id) is None:
            registry.add(client, "!", datetime.now(tz=UTC))
    finally:
        engine.dispose()
    tokens = Tokens(
        SECRET, settings.token_issuer, settings.token_audience, settings.token_lifetime_seconds
    )
    return tokens.issue(client)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def served(settings: Settings, workers: int) -> Iterator[str]:
    port = free_port()
    env = os.environ | {
        "LEAD_DATABASE_URL": settings.database_url,
        "LEAD_SECRET_KEY": SECRET,
        "LEAD_RUN_WORKER": "false",
        "LEAD_LOG_LEVEL": "WARNING",
        "LEAD_RATE_LIMIT_ENABLED": "false",  # wrk drives one client far past any sane limit
    }
    process = subprocess.Popen(  # noqa: S603 (our own CLI)
        [
            str(Path(sys.executable).parent / "leadctl"),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # answers that were not 2xx or 3xx
    requests: int  # answered within the run


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(
    url: str, script: Path, env: dict[str, str], seconds: int, connections: int
) -> WrkResult:
    output = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],  # noqa: S607
        env=os.environ | env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    # Anchored: a Stdev column ending in "50%" or "99%" (e.g. "72.50%") matched before.
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = int(bad.group(1)) if bad else 0
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    return WrkResult(rps, p50, p99, errors, requests)


def write_results(figures: list[Figure]) -> Path:
    path = ROOT / "var" / "bench" / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(f) for f in figures], indent=2))
    return path


def print_table(figures: list[Figure]) -> None:
    header = f"{'figure':<44} {'value':>12} {'unit':<8} {'baseline':>12} {'ratio':>7}  runs"
    print(header)  # noqa: T201
    for f in figures:
        baseline = f"{f.baseline:12.1f}" if f.baseline is not None else " " * 12
        ratio = f"{f.ratio:7.2f}" if f.ratio is not None else " " * 7
        runs = " / ".join(f"{v:.1f}" for v in f.runs) if f.runs else ""
        print(f"{f.name:<44} {f.value:12.2f} {f.unit:<8} {baseline} {ratio}  {runs}")  # noqa: T201
