"""Use cases that change a participant and the site's caseloads together, atomically."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.authority import Command
from domain.base import Stamp
from services.context import Outcome, RequestContext
from services.referrals.participants import Changed, changed
from services.results import CaseManagerAssigned, ParticipantChanged
from services.unit_of_work import Decision
from services.write_service import WriteService


class CaseloadService(WriteService):
    def assign_case_manager(
        self, ctx: RequestContext, participant_id: UUID, case_manager_id: UUID
    ) -> Outcome[CaseManagerAssigned]:
        def decide(stamp: Stamp) -> Decision[CaseManagerAssigned]:
            terms, policy_version = self.repository.policy_terms()
            participant = self.gate.participant(
                ctx, Command.ASSIGN_CASE_MANAGER, participant_id, stamp.recorded_at, terms
            )
            caseloads = self.repository.caseloads(stamp)
            caseloads.check_case_manager_exists(case_manager_id)
            participant.assign_case_manager(case_manager_id, stamp)
            caseloads.assign(
                participant.id, case_manager_id, terms.caseload_max, policy_version, stamp
            )
            caseload = len(caseloads.people(case_manager_id))
            result = CaseManagerAssigned(
                participant.id, participant.status, participant.version, case_manager_id, caseload
            )
            return Decision([participant, caseloads], result)

        return self.uow.run(ctx, decide, CaseManagerAssigned)

    def discharge(
        self,
        ctx: RequestContext,
        participant_id: UUID,
        discharged_at: datetime,
        reason: str,
        note: str,
    ) -> Changed:
        self.check_times(discharged_at=discharged_at)

        def decide(stamp: Stamp) -> Decision[ParticipantChanged]:
            terms, policy_version = self.repository.policy_terms()
            participant = self.gate.participant(
                ctx, Command.DISCHARGE, participant_id, stamp.recorded_at, terms
            )
            released = participant.discharge(
                discharged_at, reason, note, ctx.role == "supervisor", terms, policy_version, stamp
            )
            aggregates: list[object] = [participant]
            if released is not None:
                caseloads = self.repository.caseloads(stamp)
                caseloads.release(participant.id, stamp)
                aggregates.append(caseloads)
            return Decision(aggregates, changed(participant))  # type: ignore[arg-type]

        return self.uow.run(ctx, decide, ParticipantChanged)
