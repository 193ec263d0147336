"""Benchmarks on a seeded site: projection rebuild against raw read + decode, audit verify,
read latencies, and peak RSS. The site is written by `leadctl seed`'s planner and runner."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import httpx

from bench.duplicates import quality_figures
from bench.harness import SECRET, Figure, bench_token, served
from composition.bootstrap import build
from domain.base import Meta, Stamp
from domain.values import Identifier
from infra.clock import SettableClock
from infra.settings import Settings
from projections.rebuild import Rebuilder
from seeding.session import END, SeedPlan, SeedReport, seed_store
from services.container import Container

META = Meta(actor="bench", client_id="bench", agency="lead0", role="case_manager")


def seed_site(settings: Settings, participants: int, years: float) -> tuple[Container, SeedReport]:
    """Seed as `leadctl seed` does, then open the store as the service would."""
    report = seed_store(
        settings, SeedPlan(participants_per_site=participants, years=years, end=END)
    )
    return build(settings, clock=SettableClock(END)), report


def long_history(container: Container, events: int) -> UUID:
    """The first seeded person, given `events` events in all, for the history read."""
    pid = container.referrals.owner_of(Identifier("pd0-person", "S000-000000"))
    assert pid is not None
    participant = container.store.repository.get(pid)
    at = END - timedelta(days=1)
    stamp = Stamp(META, at)
    for _ in range(events - participant.version):
        participant.record_contact(at, "phone", stamp)
    container.store.save(participant)
    return pid


def rebuild_figures(container: Container, label: str) -> list[Figure]:
    head = container.store.table.head()
    started, position = time.perf_counter(), 0
    while page := container.store.recorder.select_notifications(
        start=position, limit=1000, inclusive_of_start=False
    ):
        for notification in page:
            container.store.mapper.to_domain_event(notification)
        position = page[-1].id
    baseline = head / (time.perf_counter() - started)  # raw read + decode, nothing written
    started = time.perf_counter()
    Rebuilder(container.store, container.sql, container.projector.projections).run()
    rate = head / (time.perf_counter() - started)  # every projection, one pass over the store
    return [Figure(f"rebuild_all_projections_{label}", rate, "ev/s", baseline, rate / baseline)]


def verify_figure(container: Container, label: str) -> Figure:
    container.audit.sealer.run_until_caught_up()
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        report = container.audit.verifier.verify()
        runs.append(report["events_checked"] / (time.perf_counter() - started))
    return Figure(f"audit_verify_{label}", statistics.median(runs), "ev/s")


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def read_figures(
    settings: Settings, pid: UUID, long_pid: UUID, label: str, samples: int = 100
) -> list[Figure]:
    reads = {
        "get_participant": ("auditor", f"/v1/participants/{pid}", {}),
        "get_participant_as_of": (
            "auditor",
            f"/v1/participants/{pid}",
            {"as_of": (END - timedelta(days=200)).isoformat()},
        ),
        # A client's first page (the API's default size), and the largest page it may ask for.
        "history_1000_events_page_100": ("auditor", f"/v1/participants/{long_pid}/history", {}),
        "history_1000_events_page_500": (
            "auditor",
            f"/v1/participants/{long_pid}/history",
            {"limit": "500"},
        ),
        "liaison_queue": ("prosecutor", "/v1/queues/liaison-prosecutor", {"limit": "50"}),
        "compliance_view": ("auditor", "/v1/compliance/golden-rule", {"limit": "50"}),
        "evaluation_metrics": ("project_manager", "/v1/metrics/evaluation", {"by": "door,race"}),
    }
    figures = []
    with served(settings, workers=2) as url, httpx.Client(base_url=url, timeout=30) as http:
        for name, (role, path, params) in reads.items():
            headers = {
                "Authorization": f"Bearer {bench_token(settings, role, 'pao0')}",
                "X-Actor": "bench",
            }
            http.get(path, params=params, headers=headers).raise_for_status()
            timings = []
            for _ in range(samples):
                started = time.perf_counter()
                http.get(path, params=params, headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
            figures += [
                Figure(f"{name}_{label}_p50", percentile(timings, 0.5), "ms"),
                Figure(f"{name}_{label}_p99", percentile(timings, 0.99), "ms"),
            ]
    return figures


def serve_tree_peak_rss_mb(port: int) -> float:
    """The largest peak RSS among `leadctl serve --port PORT` and its worker processes."""
    procs = {int(p.name): p for p in Path("/proc").iterdir() if p.name.isdigit()}
    parents = [
        pid for pid, p in procs.items() if f"--port\0{port}\0".encode() in _read(p / "cmdline")
    ]
    family = set(parents)
    for pid, p in procs.items():
        stat = _read(p / "stat").decode(errors="replace").rsplit(")", 1)[-1].split()
        if len(stat) > 1 and int(stat[1]) in family:
            family.add(pid)
    peaks = []
    for pid in family:
        for line in _read(procs[pid] / "status").decode(errors="replace").splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks, default=0.0)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def rebuild_rss_mb(settings: Settings) -> float:
    """Peak RSS of `leadctl projections rebuild`, run as a child and reaped with wait4."""
    env = os.environ | {
        "LEAD_DATABASE_URL": settings.database_url,
        "LEAD_SECRET_KEY": SECRET,
    }
    command = [str(Path(sys.executable).parent / "leadctl"), "projections", "rebuild"]
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)  # noqa: S603 (our own CLI)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"rebuild failed: {errors.read().decode(errors='replace')}")
    return usage.ru_maxrss / 1024


def measure_site(
    settings: Settings, participants: int, years: float, label: str, runs: int
) -> tuple[list[Figure], list[list[Figure]]]:
    """Seed once (figures measured once), then measure the store `runs` times."""
    container, seeded = seed_site(settings, participants, years)
    try:
        long_pid = long_history(container, 1000)
        pid = container.referrals.owner_of(Identifier("pd0-person", "S000-000001"))
        assert pid is not None
        container.deadlines.tick()
        once = [
            Figure(f"seed_{label}", seeded.events_per_second, "ev/s"),
            Figure(f"seed_{label}_minutes", (seeded.seconds + seeded.catch_up_seconds) / 60, "min"),
            Figure(f"store_events_{label}", container.store.table.head(), "count"),
            *quality_figures(container.sql, seeded.same_person, label),
        ]
        repeated = [
            [
                *rebuild_figures(container, label),
                verify_figure(container, label),
                Figure(f"projector_rebuild_peak_rss_{label}", rebuild_rss_mb(settings), "MB"),
                *read_figures(settings, pid, long_pid, label),
            ]
            for _ in range(runs)
        ]
    finally:
        container.close()
    return once, repeated
