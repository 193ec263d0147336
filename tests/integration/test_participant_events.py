"""The participant index: on both stores, whatever the batch size and however often it is
replayed, it holds exactly the events the touching rule names, disclosures marked."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select, update

from domain.base import Meta
from domain.values import Arrest, Charge, Identifier, Location, Person, PolicyTerms, Referral
from infra.clock import SettableClock
from projections.participant_events import participant_events
from projections.tables import projection_positions
from services.container import Container
from services.context import RequestContext
from services.referrals.participants import RoiSigning
from services.referrals.referrals import ReferralCommand
from tests.conftest import START
from tests.integration.audit_support import POLICE, refer_people

pytestmark = pytest.mark.integration

CHARGE = Charge("69.50.4013", "possession of a controlled substance")
CASE_MANAGER = RequestContext(Meta("cm-1", "lead-cm-case_manager", "lead-cm", "case_manager"))


def divert_and_enroll(container: Container, clock: SettableClock, n: int) -> UUID:
    """An arrest diversion opens a legal matter; enrollment adds a second event to it."""
    arrest = Arrest((CHARGE,), Location("3rd and Pine", 47.61, -122.34), START)
    person = Person(f"D{n}", "Person", date(1980, 1, 1), (Identifier("spd", f"D-{n}"),))
    command = ReferralCommand(person, Referral("arrest_diversion", START, arrest=arrest))
    participant_id = container.referrals.refer(POLICE, command).result.participant_id
    clock.advance(timedelta(minutes=1))
    container.participants.complete_intake(CASE_MANAGER, participant_id, clock.now(), "housing")
    container.agencies.register("spd", clock.now())
    signing = RoiSigning(clock.now(), ("spd",), ("engagement",))
    container.participants.sign_roi(CASE_MANAGER, participant_id, signing)
    return participant_id


def expected(container: Container) -> dict[UUID, list[int]]:
    """The rule, restated over a full scan of the store."""
    notifications = container.store.recorder.select_notifications(0, 100_000)
    events = [(n.id, container.store.mapper.to_domain_event(n)) for n in notifications]
    owners = {
        e.originator_id: e.participant_id
        for _, e in events
        if e.originator_version == 1 and hasattr(e, "participant_id")
    }
    found: dict[UUID, list[int]] = defaultdict(list)
    for position, event in events:
        about: set[Any] = {getattr(event, "participant_id", None), owners.get(event.originator_id)}
        if type(event).__qualname__.startswith("Participant."):
            about.add(event.originator_id)
        for participant_id in about - {None}:
            found[participant_id].append(position)
    return dict(found)


def indexed(container: Container) -> dict[UUID, list[int]]:
    table = participant_events
    with container.sql.connect() as conn:
        rows = conn.execute(select(table).order_by(table.c.position)).all()
    found: dict[UUID, list[int]] = defaultdict(list)
    for row in rows:
        found[row.participant_id].append(row.position)
    return dict(found)


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_the_index_holds_what_the_rule_names(
    container: Container, clock: SettableClock, batch_size: int
) -> None:
    container.staff.set_policy(
        RequestContext(Meta("pm", "pcg-pm", "pcg", "project_manager")),
        PolicyTerms(divertible_charges=(CHARGE,)),
    )
    diverted = [divert_and_enroll(container, clock, n) for n in range(3)]
    refer_people(container, clock, 2, first=10)
    container.projector.batch_size = batch_size
    container.projector.run_until_caught_up()
    assert indexed(container) == expected(container)
    assert all(len(expected(container)[p]) >= 6 for p in diverted)
    with container.sql.begin() as conn:  # replay everything: the same rows
        conn.execute(
            update(projection_positions)
            .where(projection_positions.c.name == "participant_events")
            .values(position=0)
        )
    container.projector.run_until_caught_up()
    assert indexed(container) == expected(container)
