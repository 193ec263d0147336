"""Golden Rule 1 on the write side: information shares judged against the ROI at share time
(refused attempts recorded too), and adverse actions recorded with their basis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.authority import Command
from domain.base import Stamp
from domain.coordination import Coordination, check_share, coordination_id
from domain.errors import NotFound
from domain.legal_errors import RoiDoesNotCover
from domain.legal_matter import LegalMatter
from domain.legal_values import Basis
from domain.participant import Participant
from infra.clock import Clock
from services.context import Outcome, RequestContext
from services.legal_coordination.store import LegalRepository
from services.repository import Repository
from services.results import (
    AdverseActionRecorded,
    ReportRequestRecorded,
    ShareRecorded,
    ShareRefused,
)
from services.unit_of_work import Decision, UnitOfWork
from services.write_service import WriteService

ShareAnswer = ShareRecorded | ShareRefused


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


@dataclass(frozen=True)
class ReportRequestCommand:
    kind: str
    requested_at: datetime
    note: str = ""


@dataclass(frozen=True)
class ReportAnswer:
    answer: str
    answered_at: datetime


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
    ) -> Outcome[ShareRecorded]:
        """The share; a refusal is saved first, then raised as RoiDoesNotCover (and raised
        again when the same Idempotency-Key replays it)."""
        self.check_times(shared_at=share.shared_at)
        share_id = uuid4()

        def decide(stamp: Stamp) -> Decision[ShareAnswer]:
            participant = self.gate.participant(
                ctx, Command.SHARE_INFORMATION, participant_id, stamp.recorded_at
            )
            record = self.legal.coordination(participant_id, stamp)
            check = check_share(
                participant.rois, share.recipient_agency, share.category, share.shared_at
            )
            recipient = (share.recipient_agency, share.category)
            record.share(share_id, check, recipient, share.summary, share.shared_at, stamp)
            if check.refusal is not None:
                return Decision([record], refused(share_id, check.refusal), refused=True)
            assert check.roi_id is not None
            return Decision([record], ShareRecorded(share_id, participant_id, check.roi_id))

        outcome: Outcome[ShareAnswer] = self.uow.run(ctx, decide, ShareAnswer)
        result = outcome.result
        if isinstance(result, ShareRefused):
            attempt = str(result.attempt_id)
            raise RoiDoesNotCover(result.detail, result.reason, attempt, outcome.position)
        return Outcome(result, outcome.position, outcome.replayed)

    def record_adverse_action(
        self, ctx: RequestContext, participant_id: UUID, action: AdverseActionCommand
    ) -> Outcome[AdverseActionRecorded]:
        self.check_times(taken_at=action.taken_at)
        action_id = uuid4()

        def decide(stamp: Stamp) -> Decision[AdverseActionRecorded]:
            participant = self.gate.participant(
                ctx, Command.RECORD_ADVERSE_ACTION, participant_id, stamp.recorded_at
            )
            record = self.legal.coordination(participant_id, stamp)
            if action.matter_id is not None:
                self.check_matter(ctx, participant, record, action.matter_id, stamp)
            record.record_adverse_action(
                action_id,
                action.kind,
                action.matter_id,
                action.basis,
                action.note,
                action.taken_at,
                stamp,
            )
            recorded = AdverseActionRecorded(action_id, participant_id, action.basis.declared)
            return Decision([record], recorded)

        return self.uow.run(ctx, decide, AdverseActionRecorded)

    def request_report(
        self, ctx: RequestContext, participant_id: UUID, request: ReportRequestCommand
    ) -> Outcome[ReportRequestRecorded]:
        """A justice partner asks case management to report; a violation report is a flag."""
        self.check_times(requested_at=request.requested_at)
        request_id = uuid4()

        def decide(stamp: Stamp) -> Decision[ReportRequestRecorded]:
            self.gate.participant(ctx, Command.REQUEST_REPORT, participant_id, stamp.recorded_at)
            record = self.legal.coordination(participant_id, stamp)
            record.request_report(
                request_id, request.kind, request.note, request.requested_at, stamp
            )
            made = ReportRequestRecorded(request_id, participant_id, request.kind)
            return Decision([record], made)

        return self.uow.run(ctx, decide, ReportRequestRecorded)

    def answer_report_request(
        self, ctx: RequestContext, participant_id: UUID, request_id: UUID, answer: ReportAnswer
    ) -> Outcome[ReportRequestRecorded]:
        self.check_times(answered_at=answer.answered_at)

        def decide(stamp: Stamp) -> Decision[ReportRequestRecorded]:
            self.gate.participant(
                ctx, Command.ANSWER_REPORT_REQUEST, participant_id, stamp.recorded_at
            )
            record = self.legal.find(Coordination, coordination_id(participant_id))
            if record is None:
                raise NotFound(f"report request {request_id} not found")
            record.answer_report_request(request_id, answer.answer, answer.answered_at, stamp)
            kind = record.report_requests[request_id].kind
            answered = ReportRequestRecorded(request_id, participant_id, kind, answer.answer)
            return Decision([record], answered)

        return self.uow.run(ctx, decide, ReportRequestRecorded)

    def check_matter(
        self,
        ctx: RequestContext,
        participant: Participant,
        record: Coordination,
        matter_id: UUID,
        stamp: Stamp,
    ) -> None:
        """The matter must be this participant's and one the caller may see: another's is
        answered as if it did not exist."""
        matter = self.legal.find(LegalMatter, matter_id)
        record.check_matter_is_ours(matter.participant_id if matter else None)
        assert matter is not None
        if not self.gate.record(ctx, participant, stamp.recorded_at).sees_matter(matter):
            record.check_matter_is_ours(None)


def refused(attempt_id: UUID, reason: str) -> ShareRefused:
    detail = f"no ROI in force covers this share ({reason.replace('_', ' ')}); nothing was shared"
    return ShareRefused(attempt_id, reason, detail)
