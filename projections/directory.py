"""The participant directory: one row per participant with what case managers and prosecutors
list and search by (status, case manager) and the summary a list shows. Status follows the
participant aggregate's own rule, from the same events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from sqlalchemy import JSON, BigInteger, Column, Connection, Date, DateTime, Table, Text, Uuid

from domain.participant import Participant
from domain.participant_state import Status
from domain.values import Demographics, Person
from infra.tables import metadata
from projections.engine import BatchProjection, Item
from projections.forgetting import FORGOTTEN_TOPIC, purge
from projections.relations import EVENTS as RELATION_EVENTS
from projections.relations import apply_relations, participant_relations
from projections.sql import Row, load_by_key, save_rows

P = Participant

participant_directory = Table(
    "participant_directory",
    metadata,
    Column("participant_id", Uuid, primary_key=True),
    Column("first_position", BigInteger, nullable=False, unique=True),  # the listing order
    Column("status", Text, nullable=False, index=True),
    Column("case_manager_id", Uuid, nullable=True, index=True),
    Column("given_name", Text, nullable=False),
    Column("family_name", Text, nullable=False),
    Column("date_of_birth", Date, nullable=True),
    Column("identifiers", JSON, nullable=False),
    Column("demographics", JSON, nullable=False),
    Column("referred_at", DateTime(timezone=True), nullable=False),
    Column("last_referred_at", DateTime(timezone=True), nullable=False),
    Column("enrolled_at", DateTime(timezone=True), nullable=True),
    Column("discharged_at", DateTime(timezone=True), nullable=True),
    Column("intake_deadline", DateTime(timezone=True), nullable=True),
    Column("open_deadlines", JSON, nullable=False),  # referral id -> deadline, while open
    Column("last_accepted_referral_id", Uuid, nullable=True),
    Column("last_accepted_status", Text, nullable=True),
    Column("linked_to", Uuid, nullable=True, index=True),  # the earlier record of the person
)


def status_of(row: Row) -> str:
    """`Participant.status`: discharged, else enrolled, else the last accepted referral's."""
    if row["discharged_at"] is not None:
        return Status.DISCHARGED
    if row["enrolled_at"] is not None:
        return Status.ENROLLED
    return row["last_accepted_status"] or Status.DECLINED


def on_referred(row: Row, event: Any) -> None:
    person: Person = event.person
    row |= {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
        "identifiers": identifier_rows(person.identifiers, event.meta.agency),
        "demographics": {},
        "referred_at": event.referral.referred_at,
        "enrolled_at": None,
        "discharged_at": None,
        "case_manager_id": None,
        "open_deadlines": {},
        "last_accepted_referral_id": None,
        "last_accepted_status": None,
        "linked_to": None,
    }
    on_referred_again(row, event)


def identifier_rows(identifiers: Any, agency: str) -> list[Row]:
    """Each with the agency whose referral recorded it (whose they are, if unregistered)."""
    return [{"system": i.system, "value": i.value, "agency": agency} for i in identifiers]


def on_referred_again(row: Row, event: Any) -> None:
    if isinstance(event, P.ReferredAgain) and event.identifiers:
        added = identifier_rows(event.identifiers, event.meta.agency)
        row["identifiers"] = [*row["identifiers"], *added]
    if row["discharged_at"] is not None and event.status == Status.REFERRED:
        row |= {"discharged_at": None, "enrolled_at": None}
    demographics: Demographics = event.referral.demographics
    if demographics != Demographics():
        row["demographics"] = {
            "race": list(demographics.race),
            "ethnicity": demographics.ethnicity,
            "gender": demographics.gender,
        }
    row["last_referred_at"] = event.referral.referred_at
    if event.status != Status.DECLINED:
        row |= {
            "last_accepted_referral_id": event.referral_id,
            "last_accepted_status": event.status,
        }
    if event.status == Status.REFERRED and event.intake_deadline is not None:
        set_deadline(row, event.referral_id, event.intake_deadline)


def set_deadline(row: Row, referral_id: UUID, deadline: datetime | None) -> None:
    """The open deadlines are JSON: ISO times by referral id (a new dict: JSON columns
    notice replacement, not mutation)."""
    deadlines = {k: v for k, v in row["open_deadlines"].items() if k != referral_id.hex}
    if deadline is not None:
        deadlines[referral_id.hex] = deadline.isoformat()
    row["open_deadlines"] = deadlines


def on_extended(row: Row, event: Any) -> None:
    if event.referral_id.hex in row["open_deadlines"]:
        set_deadline(row, event.referral_id, event.new_deadline)


def on_expired(row: Row, event: Any) -> None:
    set_deadline(row, event.referral_id, None)
    if row["last_accepted_referral_id"] == event.referral_id:
        row["last_accepted_status"] = Status.EXPIRED


FOLDS: dict[type[Any], Callable[[Row, Any], None]] = {
    P.Referred: on_referred,
    P.ReferredAgain: on_referred_again,
    P.IntakeDeadlineExtended: on_extended,
    P.IntakeDeadlineExpired: on_expired,
    P.Enrolled: lambda row, e: row.update(enrolled_at=e.occurred_at, open_deadlines={}),
    P.CaseManagerAssigned: lambda row, e: row.update(case_manager_id=e.case_manager_id),
    P.Discharged: lambda row, e: row.update(discharged_at=e.occurred_at, case_manager_id=None),
    P.Readmitted: lambda row, _: row.update(discharged_at=None),
    P.LinkedInto: lambda row, e: row.update(linked_to=e.into),
    P.LinkUndone: lambda row, _: row.update(linked_to=None),
}


def fold(row: Row, event: Any, position: int) -> None:
    """A participant's row, changed by one of their events (others: no change)."""
    if isinstance(event, P.Referred):
        row["first_position"] = position
    handler = FOLDS.get(type(event))
    if handler is not None:
        handler(row, event)


def finish(row: Row) -> Row:
    deadlines = [datetime.fromisoformat(d) for d in row["open_deadlines"].values()]
    return row | {"status": status_of(row), "intake_deadline": max(deadlines, default=None)}


class DirectoryProjection(BatchProjection):
    name = "participant_directory"
    tables = (participant_directory, participant_relations)
    topics = frozenset(get_topic(cls) for cls in (*FOLDS, *RELATION_EVENTS)) | {FORGOTTEN_TOPIC}

    def apply_batch(self, conn: Connection, items: list[Item]) -> None:
        self.fold_batch(conn, items)
        purge(conn, items, participant_directory.c.participant_id)
        purge(conn, items, participant_relations.c.participant_id)

    def fold_batch(self, conn: Connection, items: list[Item]) -> None:
        apply_relations(conn, [item for item in items if type(item[1]) in RELATION_EVENTS])
        items = [item for item in items if type(item[1]) in FOLDS]
        touched = {e.originator_id for _, e in items if not isinstance(e, P.Referred)}
        table = participant_directory
        rows: dict[UUID, Row] = load_by_key(conn, table, "participant_id", touched)
        known = set(rows)
        for position, event in items:
            row = rows.setdefault(event.originator_id, {"participant_id": event.originator_id})
            fold(row, event, position)
        finished = [finish(row) for row in rows.values()]
        save_rows(conn, table, finished, "participant_id", known)
