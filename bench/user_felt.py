"""What a user of the write path feels, measured on any tree (a checkout with its own `.venv`):
the tree's `leadctl serve --workers N` on a throwaway PostgreSQL database it migrates itself,
started through the GC probe (bench/gc_probe.py); then

- closed loop: wrk, `connections` connections, `seconds` s: referrals/s, p50, p99, and the CPU
  per referral of the service's processes, of PostgreSQL's backends for that database and of
  wrk (ms of CPU per referral answered);
- open loop: a steady `rate` referrals/s for `open_seconds` s (bench/open_loop.py): p50, p99,
  p99.9 from the intended send times, requests not sent on time, unanswered;
- the largest garbage-collection pause of any service process during either load.

Everything the tree runs is its own (migrations, policy, token, server); the load and the
measuring are this tree's, so two trees are measured alike."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
import psycopg

from bench.gc_probe import largest_pause, probe_env
from bench.harness import PG_ADMIN, SECRET, Figure, WrkResult, free_port, run_wrk
from bench.open_loop import open_loop
from bench.proc_cpu import CpuMeter, backends, children_cpu, descendants

SCRIPT = Path(__file__).with_name("referral.lua")
# Run by the tree's own Python, from its own code: migrate, adopt the policy, print a token.
SETUP = """
import os
from bench.harness import SECRET, bench_token
from bench.write import adopt_policy
from infra.migrations import upgrade
from infra.settings import Settings
url = os.environ["LEAD_DATABASE_URL"]
settings = Settings(database_url=url, secret_key=SECRET, run_worker=False)
upgrade(settings)
adopt_policy(settings)
print("TOKEN", bench_token(settings, "police", "spd"))
"""


@dataclass
class Load:
    """The figures of one tree in one run (ms unless named otherwise)."""

    closed_per_second: float
    closed_p50: float
    closed_p99: float
    closed_non_2xx: float
    cpu_service: float  # ms of CPU per referral
    cpu_postgres: float
    cpu_load_generator: float
    open_p50: float
    open_p99: float
    open_p999: float
    open_max: float
    open_not_sent_on_time: float
    open_unanswered: float
    open_non_2xx: float
    open_generator_cpu: float
    gc_pause_max: float
    gc_pause_max_cpu: float
    gc_pauses_over_10ms: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


UNITS = {"closed_per_second": "req/s", "closed_non_2xx": "count", "gc_pauses_over_10ms": "count"}
UNITS |= dict.fromkeys(("open_not_sent_on_time", "open_unanswered", "open_non_2xx"), "count")


def unit(name: str) -> str:
    return UNITS.get(name, "ms")


@contextlib.contextmanager
def throwaway_database() -> Iterator[tuple[str, str]]:
    """(its name, its URL); dropped at the end whatever happens."""
    name = f"lead_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def service_env(url: str) -> dict[str, str]:
    return os.environ | {
        "LEAD_DATABASE_URL": url,
        "LEAD_SECRET_KEY": SECRET,
        "LEAD_RUN_WORKER": "false",
        "LEAD_LOG_LEVEL": "WARNING",
        "LEAD_RATE_LIMIT_ENABLED": "false",  # one client far past any sane limit
    }


def prepare(tree: Path, env: dict[str, str], cwd: Path) -> str:
    """Migrate with the tree's own migrations, adopt a policy, and return a police token."""
    output = subprocess.run(  # noqa: S603 (the tree's own Python)
        [str(tree / ".venv" / "bin" / "python"), "-c", SETUP],
        env=env | {"PYTHONPATH": str(tree)},
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return output.rsplit("TOKEN ", 1)[1].split()[0]


@contextlib.contextmanager
def serve(
    tree: Path, env: dict[str, str], cwd: Path, workers: int, probe: Path
) -> Iterator[tuple[str, int]]:
    """(base URL, pid) of the tree's `leadctl serve`, every Python process of it probed."""
    port = free_port()
    command = [str(tree / ".venv" / "bin" / "leadctl"), "serve", "--port", str(port)]
    process = subprocess.Popen(  # noqa: S603 (the tree's own CLI)
        [*command, "--workers", str(workers)], env=probe_env(probe, env), cwd=cwd
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            msg = f"{tree}: leadctl serve did not come up"
            raise RuntimeError(msg)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(url: str, token: str, seconds: int, connections: int) -> WrkResult:
    """One wrk run with the referral script (bench/referral.lua)."""
    env = {"BENCH_TOKEN": token, "BENCH_RUN": uuid.uuid4().hex[:8]}
    return run_wrk(url, SCRIPT, env, seconds, connections)


@dataclass(frozen=True)
class Served:
    url: str
    pid: int  # the `leadctl serve` process; its workers are its descendants
    token: str  # a client's bearer token for referrals
    database: str
    probe: Path  # where the GC probe writes each process's pauses


@contextlib.contextmanager
def served(tree: Path, workers: int, connections: int) -> Iterator[Served]:
    """The tree serving a throwaway database of its own from a scratch directory, with its
    policy and a client, after a 2 s wrk warm-up (pools, caches, first collections)."""
    with (
        tempfile.TemporaryDirectory(prefix="lead-bench-") as tmp,
        throwaway_database() as (name, url),
    ):
        cwd = Path(tmp)
        env = service_env(url)
        token = prepare(tree, env, cwd)
        with serve(tree, env, cwd, workers, cwd / "gc") as (base, pid):
            wrk(base, token, 2, connections)
            yield Served(base, pid, token, name, cwd / "gc")


def measure_tree(
    tree: Path,
    *,
    workers: int = 2,
    seconds: int = 10,
    connections: int = 32,
    rate: float = 500,
    open_seconds: float = 30,
) -> Load:
    with served(tree.resolve(), workers, connections) as site:
        service, postgres = CpuMeter(), CpuMeter()
        service.start(descendants(site.pid))
        postgres.start(backends(PG_ADMIN, site.database))
        generator, since = children_cpu(), time.time()
        closed = wrk(site.url, site.token, seconds, connections)
        generator = children_cpu() - generator
        service.stop(descendants(site.pid))
        postgres.stop(backends(PG_ADMIN, site.database))
        opened = open_loop(site.url, site.token, rate, open_seconds, uuid.uuid4().hex[:8])
        pauses = largest_pause(site.probe, since, time.time())
    per = 1000 / max(1, closed.requests)  # ms of CPU per referral answered
    return Load(
        closed.requests_per_second,
        closed.p50_ms,
        closed.p99_ms,
        closed.errors,
        service.seconds * per,
        postgres.seconds * per,
        generator * per,
        opened.p50_ms,
        opened.p99_ms,
        opened.p999_ms,
        opened.max_ms,
        opened.late,
        opened.unanswered,
        opened.non_2xx,
        opened.generator_cpu_ms_per_request,
        pauses.largest_ms,
        pauses.largest_cpu_ms,
        pauses.over_10ms,
    )


def figures(
    tree: Path, workers: int, seconds: int, rate: float = 500, open_seconds: float = 30
) -> list[Figure]:
    """`make bench`'s figures of what a user feels (the closed-loop ones are bench/write.py's)."""
    load = measure_tree(
        tree, workers=workers, seconds=seconds, rate=rate, open_seconds=open_seconds
    )
    label = f"referral_open_loop_{rate:.0f}"
    return [
        Figure(f"{label}_p50", load.open_p50, "ms"),
        Figure(f"{label}_p99", load.open_p99, "ms"),
        Figure(f"{label}_p999", load.open_p999, "ms"),
        Figure(f"{label}_not_sent_on_time", load.open_not_sent_on_time, "count"),
        Figure(f"{label}_unanswered", load.open_unanswered, "count"),
        Figure("referral_cpu_service", load.cpu_service, "ms/ref"),
        Figure("referral_cpu_postgres", load.cpu_postgres, "ms/ref"),
        Figure("referral_cpu_load_generator", load.cpu_load_generator, "ms/ref"),
        Figure("api_gc_pause_max", load.gc_pause_max, "ms"),
        Figure("api_gc_pause_max_cpu", load.gc_pause_max_cpu, "ms"),
    ]
