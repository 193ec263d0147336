"""A projection that cannot apply an event sets it aside and goes on (issue 11): the event is
quarantined with a safe summary, every other event and projection is applied, `retry` after
the fix applies it exactly once, an upgrade retries by itself, and the deadline worker never
waits for any projection but its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Table, insert, select, text
from typer.testing import CliRunner

from cli.main import app
from composition.bootstrap import build
from infra.clock import SettableClock
from infra.events_table.dialects import of_engine_name
from infra.settings import Settings
from projections.deadlines import IntakeDeadlines
from projections.directory import DirectoryProjection, participant_directory
from projections.engine import Projector
from projections.faults import FaultyProjection
from projections.quarantine import Quarantine
from projections.rebuild import Rebuilder
from projections.retry import retried_after_upgrade, retry
from projections.tables import projection_positions
from services.container import Container
from tests.conftest import START, TEST_SECRET
from tests.integration.support import (
    ALL_TOPICS,
    adopt_policy,
    arrest_diversion,
    notification_ids,
    refer,
    social_contact,
)

pytestmark = pytest.mark.integration

POISON_NAME = "Zyxwquux Poisonname"  # what a person's name in a refused value would be


class Refusing:
    """Logs each event it applies; on `refuse_at` its SQL fails as a store refusing a value
    would, with the value in the driver's message (PostgreSQL quotes the duplicate key)."""

    name = "it_refusing"
    topics: frozenset[str] = ALL_TOPICS

    def __init__(self, table: Table, refuse_at: int | None) -> None:
        self.table = table
        self.refuse_at = refuse_at

    def apply(self, conn: Connection, event: Any, position: int) -> None:  # noqa: ARG002
        if position == self.refuse_at:
            duplicate = insert(projection_positions).values(name=POISON_NAME, position=0)
            conn.execute(duplicate)
            conn.execute(duplicate)
        conn.execute(insert(self.table).values(position=position, projector="r"))


def applied(container: Container, table: Table) -> list[int]:
    with container.sql.connect() as conn:
        return list(conn.scalars(select(table.c.position).order_by(table.c.position)))


def written(container: Container, referrals: int = 3) -> list[int]:
    for n in range(1, referrals + 1):
        refer(container, social_contact(n, START - timedelta(hours=1)))
    return notification_ids(container.store)


