"""The Golden Rule flags the compliance view raised from what came before an event (a
diverted charge filed for an enrolled person, post-filing referrals crowding out priority
ones), for the `golden_rule.flag_raised` notification, once the view has run past the
event (`reach.py`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import Engine

from domain.golden_rule import FROM_HISTORY
from domain.notifications import HistoryFlag
from projections.compliance import ComplianceProjection
from projections.compliance_queries import raised_at
from projections.compliance_tables import SEQ_SPAN
from projections.engine import Projector
from services.notifications.reach import ProjectionReach


class HistoryFlags(ProjectionReach):
    def __init__(self, engine: Engine, projector: Projector) -> None:
        super().__init__(engine, projector, ComplianceProjection.name)

    def raised(self, positions: Collection[int]) -> dict[int, list[HistoryFlag]]:
        """The flags from history each event at these positions raised, in the view's order."""
        if not positions:
            return {}
        found: dict[int, list[HistoryFlag]] = defaultdict(list)
        with self.engine.connect() as conn:
            rows = raised_at(conn, positions, FROM_HISTORY)
        for row in rows:
            flag = HistoryFlag(row["flag_id"], row["rule"], row["status"], row["participant_id"])
            found[row["seq"] // SEQ_SPAN].append(flag)
        return dict(found)
