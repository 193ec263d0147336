"""Read-your-writes for every view: a read that names `min_position` (a write's position)
waits, at most a few seconds, until the projection has applied it, nudging the projector from
a worker thread meanwhile so it works with or without the background loop."""

from __future__ import annotations

import contextlib
import time

import anyio
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError, InvalidInput
from projections.engine import Projector, ProjectorRaced
from projections.tables import projection_positions

WAIT_SECONDS = 5.0
POLL_SECONDS = 0.02


class ProjectionNotCaughtUp(DomainError):
    """Raised when a view has not reached the position a reader asked for within the wait."""

    def __init__(self, name: str, wanted: int, reached: int) -> None:
        super().__init__(
            f"the {name} view has reached position {reached}, not yet {wanted}; retry shortly"
        )
        self.extensions: dict[str, object] = {"projection": name, "position": reached}


class PositionNotIssued(InvalidInput):
    """Raised when a reader waits for a position no write has been given yet."""


class Freshness:
    def __init__(
        self, engine: AsyncEngine, projector: Projector, wait_seconds: float = WAIT_SECONDS
    ) -> None:
        self.engine = engine
        self.projector = projector
        self.wait_seconds = wait_seconds
        self.nudging = False

    async def wait(self, name: str, min_position: int | None) -> int:
        """The projection's position, once it is at least `min_position`."""
        wanted = min_position or 0
        reached = await self.position(name)
        if reached >= wanted:
            return reached
        await self.check_issued(wanted)
        give_up = time.monotonic() + self.wait_seconds
        while (reached := await self.position(name)) < wanted:
            if time.monotonic() >= give_up:
                raise ProjectionNotCaughtUp(name, wanted, reached)
            if not await self.nudge():
                await anyio.sleep(POLL_SECONDS)
        return reached

    async def check_issued(self, wanted: int) -> None:
        """Positions are handed out after their commit, so one beyond the store's newest
        was never issued: waiting could not help."""
        head = await anyio.to_thread.run_sync(self.projector.store.table.head)
        if wanted > head:
            raise PositionNotIssued(
                f"min_position {wanted} is beyond the newest event ({head})", field="min_position"
            )

    async def position(self, name: str) -> int:
        table = projection_positions
        statement = select(table.c.position).where(table.c.name == name)
        async with self.engine.connect() as conn:
            found = (await conn.execute(statement)).scalar()
        return int(found or 0)

    async def nudge(self) -> bool:
        """One projector batch on a worker thread; one at a time per process (the others
        just poll). False when nothing was applied here."""
        if self.nudging:
            return False
        self.nudging = True
        try:
            return await anyio.to_thread.run_sync(self.run_batch) > 0
        finally:
            self.nudging = False

    def run_batch(self) -> int:
        # Another projector (the background loop, another process) applying the same batch
        # wins the race, or creates the position row first: its result is what we wait for.
        with contextlib.suppress(ProjectorRaced, IntegrityError):
            return self.projector.run_batch()
        return 0
