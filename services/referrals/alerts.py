"""Time-based alerts (issue 17), raised by the deadline worker on each tick: an intake deadline
within `intake_reminder_days`, a ROI expiring within `roi_expiry_reminder_days`, a held filing
at its review date. Each is an event of the aggregate it concerns (so it is in the history and
reaches partners as a notification); the aggregate raises each at most once, whatever the
number of workers or ticks."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from uuid import UUID

import structlog
from eventsourcing.domain import Aggregate
from sqlalchemy import Engine

from domain.base import Stamp
from infra.clock import Clock
from projections.alerts_due import holds_due, intake_deadlines_near, rois_expiring
from services.context import RequestContext
from services.legal_coordination.store import LegalRepository
from services.repository import Repository
from services.set_aside import done_each
from services.unit_of_work import Decision, UnitOfWork

log = structlog.get_logger(__name__)
Raise = Callable[[Stamp], tuple[list[Aggregate], bool]]


class AlertWorker:
    def __init__(
        self,
        repository: Repository,
        legal: LegalRepository,
        uow: UnitOfWork,
        engine: Engine,
        clock: Clock,
        context: RequestContext,
    ) -> None:
        self.repository = repository
        self.legal = legal
        self.uow = uow
        self.engine = engine
        self.clock = clock
        self.context = context

    def tick(self) -> int:
        """Raise every alert now due; the count raised."""
        terms = self.repository.terms()
        now = self.clock.now()
        with self.engine.connect() as conn:
            intakes = intake_deadlines_near(conn, now, terms.intake_reminder_days)
            rois = rois_expiring(conn, now, terms.roi_expiry_reminder_days)
            holds = holds_due(conn, now)
        days = terms.intake_reminder_days
        raised = done_each((partial(self.intake, p, r, days) for p, r in intakes), "intake_alert")
        days = terms.roi_expiry_reminder_days
        raised += done_each((partial(self.roi, p, roi, days) for p, roi in rois), "roi_alert")
        raised += done_each((partial(self.hold, matter) for matter in holds), "hold_alert")
        if raised:
            log.info("alerts_raised", count=raised)
        return raised

    def intake(self, participant_id: UUID, referral_id: UUID, days: int) -> bool:
        def alert(stamp: Stamp) -> tuple[list[Aggregate], bool]:
            participant = self.repository.participant(participant_id)
            return [participant], participant.alert_intake_deadline(referral_id, days, stamp)

        return self.run(alert)

    def roi(self, participant_id: UUID, roi_id: UUID, days: int) -> bool:
        def alert(stamp: Stamp) -> tuple[list[Aggregate], bool]:
            participant = self.repository.participant(participant_id)
            return [participant], participant.alert_roi_expiry(roi_id, days, stamp)

        return self.run(alert)

    def hold(self, matter_id: UUID) -> bool:
        def alert(stamp: Stamp) -> tuple[list[Aggregate], bool]:
            matter = self.legal.matter(matter_id)
            return [matter], matter.alert_hold_review(stamp)

        return self.run(alert)

    def run(self, alert: Raise) -> bool:
        written = False

        def decide(stamp: Stamp) -> Decision[None]:
            nonlocal written
            aggregates, written = alert(stamp)
            return Decision(aggregates if written else [], None)

        self.uow.run(self.context, decide, type(None))
        return written
