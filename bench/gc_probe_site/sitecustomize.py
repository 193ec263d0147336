"""Loaded by every Python process started with this directory on PYTHONPATH (`python -m
bench.gc_probe`): when LEAD_BENCH_GC_PROBE names a directory, times each cyclic garbage
collection from the collector's own callbacks and appends every pause of 0.5 ms or more to
`<dir>/<pid>.pauses` as `wall-clock-time milliseconds generation cpu-milliseconds` (the
collecting thread's CPU: on a busy machine the wall time also holds time spent descheduled).
It reaches uvicorn's spawned workers (same environment) and needs nothing from the
application, so it measures any tree, old or new. Standard library only."""

import os

if os.environ.get("LEAD_BENCH_GC_PROBE"):
    import gc
    import time

    _directory = os.environ["LEAD_BENCH_GC_PROBE"]
    _started = [0.0, 0.0]
    _file = []

    def _lead_bench_gc_probe(phase, info):
        if phase == "start":
            _started[0], _started[1] = time.perf_counter(), time.thread_time()
            return
        pause_ms = (time.perf_counter() - _started[0]) * 1000
        cpu_ms = (time.thread_time() - _started[1]) * 1000
        if pause_ms < 0.5:
            return
        if not _file:
            from pathlib import Path  # noqa: PLC0415 (only in a probed process, once)

            path = Path(_directory) / f"{os.getpid()}.pauses"
            _file.append(path.open("a", buffering=1))
        _file[0].write(
            f"{time.time():.6f} {pause_ms:.3f} {info.get('generation', -1)} {cpu_ms:.3f}\n"
        )

    gc.callbacks.append(_lead_bench_gc_probe)
