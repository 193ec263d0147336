"""`python -m bench.layers [--tree TREE] [--seconds 10]`: where a referral's CPU goes in the
service, per layer, in ms of CPU per referral (issue 20's table, made repeatable).

The tree's `leadctl serve --workers 1` (one process: the event loop, the threadpool, the
writer) on a throwaway PostgreSQL database, started through the GC probe as bench/user_felt.py
does; wrk at 32 connections (bench/referral.lua) for `--seconds`, after a 2 s warm-up. Over the
same run py-spy samples the process and /proc gives its CPU per referral; each layer's ms per
referral is its share of the samples times that CPU.

Sampling: `py-spy record --format raw --nonblocking --full-filenames`, neither `--idle` nor
`--gil`. Without `--idle` a thread is sampled only while the OS has it running or runnable, so
threads waiting on a socket, a lock or the GIL are not counted: the samples follow CPU. Without
`--gil`, a thread running C code that let go of the GIL (libpq inside psycopg) still counts: that
is CPU the process spends too. `--nonblocking` reads the stacks without stopping the process,
so sampling adds no pauses to the requests; a stack read while it changes is dropped (py-spy's
error count is reported). py-spy's own CPU is reported too: on two cores it competes with the
service, slowing the run rather than shifting the shares. A runnable thread waiting for a core
is counted as if it ran: on a busy machine that spreads some samples over threads that were
only ready.

Attribution: a sample belongs to the layer of its innermost frame whose module is in a known
group (LAYERS; the module is the top-level package of the frame's file: the first folder under
site-packages, under the tree, or under the standard library). Frames of other modules
(`uuid`, `datetime`, `typing`, ...) count for the nearest known caller; a stack with no known
frame is "other". C code is charged to the Python frame that called it. The thread hop's row is
split by its caller (the nearest layer outward): a worker waiting on the group commit's writer
is a hand-off to the writer, not the threadpool's hop.

Cyclic GC is no frame to py-spy: a collection's samples land on whatever frame allocated when it
started, so the layer shares include GC time spread over those frames. The GC row beside the
table is the probe's (bench/gc_probe.py) collecting-thread CPU, summed over the collections of
0.5 ms or more during the run, per referral: part of the total, not added to it.

Prints the table and writes var/bench/layers.json (the samples, var/bench/layers.raw)."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from bench.harness import ROOT
from bench.proc_cpu import CpuMeter, children_cpu, descendants
from bench.user_felt import served, wrk

CONNECTIONS = 32
SAMPLE_RATE = 100  # per second, py-spy's default: it scans every thread (40 in the pool)
OTHER = "other"
HOP = "thread hop: anyio, concurrent, threading"
# Layer, and the top-level modules whose frames belong to it.
LAYERS: dict[str, frozenset[str]] = {
    "api: routes, middleware": frozenset({"api"}),
    "services: use cases": frozenset({"services"}),
    "domain": frozenset({"domain"}),
    "infra: store, group commit, keyring": frozenset({"infra"}),
    "projections": frozenset({"projections"}),
    "composition": frozenset({"composition", "cli"}),
    "starlette/fastapi": frozenset({"starlette", "fastapi"}),
    "pydantic": frozenset({"pydantic", "pydantic_core"}),
    "eventsourcing": frozenset({"eventsourcing"}),
    "database drivers": frozenset(
        {"psycopg", "psycopg_pool", "psycopg_binary", "asyncpg", "sqlalchemy"}
    ),
    "uvicorn, h11/httptools, asyncio": frozenset(
        {"uvicorn", "h11", "httptools", "asyncio", "uvloop", "selectors"}
    ),
    "json encoding": frozenset({"json", "orjson"}),
    HOP: frozenset({"anyio", "concurrent", "threading"}),
    "logging, metrics": frozenset({"logging", "structlog", "prometheus_client"}),
}
LAYER_OF_MODULE = {module: layer for layer, modules in LAYERS.items() for module in modules}
STDLIB = re.compile(r"/lib/python3\.\d+/(.+)$")
FRAME = re.compile(r"^(?P<name>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def module_path(filename: str, tree: Path) -> str:
    """A frame's file relative to where its top-level package sits: site-packages, the tree,
    or the standard library; "" for code with no file (<frozen importlib._bootstrap>)."""
    if filename.startswith("<"):
        return ""
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in filename:
            return filename.rsplit(marker, 1)[1]
    root = f"{tree}/"
    if filename.startswith(root):
        return filename[len(root) :]
    found = STDLIB.search(filename)
    return found.group(1) if found else filename


def top_module(filename: str, tree: Path) -> str:
    """The top-level package (or module) a frame's file belongs to; "" when it has none."""
    return module_path(filename, tree).split("/", 1)[0].removesuffix(".py")