def test_the_event_is_set_aside_the_rest_applied_and_retry_applies_it_once(
    container: Container, applied_table: Table
) -> None:
    ids = written(container)
    bad = ids[len(ids) // 2]
    refusing = Refusing(applied_table, refuse_at=bad)
    projector = Projector(container.store, container.sql, [IntakeDeadlines(), refusing], 50)
    projector.run_until_caught_up()
    assert set(projector.positions().values()) == {ids[-1]}
    assert applied(container, applied_table) == [i for i in ids if i != bad]
    [entry] = projector.quarantine.entries()
    assert (entry.projection, entry.position) == ("it_refusing", bad)
    assert entry.event_type.split(".")[0] in {"Participant", "IdentifierClaim"}
    assert entry.error_class in {"UniqueViolation", "IntegrityError"}
    assert POISON_NAME not in entry.message
    assert retry(projector).failed == [("it_refusing", bad)]  # not fixed yet: kept
    refusing.refuse_at = None  # the fix
    report = retry(projector)
    assert report.applied == [("it_refusing", bad)]
    assert retry(projector).applied == []  # once
    assert applied(container, applied_table) == ids
    assert projector.quarantine.entries() == []


def test_an_upgrade_retries_the_entries_an_older_version_set_aside(
    container: Container, applied_table: Table
) -> None:
    ids = written(container, 2)
    refusing = Refusing(applied_table, refuse_at=ids[0])
    old = Quarantine(container.sql, version="1.0+old")
    Projector(container.store, container.sql, [refusing], 50, old).run_until_caught_up()
    upgraded = Projector(
        container.store, container.sql, [refusing], 50, Quarantine(container.sql, "1.1+new")
    )
    assert retried_after_upgrade(upgraded) == 0  # still failing: now this version's failure
    [entry] = upgraded.quarantine.entries()
    assert entry.code_version == "1.1+new"
    refusing.refuse_at = None
    assert retried_after_upgrade(upgraded) == 0  # same version: waits for an operator
    newer = Projector(
        container.store, container.sql, [refusing], 50, Quarantine(container.sql, "1.2+fix")
    )
    assert retried_after_upgrade(newer) == 1
    assert applied(container, applied_table) == ids


def faulty(settings: Settings, position: int, clock: SettableClock) -> Container:
    switched = settings.model_copy(
        update={"test_mode": True, "test_fault_projection": f"participant_directory@{position}"}
    )
    return build(switched, clock=clock)


def test_the_fault_switch_quarantines_and_the_cli_lists_and_retries(
    settings: Settings, container: Container, clock: SettableClock
) -> None:
    ids = written(container, 2)
    broken = faulty(settings, ids[0], clock)
    try:
        broken.background.tick()
        assert set(broken.projector.positions().values()) == {ids[-1]}
        [entry] = broken.projector.quarantine.entries()
        assert (entry.projection, entry.error_class) == ("participant_directory", "InjectedFault")
    finally:
        broken.close()
    env = {"LEAD_DATABASE_URL": settings.database_url, "LEAD_SECRET_KEY": TEST_SECRET}
    listed = CliRunner().invoke(app, ["projections", "failures"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "participant_directory" in listed.output
    assert "InjectedFault" in listed.output
    retried = CliRunner().invoke(app, ["projections", "retry", "participant_directory"], env=env)
    assert retried.exit_code == 0, retried.output
    assert f"applied position {ids[0]}" in retried.output
    assert container.projector.quarantine.entries() == []
    again = CliRunner().invoke(app, ["projections", "failures"], env=env)
    assert "no events in quarantine" in again.output


def test_the_deadline_worker_expires_deadlines_while_other_views_lag(
    settings: Settings, clock: SettableClock
) -> None:
    broken = faulty(settings, 1, clock)
    try:
        assert [p.name for p in broken.deadlines.projector.projections] == ["intake_deadlines"]
        adopt_policy(broken, intake_deadline_days=30)
        refer(broken, arrest_diversion(1, START - timedelta(hours=1)))
        clock.advance(timedelta(days=31))
        assert broken.deadlines.tick() == 1
        positions = broken.projector.positions()
        assert positions["intake_deadlines"] > 0
        assert positions["participant_directory"] == 0  # nobody ran the other views
    finally:
        broken.close()


def test_the_fault_switch_is_refused_outside_tests() -> None:
    with pytest.raises(ValueError, match="test-only"):
        Settings(secret_key=TEST_SECRET, test_fault_projection="capacity@3")


def directory_rows(container: Container) -> int:
    with container.sql.connect() as conn:
        return len(conn.execute(select(participant_directory)).all())


def test_a_rebuild_sets_aside_what_it_cannot_apply_and_forgets_what_a_fix_applies(
    container: Container,
) -> None:
    """A rebuild meets the same event: it is set aside there too, and a rebuild with the fix
    clears the entry (else a later retry would apply it a second time)."""
    ids = written(container, 3)
    Rebuilder(container.store, container.sql, [FaultyProjection(DirectoryProjection(), 1)]).run()
    [entry] = container.projector.quarantine.entries()
    assert entry.projection == "participant_directory"
    assert entry.position in ids
    assert directory_rows(container) == 2
    Rebuilder(container.store, container.sql, [DirectoryProjection()]).run()
    assert container.projector.quarantine.entries() == []
    assert directory_rows(container) == 3


def test_an_event_that_does_not_decode_is_set_aside_by_each_projection_that_wants_it(
    container: Container,
) -> None:
    """As an event written by another version of the service might be: the bytes are not
    JSON any more. Every projection that wants its topic sets it aside; none stalls."""
    ids = written(container, 2)
    dialect = of_engine_name(container.sql.dialect.name)
    where = f"FROM {dialect.table} WHERE {dialect.position} = :id"
    with container.sql.begin() as conn:
        topic = conn.execute(text(f"SELECT topic {where}"), {"id": ids[0]}).scalar_one()
        update = f"UPDATE {dialect.table} SET state = :state WHERE {dialect.position} = :id"  # noqa: S608
        conn.execute(text(update), {"state": b"\xff not json", "id": ids[0]})
    container.projector.run_until_caught_up()
    assert set(container.projector.positions().values()) == {ids[-1]}
    entries = container.projector.quarantine.entries()
    wanting = {p.name for p in container.projector.projections if topic in p.topics}
    assert {e.projection for e in entries} == wanting
    assert {(e.position, e.event_type) for e in entries} == {(ids[0], topic)}
