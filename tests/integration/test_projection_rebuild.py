"""Blue/green rebuilds: the rebuilt view equals the incremental one, and the live view keeps
answering while the rebuild runs."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any, cast
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from sqlalchemy import delete, inspect, select, update
from sqlalchemy.exc import OperationalError

from bench.history import NOW, History
from domain.base import Meta, Stamp
from domain.participant import Participant
from domain.values import Arrest, Charge, Demographics, Location, Person, PolicyTerms, Referral
from infra.clock import SettableClock
from projections import rebuild, rebuild_lanes
from projections.deadlines import IntakeDeadlines
from projections.participant_events import (
    ParticipantEvents,
    classify,
    participant_events,
    participant_streams,
    shallow,
)
from projections.rebuild import Rebuilder
from projections.tables import intake_deadlines, projection_positions
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


def test_the_shallow_reading_names_the_participants_a_full_decode_names(
    container: Container,
) -> None:
    """A rebuild hands the participant index ids and versions read from the stored JSON
    (sealed store included) instead of decoded events: for every event of a history, both
    readings name the same participants, disclosure and stream owner."""
    History(container.store, seed=6).write(900, per_save=15)
    mapper = container.store.mapper
    owners_full: dict[Any, Any] = {}
    owners_shallow: dict[Any, Any] = {}
    compared = 0
    for stored in container.store.table.notifications(0, 100_000):
        if stored.topic not in ParticipantEvents.topics:
            continue
        full = classify(mapper.to_domain_event(cast(StoredEvent, stored)), owners_full.get)
        light = classify(shallow(stored, mapper), owners_shallow.get)
        assert light == full, stored.topic
        if full[2] is not None:
            owners_full[stored.originator_id] = owners_shallow[stored.originator_id] = full[2]
        compared += 1
    assert compared > 800
    assert owners_full  # streams founded about someone were among them


def test_a_rebuild_builds_the_indexes_it_defers_before_the_swap(container: Container) -> None:
    """The disclosure index is built after loading (PostgreSQL), and it is there, in the
    public schema, once the rebuilt table is swapped in."""
    History(container.store, seed=7).write(300, per_save=15)
    Rebuilder(container.store, container.sql, [ParticipantEvents()], batch_size=100).run()
    with container.sql.connect() as conn:
        indexes = inspect(conn).get_indexes("participant_events")
        rows = conn.execute(select(participant_events)).all()
    assert "ix_participant_events_disclosure" in {index["name"] for index in indexes}
    assert len(rows) > 300


def test_events_only_the_participant_index_wants_are_indexed_in_sql_exactly_as_applied(
    container: Container,
) -> None:
    """On PostgreSQL a rebuild writes the index rows of events that name only their own
    participant (contacts, most of a store) with INSERT … SELECT, never reading them here;
    the rows equal those the projector applied one batch at a time, events written during
    the rebuild (caught up under the swap's lock) included."""
    History(container.store, seed=8).write(1200, per_save=15)
    record_contacts(container, 5)
    container.projector.run_until_caught_up()
    rebuilder = Rebuilder(container.store, container.sql, container.projector.projections, 150)

    written: list[int] = []

    def write_more(position: int, head: int) -> None:
        if len(written) < 2:  # after the first batches: the swap catches these up
            History(container.store, seed=9 + len(written)).write(60, per_save=15)
            record_contacts(container, 5)  # the newest events are contacts alone
            written.append(head)

    rebuilder.run(write_more)
    rebuilt = index_rows(container)
    with container.sql.begin() as conn:
        conn.execute(delete(participant_events))
        conn.execute(delete(participant_streams))
        conn.execute(update(projection_positions).values(position=0))
    container.projector.run_until_caught_up()
    assert rebuilt == index_rows(container)
    contact = "domain.participant:Participant.ContactRecorded"
    assert (contact in rebuilder.in_sql) == (container.sql.dialect.name == "postgresql")
    assert len(rebuilt) > 1200
    assert len(written) == 2


def record_contacts(container: Container, count: int) -> None:
    """Contacts with someone taken in (the last event of one who was: a later one refuses)."""
    contact = "domain.participant:Participant.ContactRecorded"
    stored = container.store.table.notifications(0, 100_000, [contact])[-1]
    participant = container.store.repository.get(stored.originator_id)
    stamp = Stamp(META, NOW)
    for _ in range(count):
        participant.record_contact(NOW, "phone", stamp)
    container.store.save(participant)


def index_rows(container: Container) -> list[tuple[Any, ...]]:
    with container.sql.connect() as conn:
        query = select(participant_events).order_by(
            participant_events.c.participant_id, participant_events.c.position
        )
        return [tuple(row) for row in conn.execute(query)]


def every_row(container: Container) -> dict[str, list[str]]:
    """Each projection table's rows, in a stable order."""
    with container.sql.connect() as conn:
        return {
            table.name: sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            for projection in container.projector.projections
            for table in getattr(projection, "tables", ())
        }


@pytest.mark.parametrize("lanes", [2, 3])
def test_a_rebuild_in_lanes_writes_what_one_in_turn_writes(
    container: Container, monkeypatch: pytest.MonkeyPatch, lanes: int
) -> None:
    """On PostgreSQL the projections replay in lanes (two by default) that run at their own
    pace; small batches make many of them. The tables equal those of a replay in turn,
    projection by projection (on SQLite both are the replay in turn)."""
    History(container.store, seed=8).write(600, per_save=15)
    projections = container.projector.projections
    monkeypatch.setattr(rebuild, "LANES", lanes)
    monkeypatch.setattr(rebuild_lanes, "LANES", lanes)
    Rebuilder(container.store, container.sql, projections, batch_size=40).run()
    in_lanes = every_row(container)
    monkeypatch.setattr(rebuild, "LANES", len(projections) + 1)  # too few projections
    Rebuilder(container.store, container.sql, projections, batch_size=40).run()
    assert every_row(container) == in_lanes
    assert sum(len(rows) for rows in in_lanes.values()) > 1000


class LosesItsDatabase(IntakeDeadlines):
    """Fails as a lost connection does, at its third batch: the replay must stop."""

    def __init__(self) -> None:
        super().__init__()
        self.batches = 0

    def apply_batch(self, conn: Any, items: list[Any]) -> None:
        self.batches += 1
        if self.batches == 3:
            raise OperationalError("SELECT 1", {}, Exception("connection lost"))
        super().apply_batch(conn, items)


def test_a_lane_that_fails_stops_the_rebuild_and_every_thread_with_it(
    container: Container, clock: SettableClock
) -> None:
    write_history(container, clock, 120)
    container.projector.run_until_caught_up()
    before, threads = rows(container), threading.active_count()
    others = [p for p in container.projector.projections if p.name != "intake_deadlines"]
    with pytest.raises(OperationalError):
        Rebuilder(
            container.store, container.sql, [*others, LosesItsDatabase()], batch_size=10
        ).run()
    assert threading.active_count() == threads
    assert rows(container) == before  # nothing swapped in
    Rebuilder(container.store, container.sql, container.projector.projections).run()
    assert rows(container) == before  # and the next rebuild starts over
