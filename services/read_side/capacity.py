"""Capacity for supervisors, police and prosecutors: read from its projection, judged by the
write side's own rule, so the flags say what the next referral will meet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.capacity import Capacity
from domain.values import PolicyTerms
from projections.capacity import CapacityProjection, read_capacity
from projections.directory import DirectoryProjection
from projections.freshness import Freshness


@dataclass(frozen=True)
class CaseManagerLoad:
    case_manager_id: UUID
    name: str
    caseload: int


@dataclass(frozen=True)
class RosterEntry(CaseManagerLoad):
    retired_at: datetime | None


@dataclass(frozen=True)
class CapacityFigures:
    case_managers: list[CaseManagerLoad]
    average_caseload: float
    caseload_max: int
    caseload_average_threshold: int
    accepting_priority_referrals: bool
    accepting_post_filing_referrals: bool
    policy_version: int


def capacity_figures(
    loads: list[CaseManagerLoad], terms: PolicyTerms, version: int, capacity: Capacity
) -> CapacityFigures:
    return CapacityFigures(
        case_managers=loads,
        average_caseload=round(capacity.average, 2),
        caseload_max=terms.caseload_max,
        caseload_average_threshold=terms.caseload_average_threshold,
        accepting_priority_referrals=capacity.accepting_priority_referrals,
        accepting_post_filing_referrals=capacity.accepting_post_filing_referrals,
        policy_version=version,
    )


class CapacityView:
    def __init__(self, engine: AsyncEngine, freshness: Freshness) -> None:
        self.engine = engine
        self.freshness = freshness

    async def figures(self, min_position: int | None = None) -> tuple[CapacityFigures, int]:
        """The figures, and the position the view had reached."""
        position = await self.freshness.wait(CapacityProjection.name, min_position)
        await self.freshness.wait(DirectoryProjection.name, min_position)  # its links
        async with self.engine.connect() as conn:
            read = await read_capacity(conn)
        loads = [CaseManagerLoad(*row[:3]) for row in read.case_managers if row[3] is None]
        return capacity_figures(loads, read.terms, read.policy_version, read.capacity), position

    async def roster(self, min_position: int | None = None) -> list[RosterEntry]:
        """Every case manager, retired ones too, in registration order."""
        await self.freshness.wait(CapacityProjection.name, min_position)
        await self.freshness.wait(DirectoryProjection.name, min_position)
        async with self.engine.connect() as conn:
            read = await read_capacity(conn)
        return [RosterEntry(*row) for row in read.case_managers]
