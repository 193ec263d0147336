"""Use cases that change a participant and the site's caseloads together, atomically."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.base import Stamp
from services.context import Outcome, RequestContext
from services.jsonable import jsonable
from services.unit_of_work import Decision
from services.write_service import WriteService


class CaseloadService(WriteService):
    def assign_case_manager(
        self, ctx: RequestContext, participant_id: UUID, case_manager_id: UUID
    ) -> Outcome:
        def decide(stamp: Stamp) -> Decision:
            participant = self.repository.participant(participant_id, ctx.expected_version)
            terms, policy_version = self.repository.policy_terms()
            caseloads = self.repository.caseloads(stamp)
            caseloads.check_case_manager_exists(case_manager_id)
            participant.assign_case_manager(case_manager_id, stamp)
            caseloads.assign(
                participant.id, case_manager_id, terms.caseload_max, policy_version, stamp
            )
            body = jsonable(
                {
                    "participant_id": participant.id,
                    "status": participant.status,
                    "version": participant.version,
                    "case_manager_id": case_manager_id,
                    "caseload": len(caseloads.assigned[case_manager_id]),
                }
            )
            return Decision([participant, caseloads], body)

        return self.uow.run(ctx, 200, decide)

    def discharge(
        self,
        ctx: RequestContext,
        participant_id: UUID,
        discharged_at: datetime,
        reason: str,
        note: str,
    ) -> Outcome:
        self.check_times(discharged_at=discharged_at)

        def decide(stamp: Stamp) -> Decision:
            participant = self.repository.participant(participant_id, ctx.expected_version)
            terms, policy_version = self.repository.policy_terms()
            released = participant.discharge(
                discharged_at, reason, note, ctx.role == "supervisor", terms, policy_version, stamp
            )
            aggregates: list[object] = [participant]
            if released is not None:
                caseloads = self.repository.caseloads(stamp)
                caseloads.release(participant.id, stamp)
                aggregates.append(caseloads)
            body = jsonable(
                {
                    "participant_id": participant.id,
                    "status": participant.status,
                    "version": participant.version,
                }
            )
            return Decision(aggregates, body)  # type: ignore[arg-type]

        return self.uow.run(ctx, 201, decide)
