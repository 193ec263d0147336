"""What the candidate search raised for the new records a page of the log opened, for the
notification their `Referred` events make, once the search has run that far (`reach.py`)."""

from __future__ import annotations

from collections.abc import Collection

from domain.notifications import FoundPair
from projections.duplicate_queries import raised_by
from projections.duplicates import DuplicateCandidates
from services.notifications.reach import ProjectionReach


class CandidateSearch(ProjectionReach):
    name = DuplicateCandidates.name

    def pairs(self, positions: Collection[int]) -> dict[int, list[FoundPair]]:
        """The pairs each `Referred` event at these positions raised, best first."""
        if not positions:
            return {}
        with self.engine.connect() as conn:
            found = raised_by(conn, positions)
        return {
            position: [
                FoundPair(
                    row["candidate_id"],
                    row["earlier_id"],
                    row["later_id"],
                    row["grade"],
                    tuple(row["reasons"]),
                )
                for row in rows
            ]
            for position, rows in found.items()
        }
