"""The Golden Rule flags the compliance view raised from what came before an event (a
diverted charge filed for an enrolled person, post-filing referrals crowding out priority
ones), for the `golden_rule.flag_raised` notification, once the view has run past the
event (`reach.py`)."""

from __future__ import annotations

from collections.abc import Collection

from domain.golden_rule import FROM_HISTORY
from domain.notifications import HistoryFlag
from projections.compliance import ComplianceProjection
from projections.compliance_queries import raised_at
from services.notifications.reach import ProjectionReach


class HistoryFlags(ProjectionReach):
    name = ComplianceProjection.name

    def raised(self, positions: Collection[int]) -> dict[int, list[HistoryFlag]]:
        """The flags from history each event at these positions raised, in the view's order."""
        if not positions:
            return {}
        with self.engine.connect() as conn:
            found = raised_at(conn, positions, FROM_HISTORY)
        return {
            position: [
                HistoryFlag(row["flag_id"], row["rule"], row["status"], row["participant_id"])
                for row in rows
            ]
            for position, rows in found.items()
        }
