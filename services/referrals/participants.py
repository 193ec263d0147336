"""Commands on an enrolled-or-referred participant: intake, ROI, deadline, caseload,
engagement, discharge, the non-return request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID, uuid4

from domain.authority import Command
from domain.base import Stamp
from domain.consent import Replaces
from domain.errors import InvalidInput
from domain.participant import Participant
from infra.clock import Clock
from services.agencies import KnownAgencies, check_known
from services.context import Outcome, RequestContext
from services.repository import Repository
from services.results import DeadlineExtended, ParticipantChanged, RoiRevoked, RoiSigned
from services.unit_of_work import Decision, UnitOfWork
from services.write_service import WriteService

R = TypeVar("R")
Changed = Outcome[ParticipantChanged]


def changed(participant: Participant) -> ParticipantChanged:
    return ParticipantChanged(participant.id, participant.status, participant.version)


@dataclass(frozen=True)
class RoiSigning:
    signed_at: datetime
    agencies: tuple[str, ...]
    categories: tuple[str, ...]
    expires_at: datetime | None = None
    replaces: Replaces = ()


class ParticipantService(WriteService):
    def __init__(
        self,
        repository: Repository,
        uow: UnitOfWork,
        clock: Clock,
        skew: timedelta,
        agencies: KnownAgencies,
    ) -> None:
        super().__init__(repository, uow, clock, skew)
        self.agencies = agencies

    def command(
        self,
        ctx: RequestContext,
        command: Command,
        participant_id: UUID,
        act: Callable[[Participant, Stamp], object],
        **business_times: datetime | None,
    ) -> Changed:
        """A command whose answer is the participant's status and new version."""

        def changing(participant: Participant, stamp: Stamp) -> ParticipantChanged:
            act(participant, stamp)
            return changed(participant)

        return self.run(
            ctx, command, participant_id, changing, ParticipantChanged, **business_times
        )

    def run(
        self,
        ctx: RequestContext,
        command: Command,
        participant_id: UUID,
        act: Callable[[Participant, Stamp], R],
        answer_type: type[R],
        **business_times: datetime | None,
    ) -> Outcome[R]:
        """Load (if the caller may give this command), act, save: the shape every participant
        command shares."""
        self.check_times(**business_times)

        def decide(stamp: Stamp) -> Decision[R]:
            participant = self.gate.participant(ctx, command, participant_id, stamp.recorded_at)
            return Decision([participant], act(participant, stamp))

        return self.uow.run(ctx, decide, answer_type)

    def complete_intake(
        self, ctx: RequestContext, participant_id: UUID, completed_at: datetime, plan_summary: str
    ) -> Changed:
        return self.command(
            ctx,
            Command.COMPLETE_INTAKE,
            participant_id,
            lambda p, s: p.complete_intake(completed_at, plan_summary, s),
            completed_at=completed_at,
        )

    def sign_roi(
        self, ctx: RequestContext, participant_id: UUID, signing: RoiSigning
    ) -> Outcome[RoiSigned]:
        """422 naming an agency no client is registered for, or a category a ROI cannot hold."""
        roi_id = uuid4()
        check_known(self.agencies, signing.agencies, "agencies")

        def act(p: Participant, s: Stamp) -> RoiSigned:
            replaced = p.sign_roi(
                roi_id,
                signing.signed_at,
                signing.agencies,
                signing.categories,
                signing.expires_at,
                s,
                signing.replaces,
            )
            return RoiSigned(p.id, p.status, p.version, roi_id, tuple(replaced))

        signed_at = signing.signed_at
        return self.run(ctx, Command.SIGN_ROI, participant_id, act, RoiSigned, signed_at=signed_at)

    def revoke_roi(
        self,
        ctx: RequestContext,
        participant_id: UUID,
        revoked_at: datetime,
        reason: str | None,
        roi_id: UUID | None = None,
    ) -> Outcome[RoiRevoked]:
        """The ROI named, or every ROI in force at `revoked_at`."""

        def act(p: Participant, s: Stamp) -> RoiRevoked:
            revoked = p.revoke_roi(revoked_at, reason, s, roi_id)
            return RoiRevoked(p.id, p.status, p.version, tuple(revoked))

        return self.run(
            ctx, Command.REVOKE_ROI, participant_id, act, RoiRevoked, revoked_at=revoked_at
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

        extend = Command.EXTEND_INTAKE_DEADLINE
        return self.run(ctx, extend, participant_id, act, DeadlineExtended)

    def record_contact(
        self, ctx: RequestContext, participant_id: UUID, contacted_at: datetime, kind: str
    ) -> Changed:
        return self.command(
            ctx,
            Command.RECORD_CONTACT,
            participant_id,
            lambda p, s: p.record_contact(contacted_at, kind, s),
            contacted_at=contacted_at,
        )

    def grant_non_return_exception(
        self, ctx: RequestContext, participant_id: UUID, agreed_by: str, reason: str
    ) -> Changed:
        return self.command(
            ctx,
            Command.GRANT_NON_RETURN_EXCEPTION,
            participant_id,
            lambda p, s: p.grant_non_return_exception(agreed_by, reason, s),
        )

    def report_non_return_violation(
        self, ctx: RequestContext, participant_id: UUID, observed_at: datetime, note: str
    ) -> Changed:
        return self.command(
            ctx,
            Command.REPORT_NON_RETURN_VIOLATION,
            participant_id,
            lambda p, s: p.report_non_return_violation(observed_at, note, s),
            observed_at=observed_at,
        )

    def record_warm_handoff(
        self,
        ctx: RequestContext,
        participant_id: UUID,
        handed_off_at: datetime,
        case_manager_id: UUID | None,
    ) -> Changed:
        """The warm handoff of the latest accepted referral (referral-to-handoff time)."""
        if case_manager_id is not None:
            caseloads = self.repository.existing_caseloads()
            if caseloads is None or case_manager_id not in caseloads.names:
                raise InvalidInput("no such case manager", field="case_manager_id")
        return self.command(
            ctx,
            Command.RECORD_WARM_HANDOFF,
            participant_id,
            lambda p, s: p.record_warm_handoff(handed_off_at, case_manager_id, s),
            handed_off_at=handed_off_at,
        )

    def readmit(
        self, ctx: RequestContext, participant_id: UUID, readmitted_at: datetime, note: str
    ) -> Changed:
        return self.command(
            ctx,
            Command.READMIT,
            participant_id,
            lambda p, s: p.readmit(readmitted_at, note, s),
            readmitted_at=readmitted_at,
        )
