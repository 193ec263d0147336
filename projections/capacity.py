"""Capacity: who carries whom, and the caseload policy in force. The accepting flags are not
stored: the query hands the counts to the write side's own rule (`assess_capacity`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Integer,
    Table,
    Text,
    Uuid,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.capacity import Capacity, assess_capacity
from domain.caseloads import Caseloads
from domain.policy import SitePolicy
from domain.values import PolicyTerms
from infra.tables import metadata
from projections.directory import participant_directory as directory
from projections.engine import BatchProjection, Item
from projections.sql import Row, delete_many, upsert_many

C = Caseloads

capacity_case_managers = Table(
    "capacity_case_managers",
    metadata,
    Column("case_manager_id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    Column("registered_position", BigInteger, nullable=False),
    Column("retired_at", DateTime(timezone=True), nullable=True),  # issue 16
)
capacity_assignments = Table(
    "capacity_assignments",
    metadata,
    Column("participant_id", Uuid, primary_key=True),
    Column("case_manager_id", Uuid, nullable=False, index=True),
)
capacity_policy = Table(
    "capacity_policy",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("caseload_max", Integer, nullable=False),
    Column("caseload_average_threshold", Integer, nullable=False),
)


class CapacityProjection(BatchProjection):
    name = "capacity"
    tables = (capacity_case_managers, capacity_assignments, capacity_policy)
    topics = frozenset(
        get_topic(cls)
        for cls in (
            C.CaseManagerRegistered,
            C.CaseManagerRetired,
            C.CaseManagerReactivated,
            C.ParticipantAssigned,
            C.ParticipantReleased,
            SitePolicy.Adopted,
            SitePolicy.Changed,
        )
    )

    def apply_batch(self, conn: Connection, items: list[Item]) -> None:
        changes = fold(items)
        upsert_many(conn, capacity_case_managers, changes.managers, keys=["case_manager_id"])
        for case_manager_id, retired_at in changes.retired.items():
            managers = capacity_case_managers
            conn.execute(
                update(managers)
                .where(managers.c.case_manager_id == case_manager_id)
                .values(retired_at=retired_at)
            )
        table = capacity_assignments
        delete_many(conn, table, table.c.participant_id, changes.released())
        upsert_many(conn, table, changes.assignment_rows(), keys=["participant_id"])
        if changes.policy is not None:
            upsert_many(conn, capacity_policy, [changes.policy], keys=["id"])


@dataclass
class CapacityChanges:
    managers: list[Row] = field(default_factory=list)
    assigned: dict[UUID, UUID | None] = field(default_factory=dict)  # None: released
    retired: dict[UUID, datetime | None] = field(default_factory=dict)  # None: reactivated
    policy: Row | None = None

    def released(self) -> list[UUID]:
        return [participant for participant, cm in self.assigned.items() if cm is None]

    def assignment_rows(self) -> list[Row]:
        return [
            {"participant_id": participant, "case_manager_id": cm}
            for participant, cm in self.assigned.items()
            if cm is not None
        ]


def fold(items: list[Item]) -> CapacityChanges:
    """A batch's changes; later events win, so each participant's last word is written."""
    changes = CapacityChanges()
    for position, event in items:
        if isinstance(event, C.CaseManagerRegistered):
            changes.managers.append(
                {
                    "case_manager_id": event.case_manager_id,
                    "name": event.name,
                    "registered_position": position,
                }
            )
        elif isinstance(event, C.CaseManagerRetired):
            changes.retired[event.case_manager_id] = event.occurred_at
        elif isinstance(event, C.CaseManagerReactivated):
            changes.retired[event.case_manager_id] = None
        elif isinstance(event, C.ParticipantAssigned):
            changes.assigned[event.participant_id] = event.case_manager_id
        elif isinstance(event, C.ParticipantReleased):
            changes.assigned[event.participant_id] = None
        elif isinstance(event, SitePolicy.Adopted | SitePolicy.Changed):
            changes.policy = policy_row(event)
    return changes


def policy_row(event: Any) -> Row:
    terms: PolicyTerms = event.terms
    return {
        "id": 1,
        "version": event.originator_version,
        "caseload_max": terms.caseload_max,
        "caseload_average_threshold": terms.caseload_average_threshold,
    }


@dataclass(frozen=True)
class CapacityRead:
    case_managers: list[tuple[UUID, str, int, datetime | None]]  # id, name, caseload, retired
    terms: PolicyTerms
    policy_version: int
    capacity: Capacity


async def read_capacity(conn: AsyncConnection) -> CapacityRead:
    managers, assignments = capacity_case_managers, capacity_assignments
    # People, not records: records linked into one person take one slot (issue 19), as the
    # write side counts them (Caseloads.people).
    person = func.coalesce(directory.c.linked_to, assignments.c.participant_id)
    counts = (
        select(assignments.c.case_manager_id, func.count(func.distinct(person)).label("caseload"))
        .select_from(
            assignments.outerjoin(
                directory, directory.c.participant_id == assignments.c.participant_id
            )
        )
        .group_by(assignments.c.case_manager_id)
        .subquery()
    )
    query = (
        select(
            managers.c.case_manager_id, managers.c.name, counts.c.caseload, managers.c.retired_at
        )
        .outerjoin(counts, counts.c.case_manager_id == managers.c.case_manager_id)
        .order_by(managers.c.registered_position)
    )
    rows = [
        (r.case_manager_id, r.name, int(r.caseload or 0), r.retired_at)
        for r in await conn.execute(query)
    ]
    policy = (await conn.execute(select(capacity_policy))).first()
    terms = PolicyTerms()  # the toolkit's defaults until the PCG first sets a policy
    if policy is not None:
        terms = PolicyTerms(
            caseload_max=policy.caseload_max,
            caseload_average_threshold=policy.caseload_average_threshold,
        )
    # The retired leave the figures: the rule is the write side's, over active case managers.
    active = {cm: count for cm, _, count, retired_at in rows if retired_at is None}
    capacity = assess_capacity(active, terms)
    return CapacityRead(rows, terms, policy.version if policy else 0, capacity)
