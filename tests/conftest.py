"""Shared fixtures: a fresh database per test run on each store, containers, HTTP clients.

PostgreSQL: one database `lead_test_<random>` is created for the run and dropped at the end
(only that one). Each test starts from empty tables. With REQUIRE_POSTGRES=1 an unreachable
server fails the run instead of skipping the PostgreSQL tests."""

from __future__ import annotations

import os
import shutil
import uuid
import weakref
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
import pytest
import structlog

from api.app import create_app
from composition.bootstrap import build
from infra.agencies import Agencies
from infra.clients import Client
from infra.clock import SettableClock
from infra.keys import load_keys
from infra.migrations import upgrade
from infra.settings import Settings
from services.container import Container

PG_ADMIN = os.environ.get("LEAD_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
# No secret verifies against this (argon2 refuses it as a hash): the clients the helpers
# register get tokens signed directly, keeping argon2's deliberate slowness out of the suite.
NO_SECRET_HASH = "!"
METRICS_TOKEN = "test-metrics-token-0123456789"
METRICS = {"Authorization": f"Bearer {METRICS_TOKEN}"}  # the scraper's header
START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
EVENT_TABLES = ("leadstore_events", "leadstore_snapshots")
# A notification feed page ends early after 2 s, with its cursor. In a CI run on two busy cores
# one ended after a single item, and a test that reads the first page as the whole feed failed
# for the wrong reason. Tests' feeds take their time; the budget has its own test.
PATIENT = 3600.0


@pytest.fixture(scope="session", autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keys that settings leave unset are generated here, not in the working tree's var/."""
    path = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEAD_DATA_DIR", str(path))
        load_keys(Settings(secret_key=TEST_SECRET))  # generated now, not inside a CLI test
        yield path


@pytest.fixture(scope="session", autouse=True)
def uncached_loggers() -> Iterator[None]:
    """structlog never caches a logger in the test process. The CLI commands the tests run
    in-process configure logging with caching on, as production does: a module's logger first
    used after that would keep that configuration (its level, the stdout of the test that was
    capturing then) for whichever test reached the worker next, and a log-reading test would
    pass or fail by the order files were dealt to workers."""
    configure = structlog.configure

    def without_cache(**config: object) -> None:
        configure(**{**config, "cache_logger_on_first_use": False})  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(structlog, "configure", without_cache)
        yield


@pytest.fixture(autouse=True)
def logging_as_configured() -> Iterator[None]:
    """Each test starts from the same structlog configuration, whatever the last one set."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


def _postgres_reachable() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    problem = _postgres_reachable()
    if problem is not None:
        if REQUIRE_POSTGRES:
            pytest.fail(f"REQUIRE_POSTGRES=1 but PostgreSQL is unreachable: {problem}")
        pytest.skip(f"PostgreSQL unreachable: {problem}")
    name = f"lead_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    upgrade(Settings(database_url=url, secret_key=TEST_SECRET))
    yield url
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "lead.sqlite3"
    upgrade(Settings(database_url=f"sqlite:///{path}", secret_key=TEST_SECRET))
    return path


def empty_postgres(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ]
        conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")


STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=STORES)
def settings(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Settings:
    """Settings for an empty, migrated database on each store."""
    return empty_store(request, tmp_path, sqlite_template)


def empty_store(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Settings:
    """`request.param` names the store (for fixtures of any scope parametrised by STORES)."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        empty_postgres(url)
        return Settings(
            database_url=url,
            secret_key=TEST_SECRET,
            metrics_token=METRICS_TOKEN,
            run_worker=False,
            rate_limit_enabled=False,
        )
    path = tmp_path / "lead.sqlite3"
    shutil.copy(sqlite_template, path)
    return Settings(
        database_url=f"sqlite:///{path}",
        secret_key=TEST_SECRET,
        metrics_token=METRICS_TOKEN,
        run_worker=False,
        rate_limit_enabled=False,  # tested on its own in tests/e2e/test_security_limits.py
    )


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(START)


@pytest.fixture
def container(settings: Settings, clock: SettableClock) -> Iterator[Container]:
    built = build(settings, clock=clock)
    built.notifications.feed.budget_seconds = PATIENT
    yield built
    built.close()


@pytest.fixture
async def http(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(container, background=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as client:
        yield client
    # The async engine's connections are closed on the loop that opened them, not left to the
    # garbage collector: a run would otherwise hold dozens open on a shared server.
    await container.async_sql.dispose()


def registered(container: Container, role: str, agency: str) -> Client:
    """The client `{agency}-{role}`, registered (with its agency) on first use: every request
    checks its token's client against the registry."""
    client_id = f"{agency}-{role}"
    known = container.clients.get(client_id)
    if known is None:
        known = Client(client_id, agency, role, name="test")
        container.clients.add(known, NO_SECRET_HASH, datetime.now(tz=UTC))
    return known


def token_for(container: Container, role: str, agency: str) -> str:
    """A token for the client of that role and agency, issued as the token endpoint issues it
    (the endpoint and its argon2 check are tested on their own)."""
    return container.tokens.issue(registered(container, role, agency))


_REGISTERED: weakref.WeakKeyDictionary[Agencies, set[str]] = weakref.WeakKeyDictionary()


def register_agency(container: Container, agency: str) -> None:
    """An agency ROIs and policy may name before any of its clients calls (its clients
    register it too)."""
    known = _REGISTERED.setdefault(container.agencies, set())
    if agency not in known:
        container.agencies.register(agency, datetime.now(tz=UTC))
        known.add(agency)


def headers_for(
    container: Container, role: str, agency: str, actor: str = "staff-1", **extra: str
) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token_for(container, role, agency)}",
        "X-Actor": actor,
        **extra,
    }
