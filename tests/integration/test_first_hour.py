"""A newcomer's and an operator's first hour with `leadctl`: a misconfiguration, a database
nobody migrated, a port already taken or a store that already holds events is refused in one
line each (exit status 2, no traceback, nothing created); `serve` says where it serves once it
does; `--help` loads nothing of the service."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from bench.history import History
from cli.main import app
from infra.settings import Settings
from services.container import Container
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.integration

LEADCTL = Path(sys.executable).parent / "leadctl"
COMMANDS = [
    ["serve", "--port", "9"],
    ["worker", "--once"],
    ["seed", "--participants-per-site", "1"],
    ["clients", "create", "--agency", "spd", "--role", "police"],
    ["clients", "disable", "spd-1"],
    ["projections", "status"],
    ["audit", "seal"],
]
MISCONFIGURED = [
    ({"LEAD_TOKEN_LIFETIME_SECONDS": "5"}, ["LEAD_TOKEN_LIFETIME_SECONDS: Input should be"]),
    ({"LEAD_POOL_SIZE": "many"}, ["LEAD_POOL_SIZE: Input should be a valid integer"]),
    ({"LEAD_SECRET_KEY": "short"}, ["LEAD_SECRET_KEY: must be at least 32 characters"]),
    ({"LEAD_DATABASE_URL": "mysql://db/lead"}, ["LEAD_DATABASE_URL must start with"]),
    (
        {"LEAD_WORKER_TICK_SECONDS": "0", "LEAD_AUDIT_FLUSH_MS": "1"},
        ["LEAD_WORKER_TICK_SECONDS: Input should be", "LEAD_AUDIT_FLUSH_MS: Input should be"],
    ),
]


def leadctl(env: dict[str, str], *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, list(args), env={"LEAD_SECRET_KEY": TEST_SECRET} | env)
    assert "Traceback" not in result.output
    return result.exit_code, result.output.splitlines()


def test_the_matrices_cover_every_command_that_opens_the_store() -> None:
    assert len(COMMANDS) * len(MISCONFIGURED) == 35


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize(("env", "expected"), MISCONFIGURED, ids=lambda v: ",".join(v)[:40])
def test_each_configuration_problem_is_one_line(
    tmp_path: Path, command: list[str], env: dict[str, str], expected: list[str]
) -> None:
    store = tmp_path / "lead.sqlite3"
    code, lines = leadctl({"LEAD_DATABASE_URL": f"sqlite:///{store}"} | env, *command)
    assert code == 2
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(f"leadctl: {start}")
    assert not store.exists()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_store_nobody_migrated_is_refused_in_one_line(
    unmigrated_settings: Settings, command: list[str]
) -> None:
    code, lines = leadctl({"LEAD_DATABASE_URL": unmigrated_settings.database_url}, *command)
    assert code == 2
    assert len(lines) == 1
    assert lines[0].endswith("run `leadctl migrate` first")
    if unmigrated_settings.is_sqlite:
        assert not unmigrated_settings.sqlite_path.exists()


def test_seed_refuses_a_store_that_holds_events_unless_asked(
    settings: Settings, container: Container
) -> None:
    History(container.store, seed=3).write(40, per_save=10)
    head = container.store.table.head()
    env = {"LEAD_DATABASE_URL": settings.database_url}
    code, lines = leadctl(env, "seed", "--participants-per-site", "3", "--years", "0.2")
    assert (code, len(lines)) == (2, 1)
    assert f"already holds {head:,} events" in lines[0]
    assert container.store.table.head() == head
    args = ("seed", "--participants-per-site", "3", "--years", "0.2", "--into-existing")
    code, lines = leadctl(env, *args)
    assert code == 0, lines
    assert container.store.table.head() > head


@pytest.fixture
def migrated_sqlite(tmp_path: Path) -> dict[str, str]:
    env = {"LEAD_DATABASE_URL": f"sqlite:///{tmp_path / 'lead.sqlite3'}"}
    assert leadctl(env, "migrate")[0] == 0
    return env


def test_a_port_already_taken_is_one_line(migrated_sqlite: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, lines = leadctl(migrated_sqlite, "serve", "--port", str(port))
    assert (code, len(lines)) == (2, 1)
    assert f"127.0.0.1:{port} is already in use" in lines[0]
    assert "--port" in lines[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_says_where_it_serves_once_it_answers(migrated_sqlite: dict[str, str]) -> None:
    port = free_port()
    env = {"LEAD_SECRET_KEY": TEST_SECRET, "LEAD_RUN_WORKER": "false", **migrated_sqlite}
    command = [str(LEADCTL), "serve", "--port", str(port)]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as server:  # noqa: S603
        try:
            assert server.stdout is not None
            first = server.stdout.readline()
            assert first.startswith(f"LEAD serving on http://127.0.0.1:{port} ")
            assert "lead.sqlite3" in first
            assert "leadctl clients create" in server.stdout.readline()
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
        finally:
            server.terminate()


def test_a_long_running_command_logs_json_lines_only(migrated_sqlite: dict[str, str]) -> None:
    """With LEAD_LOG_JSON an operator's pipeline parses every line a command writes: the
    revision check at start (every command's) writes none of alembic's plain-text chatter."""
    env = os.environ | migrated_sqlite | {"LEAD_SECRET_KEY": TEST_SECRET, "LEAD_LOG_JSON": "true"}
    store = migrated_sqlite["LEAD_DATABASE_URL"].removeprefix("sqlite:///")
    with subprocess.Popen(  # noqa: S603
        [str(LEADCTL), "projector"], env=env, stderr=subprocess.PIPE, text=True
    ) as running:
        try:
            deadline = time.monotonic() + 30
            while not positions_claimed(store) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert positions_claimed(store)  # past its start-up checks
        finally:
            running.terminate()
        assert running.stderr is not None
        lines = running.stderr.read().splitlines()
    assert [line for line in lines if not is_json(line)] == []


def is_json(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def positions_claimed(store: str) -> bool:
    with sqlite3.connect(store) as conn:
        return bool(conn.execute("SELECT count(*) FROM projection_positions").fetchone()[0])


def test_help_loads_nothing_of_the_service() -> None:
    heavy = ("sqlalchemy", "eventsourcing", "fastapi", "uvicorn", "pydantic", "composition")
    probe = (
        "import sys, cli.main; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))"
    )
    loaded = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
