"""Fixtures of the integration tier: settings per backend for the store contract, a fresh
database per migration test, a second process on the same database, a scratch table."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table

from composition.bootstrap import build
from infra.clock import SettableClock
from infra.settings import Settings
from services.container import Container
from tests.conftest import PG_ADMIN, TEST_SECRET

scratch = MetaData()
# No unique constraint on position: an event applied twice shows up as two rows.
applied_events = Table(
    "it_applied_events",
    scratch,
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("position", BigInteger, nullable=False),
    Column("projector", String(16), nullable=False),
)


@pytest.fixture
def second_container(settings: Settings, clock: SettableClock) -> Iterator[Container]:
    """Another process on the same database: its own store pool and SQL engine."""
    built = build(settings, clock=clock)
    yield built
    built.close()


@pytest.fixture
def applied_table(container: Container) -> Iterator[Table]:
    scratch.create_all(container.sql)
    yield applied_events
    scratch.drop_all(container.sql)


@pytest.fixture
def fresh_postgres_url(postgres_url: str) -> Iterator[str]:
    """An empty database nobody migrated, created for one test and dropped after it.
    Depends on `postgres_url` so an unreachable server skips (or, required, fails)."""
    name = f"lead_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def unmigrated_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "postgres":
        url = request.getfixturevalue("fresh_postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'unmigrated.sqlite3'}"
    return Settings(database_url=url, secret_key=TEST_SECRET, run_worker=False)