class Sample(NamedTuple):
    layer: str
    frame: str  # the deciding frame, `function (path)`
    caller: str  # the nearest layer outward of a different name; "" when there is none


def known_layer(frame: str, tree: Path) -> tuple[str, str] | None:
    """(layer, `function (path)`) of a frame whose module is in a known group."""
    found = FRAME.match(frame)
    if found is None:
        return None
    layer = LAYER_OF_MODULE.get(top_module(found.group("file"), tree))
    if layer is None:
        return None
    return layer, f"{found.group('name')} ({module_path(found.group('file'), tree)})"


def classify(frames: list[str], tree: Path) -> Sample:
    """The layer of a stack (outermost frame first): that of its innermost known frame; a stack
    with no known frame is "other", named by its leaf. The caller tells, say, a thread hop
    waited on by the group commit from one waited on by the threadpool."""
    known = [found for frame in frames if (found := known_layer(frame, tree)) is not None]
    if not known:
        return Sample(OTHER, frames[-1] if frames else "", "")
    layer, frame = known[-1]
    callers = [outer for outer, _ in reversed(known) if outer != layer]
    return Sample(layer, frame, callers[0] if callers else "")


def layer_of(frames: list[str], tree: Path) -> str:
    return classify(frames, tree).layer


@dataclass
class Attribution:
    samples: Counter[str] = field(default_factory=Counter)  # per layer
    frames: dict[str, Counter[str]] = field(default_factory=dict)  # the deciding frames
    callers: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, sample: Sample, count: int) -> None:
        self.samples[sample.layer] += count
        self.frames.setdefault(sample.layer, Counter())[sample.frame] += count
        self.callers.setdefault(sample.layer, Counter())[sample.caller] += count


def attribute(raw: str, tree: Path) -> Attribution:
    """Samples per layer from py-spy's raw output: one stack a line, `f1;f2;...;fn count`."""
    attribution = Attribution()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            attribution.add(classify(stack.split(";"), tree), int(count))
    return attribution


@dataclass(frozen=True)
class Row:
    layer: str
    ms_per_referral: float
    share: float
    samples: int


def table(samples: Counter[str], cpu_ms_per_referral: float) -> list[Row]:
    """Each layer's share of the samples as ms of the process's CPU per referral, largest first."""
    total = sum(samples.values())
    rows = [
        Row(layer, cpu_ms_per_referral * count / total, count / total, count)
        for layer, count in samples.items()
        if total
    ]
    return sorted(rows, key=lambda row: (-row.samples, row.layer))


@dataclass(frozen=True)
class Collections:
    count: int
    cpu_ms: float  # the collecting thread's CPU, summed
    largest_ms: float  # wall time of the longest


def collections_between(out: Path, since: float, until: float) -> Collections:
    """The GC probe's collections (0.5 ms or more) between two `time.time()` readings."""
    count, cpu, largest = 0, 0.0, 0.0
    for file in out.glob("*.pauses"):
        for line in file.read_text().splitlines():
            at, ms, _generation, cpu_ms = line.split()
            if since <= float(at) <= until:
                count, cpu, largest = count + 1, cpu + float(cpu_ms), max(largest, float(ms))
    return Collections(count, cpu, largest)


@dataclass(frozen=True)
class Profile:
    referrals_per_second: float
    answered: int
    non_2xx: int
    cpu_ms_per_referral: float  # the service process, all its threads (/proc)
    attribution: Attribution
    profiler_errors: int
    profiler_cpu_ms_per_referral: float
    gc: Collections
    load_before: tuple[float, float, float]  # os.getloadavg() as the run starts, and after
    load_after: tuple[float, float, float]


