"""`python -m bench.gc_probe --out DIR -- COMMAND ...`: run COMMAND (e.g. a tree's `leadctl
serve --workers 2`) with every Python process it starts timing its garbage collections
(bench/gc_probe_site/sitecustomize.py), from outside the application's code. `largest_pause`
reads the pauses back for a window of wall-clock time."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

SITE = Path(__file__).resolve().with_name("gc_probe_site")


def probe_env(out: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """An environment whose Python processes report their collections into `out`."""
    base = dict(os.environ if env is None else env)
    out.mkdir(parents=True, exist_ok=True)
    path = base.get("PYTHONPATH")
    base["PYTHONPATH"] = f"{SITE}{os.pathsep}{path}" if path else str(SITE)
    base["LEAD_BENCH_GC_PROBE"] = str(out)
    return base


@dataclass(frozen=True)
class Pauses:
    largest_ms: float
    largest_cpu_ms: float  # the collecting thread's CPU in the largest by CPU
    generation: int  # of the largest
    over_10ms: int
    processes: int  # that reported any pause of 0.5 ms or more


def largest_pause(out: Path, since: float, until: float) -> Pauses:
    """The largest pause of any probed process between two `time.time()` readings."""
    largest, largest_cpu, generation, over, processes = 0.0, 0.0, -1, 0, 0
    for file in out.glob("*.pauses"):
        processes += 1
        for line in file.read_text().splitlines():
            at, ms, gen, cpu = line.split()
            if since <= float(at) <= until:
                largest_cpu = max(largest_cpu, float(cpu))
                over += float(ms) > 10  # the goal
                if float(ms) > largest:
                    largest, generation = float(ms), int(gen)
    return Pauses(largest, largest_cpu, generation, over, processes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("a command to run, after --")
    os.execvpe(command[0], command, probe_env(args.out))  # noqa: S606 (the caller's command)


if __name__ == "__main__":
    main()
