"""Capacity for supervisors, police and prosecutors: read from its projection, judged by the
write side's own rule, so the flags say what the next referral will meet."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from projections.capacity import CapacityProjection, read_capacity
from projections.freshness import Freshness


class CapacityView:
    def __init__(self, engine: AsyncEngine, freshness: Freshness) -> None:
        self.engine = engine
        self.freshness = freshness

    async def body(self, min_position: int | None = None) -> dict[str, Any]:
        position = await self.freshness.wait(CapacityProjection.name, min_position)
        async with self.engine.connect() as conn:
            read = await read_capacity(conn)
        return {
            "case_managers": [
                {"case_manager_id": str(cm), "name": name, "caseload": caseload}
                for cm, name, caseload in read.case_managers
            ],
            "average_caseload": round(read.capacity.average, 2),
            "caseload_max": read.terms.caseload_max,
            "caseload_average_threshold": read.terms.caseload_average_threshold,
            "accepting_priority_referrals": read.capacity.accepting_priority_referrals,
            "accepting_post_filing_referrals": read.capacity.accepting_post_filing_referrals,
            "policy_version": read.policy_version,
            "position": position,
        }
