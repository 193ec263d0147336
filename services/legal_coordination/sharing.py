"""Golden Rule 1 on the write side: information shares judged against the ROI at share time
(refused attempts recorded too), and adverse actions recorded with their basis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.base import Stamp
from domain.coordination import Coordination, check_share
from domain.legal_errors import RoiDoesNotCover
from domain.legal_matter import LegalMatter
from domain.legal_values import Basis
from infra.clock import Clock
from services.context import Outcome, RequestContext
from services.jsonable import json_object
from services.legal_coordination.store import LegalRepository
from services.repository import Repository
from services.unit_of_work import Decision, UnitOfWork
from services.write_service import WriteService

REFUSED = 403


@dataclass(frozen=True)
class ShareCommand:
    recipient_agency: str
    category: str
    summary: str
    shared_at: datetime


@dataclass(frozen=True)
class AdverseActionCommand:
    kind: str
    taken_at: datetime
    basis: Basis
    matter_id: UUID | None = None
    note: str = ""


class CoordinationService(WriteService):
    def __init__(
        self,
        repository: Repository,
        legal: LegalRepository,
        uow: UnitOfWork,
        clock: Clock,
        skew: timedelta,
    ) -> None:
        super().__init__(repository, uow, clock, skew)
        self.legal = legal

    def share_information(
        self, ctx: RequestContext, participant_id: UUID, share: ShareCommand
    ) -> Outcome:
        """201 with the share id; a refusal is saved first, then raised as RoiDoesNotCover
        (and raised again when the same Idempotency-Key replays it)."""
        self.check_times(shared_at=share.shared_at)
        share_id = uuid4()

        def decide(stamp: Stamp) -> Decision:
            participant = self.repository.participant(participant_id, ctx.expected_version)
            record = self.legal.coordination(participant_id, stamp)
            check = check_share(
                participant.rois, share.recipient_agency, share.category, share.shared_at
            )
            recipient = (share.recipient_agency, share.category)
            record.share(share_id, check, recipient, share.summary, share.shared_at, stamp)
            if check.refusal is not None:
                return Decision([record], refusal_body(share_id, check.refusal), REFUSED)
            body = {"share_id": share_id, "participant_id": participant_id, "roi_id": check.roi_id}
            return Decision([record], json_object(body))

        outcome = self.uow.run(ctx, 201, decide)
        if outcome.status == REFUSED:
            body = outcome.body
            raise RoiDoesNotCover(
                body["detail"], body["reason"], body["attempt_id"], outcome.position
            )
        return outcome

    def record_adverse_action(
        self, ctx: RequestContext, participant_id: UUID, action: AdverseActionCommand
    ) -> Outcome:
        self.check_times(taken_at=action.taken_at)
        action_id = uuid4()

        def decide(stamp: Stamp) -> Decision:
            self.repository.participant(participant_id, ctx.expected_version)
            record = self.legal.coordination(participant_id, stamp)
            if action.matter_id is not None:
                self.check_matter(record, action.matter_id)
            record.record_adverse_action(
                action_id,
                action.kind,
                action.matter_id,
                action.basis,
                action.note,
                action.taken_at,
                stamp,
            )
            body = {
                "action_id": action_id,
                "participant_id": participant_id,
                "basis_declared": action.basis.declared,
            }
            return Decision([record], json_object(body))

        return self.uow.run(ctx, 201, decide)

    def check_matter(self, record: Coordination, matter_id: UUID) -> None:
        matter = self.legal.find(LegalMatter, matter_id)
        record.check_matter_is_ours(matter.participant_id if matter else None)


def refusal_body(attempt_id: UUID, reason: str) -> dict[str, object]:
    detail = f"no ROI in force covers this share ({reason.replace('_', ' ')}); nothing was shared"
    return {"attempt_id": str(attempt_id), "reason": reason, "detail": detail}
