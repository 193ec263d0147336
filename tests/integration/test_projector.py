"""The projector applies every event exactly once: across a crash mid-batch, with a second
projector on the same database, with writers still writing, and over gaps in the ids."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError
from sqlalchemy import Connection, Table, func, insert, select, text

from domain.base import Stamp
from domain.participant import Participant
from projections.deadlines import IntakeDeadlines
from projections.engine import Projector, ProjectorRaced
from projections.tables import intake_deadlines
from services.container import Container
from tests.conftest import START
from tests.integration.support import (
    ALL_TOPICS,
    CASE_MANAGER,
    adopt_policy,
    arrest_diversion,
    notification_ids,
    refer,
    social_contact,
)

pytestmark = pytest.mark.integration


class Crash(BaseException):
    """The process dying part-way through a batch (an Exception from a projection is set aside
    in the quarantine instead: tests/integration/test_quarantine.py)."""


class PositionLog:
    """Inserts a row per event; nothing stops a duplicate, so double application shows."""

    name = "it_position_log"
    topics: frozenset[str] = ALL_TOPICS

    def __init__(self, table: Table, label: str = "a", crash_on_call: int | None = None) -> None:
        self.table = table
        self.label = label
        self.crash_on_call = crash_on_call
        self.calls = 0

    def apply(self, conn: Connection, event: Any, position: int) -> None:  # noqa: ARG002
        self.calls += 1
        if self.calls == self.crash_on_call:
            raise Crash(position)
        conn.execute(insert(self.table).values(position=position, projector=self.label))


def applied(container: Container, table: Table) -> list[int]:
    with container.sql.connect() as conn:
        return list(conn.scalars(select(table.c.position).order_by(table.c.position)))


def write_events(container: Container, referrals: int, start: int = 1) -> None:
    for n in range(start, start + referrals):
        refer(container, social_contact(n, START - timedelta(hours=1)))


def test_a_crash_mid_batch_rolls_back_and_the_rerun_applies_everything_once(
    container: Container, applied_table: Table
) -> None:
    adopt_policy(container)
    refer(container, arrest_diversion(1, START - timedelta(hours=2)))
    write_events(container, 5, start=2)
    ids = notification_ids(container.store)
    assert len(ids) > 10

    log = PositionLog(applied_table, crash_on_call=7)
    crashing = Projector(container.store, container.sql, [IntakeDeadlines(), log], batch_size=5)
    with pytest.raises(Crash):
        crashing.run_until_caught_up()
    # The first batch committed; the second rolled back whole, for both projections.
    assert crashing.positions() == {"intake_deadlines": ids[4], PositionLog.name: ids[4]}
    assert applied(container, applied_table) == ids[:5]

    rerun = Projector(
        container.store, container.sql, [IntakeDeadlines(), PositionLog(applied_table)], 5
    )
    assert rerun.run_until_caught_up() == len(ids) - 5
    assert applied(container, applied_table) == ids
    assert rerun.positions() == {"intake_deadlines": ids[-1], PositionLog.name: ids[-1]}
    assert rerun.run_until_caught_up() == 0
    assert applied(container, applied_table) == ids


def test_two_projectors_never_both_apply_an_event(
    container: Container, second_container: Container, applied_table: Table
) -> None:
    """Two processes follow the same database while a writer is still writing."""
    projectors = [
        Projector(c.store, c.sql, [PositionLog(applied_table, label)], batch_size=3)
        for c, label in ((container, "a"), (second_container, "b"))
    ]
    writing_done = threading.Event()
    races: list[int] = []

    def follow(projector: Projector) -> None:
        raced = 0
        while True:
            finished = writing_done.is_set()
            try:
                projector.run_until_caught_up()
            except ProjectorRaced:
                raced += 1
                continue
            if finished:
                races.append(raced)
                return

    threads = [threading.Thread(target=follow, args=(p,)) for p in projectors]
    for thread in threads:
        thread.start()
    try:
        write_events(container, 40)
    finally:
        writing_done.set()
        for thread in threads:
            thread.join(timeout=120)
    assert len(races) == 2
    ids = notification_ids(container.store)
    assert applied(container, applied_table) == ids
    assert projectors[0].positions() == {PositionLog.name: ids[-1]}


def test_gaps_in_notification_ids_never_stall_it(
    container: Container, settings: Any, applied_table: Table
) -> None:
    participant_id, _ = refer(container, social_contact(1, START - timedelta(hours=1)))
    projector = Projector(container.store, container.sql, [PositionLog(applied_table)])
    projector.run_until_caught_up()

    winner: Participant = container.store.repository.get(participant_id)
    loser: Participant = container.store.repository.get(participant_id)
    stamp = Stamp(CASE_MANAGER.meta, START)
    winner.record_contact(START - timedelta(minutes=5), "field", stamp)
    container.store.save(winner)
    loser.record_contact(START - timedelta(minutes=4), "phone", stamp)
    with pytest.raises(IntegrityError):
        container.store.save(loser)  # a version conflict: its insert rolls back
    if settings.is_postgres:
        burn_a_notification_id(container)
    projector.run_until_caught_up()
    assert applied(container, applied_table) == notification_ids(container.store)

    write_events(container, 2, start=2)
    ids = notification_ids(container.store)
    if settings.is_postgres:  # the rolled-back insert burned an id; SQLite reuses it
        assert ids[-1] - ids[0] + 1 > len(ids)
    projector.run_until_caught_up()
    assert applied(container, applied_table) == ids
    assert projector.positions() == {PositionLog.name: container.store.table.head()}


def burn_a_notification_id(container: Container) -> None:
    """What any rolled-back insert does. A version conflict no longer does it: group commit
    (infra/group_commit.py) leaves a conflicting save out of the insert instead."""
    with container.sql.begin() as conn:
        conn.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'notification_id'))"),
            {"table": container.store.table.dialect.table},
        )


def test_a_projection_sees_only_its_topics_but_its_position_passes_the_rest(
    container: Container,
) -> None:
    adopt_policy(container)
    refer(container, social_contact(1, START - timedelta(hours=1)))
    refer(container, arrest_diversion(2, START - timedelta(hours=1)))
    container.projector.run_until_caught_up()
    positions = container.projector.positions()
    assert positions["intake_deadlines"] == container.store.table.head()
    assert set(positions.values()) == {container.store.table.head()}
    with container.sql.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(intake_deadlines)).scalar_one()
    assert rows == 1
