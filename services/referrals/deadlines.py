"""The intake-deadline policy: when a deadline passes without intake, expiry is recorded as
an event. Runs in `leadctl serve` (background) or alone as `leadctl worker`."""

from __future__ import annotations

from functools import partial
from uuid import UUID

import structlog
from sqlalchemy import Engine

from domain.base import Meta, Stamp
from infra.clock import Clock
from projections.deadlines import due_deadlines
from projections.engine import Projector
from services.context import RequestContext
from services.repository import Repository
from services.set_aside import done_each
from services.unit_of_work import Decision, UnitOfWork

log = structlog.get_logger(__name__)

WORKER_META = Meta(
    actor="deadline-worker", client_id="lead-service", agency="lead-service", role="system"
)


class DeadlineWorker:
    def __init__(
        self,
        repository: Repository,
        uow: UnitOfWork,
        projector: Projector,
        engine: Engine,
        clock: Clock,
    ) -> None:
        self.repository = repository
        self.uow = uow
        self.projector = projector
        self.engine = engine
        self.clock = clock

    def tick(self) -> int:
        """Catch the deadline index up, then expire every due deadline; the count written.
        The aggregate decides whether expiry is still due, so two workers (or a replay)
        never write the same expiry twice."""
        self.projector.run_until_caught_up()
        with self.engine.connect() as conn:
            due = due_deadlines(conn, self.clock.now())
        expired = done_each((partial(self.expire, p, r) for p, r in due), "intake_deadline")
        if expired:
            self.projector.run_until_caught_up()
            log.info("intake_deadlines_expired", count=expired)
        return expired

    def expire(self, participant_id: UUID, referral_id: UUID) -> bool:
        written = False

        def decide(stamp: Stamp) -> Decision[None]:
            nonlocal written
            participant = self.repository.participant(participant_id)
            written = participant.expire_intake_deadline(referral_id, stamp)
            return Decision([participant] if written else [], None)

        self.uow.run(RequestContext(WORKER_META), decide, type(None))
        return written
