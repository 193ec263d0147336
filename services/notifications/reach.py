"""How far one projection has run, for a notification that tells what the projection made of
its event (the duplicate search's pairs, the Golden Rule view's flags from history). Before
telling of such an event, the log has the projection run that far (this process's own
batches of that one projection, raced safely with any other projector), so the notification
waits for that projection, never for the other views, and says the same whenever it is read."""

from __future__ import annotations

import contextlib

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from projections.engine import Projector, ProjectorRaced
from projections.tables import projection_positions


class ProjectionReach:
    name: str  # the projection a subclass tells the results of

    def __init__(self, engine: Engine, projector: Projector) -> None:
        self.engine = engine
        self.projector = projector.only(self.name)

    def through(self, wanted: int) -> int:
        """How far the projection has run, once it reaches `wanted` or can go no further now."""
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
        statement = select(table.c.position).where(table.c.name == self.name)
        with self.engine.connect() as conn:
            return int(conn.execute(statement).scalar() or 0)
