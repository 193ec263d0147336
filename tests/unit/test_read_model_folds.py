"""The read models' event → row folds, on events the aggregates themselves emit (no I/O):
each view must say what the aggregate says."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain.caseloads import Caseloads
from domain.participant import Participant
from domain.policy import SitePolicy
from domain.values import Demographics, PolicyTerms, Referral
from projections import capacity, directory, evaluation
from projections.deadlines import DeadlineRows
from projections.deadlines import fold as fold_deadline
from projections.engine import Item
from projections.sql import Row
from tests.unit.builders import (
    PERSON,
    POLICY_VERSION,
    T0,
    TERMS,
    arrest_diversion,
    cm_stamp,
    days,
    discharge,
    refer_again,
    sign_roi,
    social_contact,
    stamp,
)

pytestmark = pytest.mark.unit


class Stream:
    """Events in the order the store would give them positions."""

    def __init__(self) -> None:
        self.items: list[Item] = []

    def take(self, aggregate: Aggregate) -> list[Item]:
        start = len(self.items) + 1
        new = [(start + i, e) for i, e in enumerate(aggregate.collect_events())]
        self.items += new
        return new


def referred(referral: Referral | None = None, *, accepted: bool = True) -> Participant:
    return Participant.refer(
        uuid4(),
        PERSON,
        uuid4(),
        referral or arrest_diversion(),
        accepted,
        TERMS,
        POLICY_VERSION,
        stamp(),
    )


def enroll(participant: Participant, at: Any) -> None:
    sign_roi(participant, at)
    participant.complete_intake(at, "housing first", cm_stamp(at))


# ----- the participant directory ---------------------------------------------------------


def directory_row(row: Row, items: list[Item]) -> Row:
    for position, event in items:
        directory.fold(row, event, position)
    return directory.finish(row)


def test_directory_status_follows_the_aggregate_through_the_lifecycle() -> None:
    stream, p = Stream(), referred()
    row: Row = {"participant_id": p.id}

    def check() -> None:
        folded = directory_row(row, stream.take(p))
        assert folded["status"] == p.status
        assert folded["intake_deadline"] == p.intake_deadline
        assert folded["case_manager_id"] == p.case_manager_id

    check()
    assert row["first_position"] == 1
    assert row["family_name"] == PERSON.family_name
    enroll(p, T0 + days(2))
    check()
    p.assign_case_manager(uuid4(), cm_stamp(T0 + days(3)))
    check()
    discharge(p, T0 + days(5))
    check()
    p.readmit(T0 + days(9), "back", cm_stamp(T0 + days(9)))
    check()


def test_directory_expiry_extension_and_return_after_discharge() -> None:
    stream, p = Stream(), referred()
    row: Row = {"participant_id": p.id}
    directory_row(row, stream.take(p))
    referral_id = p.referrals[0].referral_id
    p.extend_intake_deadline(T0 + days(40), "sgt-1", "incapacitated", "", "spd", stamp())
    assert directory_row(row, stream.take(p))["intake_deadline"] == T0 + days(40)
    p.expire_intake_deadline(referral_id, stamp(T0 + days(41)))
    folded = directory_row(row, stream.take(p))
    assert (folded["status"], folded["intake_deadline"]) == (p.status, None)
    enroll(p, T0 + days(42))
    discharge(p, T0 + days(50))
    refer_again(p, social_contact(T0 + days(60)))
    folded = directory_row(row, stream.take(p))
    assert folded["status"] == p.status == "referred"


def test_directory_declined_referral() -> None:
    p = referred(social_contact(), accepted=False)
    row = directory_row({"participant_id": p.id}, Stream().take(p))
    assert row["status"] == "declined"
    assert row["intake_deadline"] is None


# ----- evaluation ------------------------------------------------------------------------


def evaluation_rows(items: list[Item], rows: list[Row] | None = None) -> list[Row]:
    rows = [] if rows is None else rows
    for position, event in items:
        evaluation.fold(rows, event, position)
    return rows


def test_evaluation_follows_a_referral_through_every_stage() -> None:
    referral = arrest_diversion(T0)
    referral = Referral(
        referral.door, T0, Demographics(("Black",), "not_hispanic", "woman"), referral.arrest
    )
    p = referred(referral)
    enroll(p, T0 + days(2.5))
    discharge(p, T0 + days(30))
    p.readmit(T0 + days(40), "", cm_stamp(T0 + days(40)))
    [row] = evaluation_rows(Stream().take(p))
    assert (row["door"], row["race"], row["ethnicity"]) == (
        "arrest_diversion",
        "Black",
        "not_hispanic",
    )
    assert (row["month"], row["quarter"], row["year"]) == ("2026-11", "2026-Q4", "2026")
    assert row["status"] == "enrolled"
    assert row["days_to_intake"] == pytest.approx(2.5)
    assert row["intake_tenths"] == 25
    assert row["enrolled_at"] == T0 + days(2.5)
    assert row["discharged_at"] == T0 + days(30)
    assert row["readmitted_at"] == T0 + days(40)
    assert not row["declined"] and not row["intake_expired"]


def test_evaluation_declined_expired_and_a_re_referral_keeping_demographics() -> None:
    stream = Stream()
    declined = referred(social_contact(), accepted=False)
    [row] = evaluation_rows(stream.take(declined))
    assert row["declined"] and row["race"] == "unknown"

    again = referred()
    rows = evaluation_rows(stream.take(again))
    again.expire_intake_deadline(again.referrals[0].referral_id, stamp(T0 + days(31)))
    refer_again(again, social_contact(T0 + days(32)))
    rows = evaluation_rows(stream.take(again), rows)
    assert [r["status"] for r in rows] == ["intake_deadline_expired", "referred"]
    assert rows[0]["intake_expired"]
    assert evaluation.race_group(Demographics(("White", "Asian"))) == "multiracial"


def test_evaluation_an_empty_demographics_block_keeps_the_earlier_answer() -> None:
    first = Referral("social_contact", T0, Demographics(("Native American",), "hispanic", "man"))
    p = referred(first)
    refer_again(p, social_contact(T0 + days(1)))
    rows = evaluation_rows(Stream().take(p))
    assert [r["race"] for r in rows] == ["Native American", "Native American"]
    assert [r["ethnicity"] for r in rows] == ["hispanic", "hispanic"]


# ----- capacity and deadlines ------------------------------------------------------------


def test_capacity_counts_equal_the_write_sides() -> None:
    caseloads = Caseloads.open(cm_stamp())
    maria, jon = uuid4(), uuid4()
    caseloads.register_case_manager(maria, "Maria", cm_stamp())
    caseloads.register_case_manager(jon, "Jon", cm_stamp())
    people = [uuid4() for _ in range(5)]
    for person in people:
        caseloads.assign(person, maria, 25, 1, cm_stamp())
    caseloads.assign(people[0], jon, 25, 1, cm_stamp())
    caseloads.release(people[1], cm_stamp())
    policy = SitePolicy.adopt(PolicyTerms(caseload_max=9, caseload_average_threshold=7), stamp())
    policy.change(PolicyTerms(caseload_max=12, caseload_average_threshold=8), stamp())
    stream = Stream()
    changes = capacity.fold(stream.take(caseloads) + stream.take(policy))
    counts: dict[UUID, int] = {}
    for row in changes.assignment_rows():
        counts[row["case_manager_id"]] = counts.get(row["case_manager_id"], 0) + 1
    assert counts == {cm: n for cm, n in caseloads.counts().items() if n}
    assert changes.released() == [people[1]]
    assert [m["name"] for m in changes.managers] == ["Maria", "Jon"]
    assert changes.policy == {
        "id": 1,
        "version": 2,
        "caseload_max": 12,
        "caseload_average_threshold": 8,
    }


def test_deadline_rows_open_extend_and_close() -> None:
    p = referred()
    rows = DeadlineRows([])
    p.extend_intake_deadline(T0 + days(45), "sgt-1", "specific_reason", "", "spd", stamp())
    for _, event in Stream().take(p):
        fold_deadline(rows, event)
    [row] = rows.written()
    assert (row["deadline"], row["open"]) == (T0 + days(45), True)
    enroll(p, T0 + days(3))
    for _, event in Stream().take(p):
        fold_deadline(rows, event)
    assert rows.written()[0]["open"] is False
    social = referred(social_contact())
    for _, event in Stream().take(social):
        fold_deadline(rows, event)
    assert len(rows.written()) == 1  # no deadline for a social contact referral
