"""Commands on an enrolled-or-referred participant: intake, ROI, deadline, caseload,
engagement, discharge, the non-return request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID, uuid4

from domain.base import Stamp
from domain.participant import Participant
from services.context import Outcome, RequestContext
from services.results import DeadlineExtended, ParticipantChanged, RoiSigned
from services.unit_of_work import Decision
from services.write_service import WriteService

R = TypeVar("R")
Changed = Outcome[ParticipantChanged]


def changed(participant: Participant) -> ParticipantChanged:
    return ParticipantChanged(participant.id, participant.status, participant.version)


class ParticipantService(WriteService):
    def command(
        self,
        ctx: RequestContext,
        participant_id: UUID,
        act: Callable[[Participant, Stamp], object],
        **business_times: datetime | None,
    ) -> Changed:
        """A command whose answer is the participant's status and new version."""

        def changing(participant: Participant, stamp: Stamp) -> ParticipantChanged:
            act(participant, stamp)
            return changed(participant)

        return self.run(ctx, participant_id, changing, ParticipantChanged, **business_times)

    def run(
        self,
        ctx: RequestContext,
        participant_id: UUID,
        act: Callable[[Participant, Stamp], R],
        answer_type: type[R],
        **business_times: datetime | None,
    ) -> Outcome[R]:
        """Load, act, save: the shape every participant command shares."""
        self.check_times(**business_times)

        def decide(stamp: Stamp) -> Decision[R]:
            participant = self.repository.participant(participant_id, ctx.expected_version)
            return Decision([participant], act(participant, stamp))

        return self.uow.run(ctx, decide, answer_type)

    def complete_intake(
        self, ctx: RequestContext, participant_id: UUID, completed_at: datetime, plan_summary: str
    ) -> Changed:
        return self.command(
            ctx,
            participant_id,
            lambda p, s: p.complete_intake(completed_at, plan_summary, s),
            completed_at=completed_at,
        )

    def sign_roi(
        self,
        ctx: RequestContext,
        participant_id: UUID,
        signed_at: datetime,
        agencies: tuple[str, ...],
        categories: tuple[str, ...],
        expires_at: datetime | None,
    ) -> Outcome[RoiSigned]:
        roi_id = uuid4()

        def act(p: Participant, s: Stamp) -> RoiSigned:
            p.sign_roi(roi_id, signed_at, agencies, categories, expires_at, s)
            return RoiSigned(p.id, p.status, p.version, roi_id)

        return self.run(ctx, participant_id, act, RoiSigned, signed_at=signed_at)

    def revoke_roi(
        self, ctx: RequestContext, participant_id: UUID, revoked_at: datetime, reason: str | None
    ) -> Changed:
        return self.command(
            ctx,
            participant_id,
            lambda p, s: p.revoke_roi(revoked_at, reason, s),
            revoked_at=revoked_at,
        )

    def extend_intake_deadline(
        self,
        ctx: RequestContext,
        participant_id: UUID,
        new_deadline: datetime,
        agreed_by: str,
        reason: str,
        note: str,
    ) -> Outcome[DeadlineExtended]:
        def act(p: Participant, s: Stamp) -> DeadlineExtended:
            p.extend_intake_deadline(new_deadline, agreed_by, reason, note, ctx.agency, s)
            return DeadlineExtended(p.id, p.status, p.version, p.intake_deadline)

        return self.run(ctx, participant_id, act, DeadlineExtended)

    def record_contact(
        self, ctx: RequestContext, participant_id: UUID, contacted_at: datetime, kind: str
    ) -> Changed:
        return self.command(
            ctx,
            participant_id,
            lambda p, s: p.record_contact(contacted_at, kind, s),
            contacted_at=contacted_at,
        )

    def grant_non_return_exception(
        self, ctx: RequestContext, participant_id: UUID, agreed_by: str, reason: str
    ) -> Changed:
        return self.command(
            ctx, participant_id, lambda p, s: p.grant_non_return_exception(agreed_by, reason, s)
        )

    def report_non_return_violation(
        self, ctx: RequestContext, participant_id: UUID, observed_at: datetime, note: str
    ) -> Changed:
        return self.command(
            ctx,
            participant_id,
            lambda p, s: p.report_non_return_violation(observed_at, note, s),
            observed_at=observed_at,
        )

    def readmit(
        self, ctx: RequestContext, participant_id: UUID, readmitted_at: datetime, note: str
    ) -> Changed:
        return self.command(
            ctx,
            participant_id,
            lambda p, s: p.readmit(readmitted_at, note, s),
            readmitted_at=readmitted_at,
        )
