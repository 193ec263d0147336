"""CPU time of processes read from /proc (no psutil here): a process tree (the service and
its workers), and the PostgreSQL backends serving one database."""

from __future__ import annotations

import os
import resource
from collections.abc import Iterable
from pathlib import Path

import psycopg

TICKS = os.sysconf("SC_CLK_TCK")


def stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # gone meanwhile
        return None
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process, all its threads; 0 when it is gone."""
    fields = stat_fields(pid)
    return 0.0 if fields is None else (int(fields[11]) + int(fields[12])) / TICKS


def descendants(root: int) -> set[int]:
    """The process and every process below it (uvicorn's workers, their helpers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := stat_fields(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo.extend(children.get(pid, ()))
    return found


def backends(admin_url: str, database: str) -> set[int]:
    """The PostgreSQL backends connected to `database` now."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return {int(row[0]) for row in rows}


class CpuMeter:
    """CPU spent by a changing set of processes between `start` and `stop`: a process first
    seen at `stop` counts all its CPU (it started during the run); one gone by then is lost
    (the service's pools keep their backends, so few are)."""

    def __init__(self) -> None:
        self.before: dict[int, float] = {}
        self.seconds = 0.0

    def start(self, pids: Iterable[int]) -> None:
        self.before = {pid: cpu_seconds(pid) for pid in pids}

    def stop(self, pids: Iterable[int]) -> float:
        now = {pid: cpu_seconds(pid) for pid in set(pids) | set(self.before)}
        self.seconds = sum(max(0.0, now[pid] - self.before.get(pid, 0.0)) for pid in now)
        return self.seconds


def children_cpu() -> float:
    """CPU seconds of this process's finished children (a load generator, a CLI run)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
