"""What the candidate search raised for the new records a page of the log opened, for the
notification their `Referred` events make. The search is a projection: before telling of an
event, the log has it run that far (this process's own batches of that one projection, raced
safely with any other projector), so the notification waits for the search, never for the
other views, and says the same whenever it is read."""

from __future__ import annotations

import contextlib
from collections.abc import Collection

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from domain.notifications import FoundPair
from projections.duplicate_queries import raised_by
from projections.duplicates import DuplicateCandidates
from projections.engine import Projector, ProjectorRaced
from projections.tables import projection_positions

SEARCH = DuplicateCandidates.name


class CandidateSearch:
    def __init__(self, engine: Engine, projector: Projector) -> None:
        self.engine = engine
        self.projector = projector.only(SEARCH)

    def searched_through(self, wanted: int) -> int:
        """How far the search has run, once it reaches `wanted` or can go no further now."""
        reached = self.position()
        while reached < wanted:
            with contextlib.suppress(ProjectorRaced, IntegrityError):
                self.projector.run_batch()
            moved = self.position()
            if moved == reached:
                return reached
            reached = moved
        return reached

    def position(self) -> int:
        table = projection_positions
        statement = select(table.c.position).where(table.c.name == SEARCH)
        with self.engine.connect() as conn:
            return int(conn.execute(statement).scalar() or 0)

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
