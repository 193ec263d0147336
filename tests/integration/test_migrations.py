"""Alembic owns the schema: every revision goes up, all the way down and up again, and the
service then runs on it with the library's own table creation switched off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, inspect, text

from composition.bootstrap import build
from domain.participant import Participant
from infra.clock import SettableClock
from infra.events_table.dialects import (
    POSTGRES_EVENTS_TABLE,
    POSTGRES_SNAPSHOTS_TABLE,
    SQLITE_EVENTS_TABLE,
    SQLITE_SNAPSHOTS_TABLE,
)
from infra.migrations import downgrade, upgrade
from infra.settings import Settings
from projections.deadlines import due_deadlines
from tests.conftest import START
from tests.integration.support import adopt_policy, arrest_diversion, refer

pytestmark = pytest.mark.integration

SERVICE_TABLES = {"agencies", "api_clients", "projection_positions", "intake_deadlines"}


def tables(settings: Settings) -> set[str]:
    engine = create_engine(settings.sqlalchemy_url(asynchronous=False))
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def stored_event_type_exists(settings: Settings) -> bool:
    engine = create_engine(settings.sqlalchemy_url(asynchronous=False))
    try:
        with engine.connect() as conn:
            query = text("SELECT count(*) FROM pg_type WHERE typname = 'stored_event_uuid'")
            return bool(conn.execute(query).scalar_one())
    finally:
        engine.dispose()


def store_tables(settings: Settings) -> set[str]:
    if settings.is_postgres:
        return {POSTGRES_EVENTS_TABLE, POSTGRES_SNAPSHOTS_TABLE}
    return {SQLITE_EVENTS_TABLE, SQLITE_SNAPSHOTS_TABLE}


def test_upgrade_downgrade_to_base_and_upgrade_again(unmigrated_settings: Settings) -> None:
    settings = unmigrated_settings
    expected = SERVICE_TABLES | store_tables(settings)
    upgrade(settings)
    assert expected <= tables(settings)
    downgrade(settings, "base")
    assert tables(settings) == set()
    if settings.is_postgres:
        assert not stored_event_type_exists(settings)
    upgrade(settings)
    assert expected <= tables(settings)


def test_the_service_runs_on_the_migrated_schema_without_creating_tables(
    unmigrated_settings: Settings, clock: SettableClock
) -> None:
    settings = unmigrated_settings
    upgrade(settings)
    downgrade(settings, "base")
    upgrade(settings)
    container = build(settings, clock=clock)
    try:
        assert container.store.env.get("CREATE_TABLE") == "n"
        adopt_policy(container)
        participant_id, _ = refer(container, arrest_diversion(1, START - timedelta(days=31)))
        assert container.deadlines.tick() == 1
        participant: Participant = container.store.repository.get(participant_id)
        assert isinstance(participant, Participant)
        assert participant.status == "intake_deadline_expired"
        with container.sql.connect() as conn:
            assert due_deadlines(conn, clock.now()) == []
    finally:
        container.close()


def test_without_migrations_the_library_creates_nothing(unmigrated_settings: Settings) -> None:
    """CREATE_TABLE is off: opening the store on an empty database leaves it empty."""
    settings = unmigrated_settings
    container = build(settings, clock=SettableClock(START))
    container.close()
    assert tables(settings) == set()
