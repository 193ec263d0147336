"""Blue/green rebuilds: the rebuilt view equals the incremental one, and the live view keeps
answering while the rebuild runs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import select

from domain.base import Meta, Stamp
from domain.participant import Participant
from domain.values import Arrest, Charge, Demographics, Location, Person, PolicyTerms, Referral
from infra.clock import SettableClock
from projections.rebuild import Rebuilder
from projections.tables import intake_deadlines
from services.container import Container

pytestmark = pytest.mark.integration

TERMS = PolicyTerms(divertible_charges=(Charge("X"),))
META = Meta(actor="b-1", client_id="c", agency="spd", role="police")


def write_history(container: Container, clock: SettableClock, count: int) -> None:
    stamp = Stamp(META, clock.now())
    batch: list[Any] = []
    for i in range(count):
        referred = clock.now() - timedelta(days=i % 45)
        arrest = Arrest((Charge("X"),), Location("corner"), referred)
        participant = Participant.refer(
            uuid4(),
            Person("A", "B"),
            uuid4(),
            Referral("arrest_diversion", referred, Demographics(), arrest),
            accepted=True,
            terms=TERMS,
            policy_version=1,
            stamp=stamp,
        )
        if i % 3 == 0:
            participant.complete_intake(referred + timedelta(hours=1), "plan", stamp)
        batch.append(participant)
    container.store.save(*batch)


def rows(container: Container) -> list[tuple[Any, ...]]:
    with container.sql.connect() as conn:
        query = select(intake_deadlines).order_by(intake_deadlines.c.referral_id)
        return [tuple(row) for row in conn.execute(query)]


def test_rebuild_equals_incremental_and_live_view_serves_meanwhile(
    container: Container, clock: SettableClock
) -> None:
    write_history(container, clock, 120)
    container.deadlines.tick()  # incremental build, and expiries written by the worker
    incremental = rows(container)
    assert len(incremental) == 120
    seen_during: list[int] = []

    def progress(position: int, head: int) -> None:
        seen_during.append(len(rows(container)))

    projection = container.projector.projections[0]
    report = Rebuilder(container.store, container.sql, projection, batch_size=25).run(progress)
    assert seen_during and all(count == 120 for count in seen_during)
    assert rows(container) == incremental
    head = container.store.recorder.max_notification_id()
    assert report.position == head
    assert container.projector.positions()[projection.name] == head


def test_rebuild_catches_up_with_events_written_during_it(
    container: Container, clock: SettableClock
) -> None:
    write_history(container, clock, 40)
    container.projector.run_until_caught_up()
    projections = container.projector.projections
    written = []

    def write_more(position: int, head: int) -> None:
        if not written:
            write_history(container, clock, 5)
            written.append(True)

    Rebuilder(container.store, container.sql, projections, batch_size=10).run(write_more)
    assert len(rows(container)) == 45
    assert container.projector.run_until_caught_up() == 0