def profile(tree: Path, seconds: int, raw: Path) -> Profile:
    load_before = os.getloadavg()
    with served(tree, 1, CONNECTIONS) as site:
        spy = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "py-spy"),
                *("record", "--pid", str(site.pid), "--format", "raw", "-o", str(raw)),
                *("--rate", str(SAMPLE_RATE), "--nonblocking", "--full-filenames"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(0.5)  # attached; the idle service gives no samples meanwhile
        meter, since = CpuMeter(), time.time()
        meter.start(descendants(site.pid))
        closed = wrk(site.url, site.token, seconds, CONNECTIONS)
        meter.stop(descendants(site.pid))
        until, after_wrk = time.time(), children_cpu()
        spy.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
        report, _ = spy.communicate(timeout=60)
        spy_cpu = children_cpu() - after_wrk
        gc = collections_between(site.probe, since, until)
    if spy.returncode not in (0, -signal.SIGINT) or not raw.exists():
        msg = f"py-spy failed ({spy.returncode}): {report}"
        raise RuntimeError(msg)
    errors = re.search(r"Errors: (\d+)", report)
    answered = max(1, closed.requests)
    return Profile(
        closed.requests_per_second,
        closed.requests,
        closed.errors,
        meter.seconds * 1000 / answered,
        attribute(raw.read_text(), tree),
        int(errors.group(1)) if errors else 0,
        spy_cpu * 1000 / answered,
        gc,
        load_before,
        os.getloadavg(),
    )


GC_NOTE = (
    "cyclic GC is no frame to py-spy: the layer shares include GC time, spread over the frames "
    "that allocated when a collection started; the GC row is part of the total, not added to it "
    "(collections of 0.5 ms or more, collecting thread's CPU)"
)


def loads(average: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.2f}" for x in average)


def show(result: Profile, rows: list[Row]) -> None:
    out = print
    out(
        f"{result.referrals_per_second:,.0f} referrals/s, {result.answered} answered "
        f"({result.non_2xx} non-2xx), service CPU {result.cpu_ms_per_referral:.3f} ms/referral, "
        f"load average {loads(result.load_before)} before, {loads(result.load_after)} after"
    )
    out(f"{'layer':<44} {'ms/referral':>11} {'share':>7}")
    total = sum(result.attribution.samples.values())
    for row in rows:
        out(f"{row.layer:<44} {row.ms_per_referral:11.3f} {row.share:7.1%}")
        if row.layer != HOP:
            continue
        for caller, count in result.attribution.callers[HOP].most_common():
            ms, label = result.cpu_ms_per_referral * count / total, caller or "its own loop"
            out(f"{'  for ' + label:<44} {ms:11.3f} {count / total:7.1%}")
    out(f"{'total (service process, /proc)':<44} {result.cpu_ms_per_referral:11.3f} {1:7.1%}")
    gc_ms = result.gc.cpu_ms / max(1, result.answered)
    out(
        f"{'of which cyclic GC (gc probe)':<44} {gc_ms:11.3f} "
        f"{gc_ms / result.cpu_ms_per_referral if result.cpu_ms_per_referral else 0:7.1%}"
    )
    out(
        f"{sum(result.attribution.samples.values())} samples at {SAMPLE_RATE}/s, "
        f"{result.profiler_errors} failed; "
        f"py-spy itself {result.profiler_cpu_ms_per_referral:.3f} ms/referral; "
        f"{result.gc.count} collections >= 0.5 ms, longest {result.gc.largest_ms:.1f} ms"
    )
    out(GC_NOTE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="a checkout with its .venv")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    tree = args.tree.resolve()
    path = ROOT / "var" / "bench" / "layers.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = path.with_suffix(".raw")
    result = profile(tree, args.seconds, raw)
    rows = table(result.attribution.samples, result.cpu_ms_per_referral)
    show(result, rows)
    document = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tree": str(tree),
        "seconds": args.seconds,
        "connections": CONNECTIONS,
        "load_average_before": result.load_before,
        "load_average_after": result.load_after,
        "referrals_per_second": result.referrals_per_second,
        "answered": result.answered,
        "non_2xx": result.non_2xx,
        "cpu_ms_per_referral": result.cpu_ms_per_referral,
        "layers": [
            asdict(row)
            | {
                "top_frames": result.attribution.frames[row.layer].most_common(8),
                "callers": result.attribution.callers[row.layer].most_common(),
            }
            for row in rows
        ],
        "gc": asdict(result.gc)
        | {"cpu_ms_per_referral": result.gc.cpu_ms / max(1, result.answered), "note": GC_NOTE},
        "samples_file": str(raw),
        "profiler": {
            "command": "py-spy record --format raw --nonblocking --full-filenames",
            "rate": SAMPLE_RATE,
            "samples": sum(result.attribution.samples.values()),
            "errors": result.profiler_errors,
            "cpu_ms_per_referral": result.profiler_cpu_ms_per_referral,
        },
        "rule": "innermost frame whose top-level module is in a known group; else other",
        "groups": {layer: sorted(modules) for layer, modules in LAYERS.items()},
    }
    path.write_text(json.dumps(document, indent=2))
    print(f"written to {path}")  # noqa: T201


if __name__ == "__main__":
    main()
