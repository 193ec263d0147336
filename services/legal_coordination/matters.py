"""Use cases of the liaison prosecutor's record: opening a legal matter, deciding on one."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.authority import Command
from domain.base import Stamp
from domain.coordination import Coordination, check_cited, coordination_id
from domain.errors import Forbidden, InvalidInput, StateConflict
from domain.legal_matter import LegalMatter
from domain.legal_rules import (
    OPENED_BY_HAND,
    MatterKind,
)
from domain.legal_values import Basis, Deliberation, MatterDetails
from domain.participant import Participant
from domain.roles import Role
from infra.clock import Clock
from services.agencies import KnownAgencies, check_known
from services.context import Outcome, RequestContext
from services.legal_coordination.store import LegalRepository
from services.repository import Repository
from services.results import MatterChanged, MatterDecided
from services.unit_of_work import Decision, UnitOfWork
from services.write_service import WriteService


@dataclass(frozen=True)
class DecisionCommand:
    decision: str
    note: str = ""
    decided_at: datetime | None = None
    review_at: datetime | None = None
    basis: Basis | None = None


class LegalMatterService(WriteService):
    def __init__(
        self,
        repository: Repository,
        legal: LegalRepository,
        uow: UnitOfWork,
        clock: Clock,
        skew: timedelta,
        agencies: KnownAgencies,
    ) -> None:
        super().__init__(repository, uow, clock, skew)
        self.legal = legal
        self.agencies = agencies

    def open_matter(
        self, ctx: RequestContext, participant_id: UUID, kind: str, details: MatterDetails
    ) -> Outcome[MatterChanged]:
        """A pending case, a warrant or a post-enrollment case, linked to the participant."""
        if kind not in OPENED_BY_HAND:
            raise InvalidInput(f"kind must be one of {sorted(OPENED_BY_HAND)}", field="kind")
        self.check_times(incident_at=details.incident_at)
        details = self.held_by(ctx, details)
        matter_id = uuid4()

        def decide(stamp: Stamp) -> Decision[MatterChanged]:
            participant = self.gate.participant(
                ctx, Command.OPEN_LEGAL_MATTER, participant_id, stamp.recorded_at
            )
            check_may_carry(participant, kind)
            coordination = self.legal.coordination(participant_id, stamp)
            matter = LegalMatter.open(
                matter_id, participant_id, kind, details, stamp.recorded_at, stamp
            )
            coordination.link_matter(matter_id, kind, stamp)
            return Decision([matter, coordination], matter_changed(matter))

        return self.uow.run(ctx, decide, MatterChanged)

    def held_by(self, ctx: RequestContext, details: MatterDetails) -> MatterDetails:
        """A prosecutor opens matters its own office holds; case management records a matter
        for the office it names (none: the liaison offices). Every agency named is known."""
        if ctx.role == Role.PROSECUTOR:
            if details.office not in (None, ctx.agency):
                raise Forbidden("a prosecutor opens legal matters its own office holds")
            details = replace(details, office=ctx.agency)
        check_known(self.agencies, [details.office] if details.office else [], "office")
        check_known(self.agencies, details.parties, "parties")
        return details

    def decide(
        self, ctx: RequestContext, matter_id: UUID, command: DecisionCommand
    ) -> Outcome[MatterDecided]:
        self.check_times(decided_at=command.decided_at)

        def decide(stamp: Stamp) -> Decision[MatterDecided]:
            terms, policy_version = self.repository.policy_terms()
            matter = self.gate.matter(ctx, matter_id, stamp.recorded_at, terms)
            if command.basis is not None:
                self.check_cited_shares(matter.participant_id, command.basis)
            decided_at = command.decided_at or stamp.recorded_at
            how = Deliberation(stamp, decided_at, command.note, policy_version)
            matter.decide(
                command.decision,
                how,
                command.review_at,
                command.basis,
                terms.hold_review_max_days,
            )
            decided = MatterDecided(**vars(matter_changed(matter)), decision=command.decision)
            return Decision([matter], decided)

        return self.uow.run(ctx, decide, MatterDecided)

    def check_cited_shares(self, participant_id: UUID, basis: Basis) -> None:
        record = self.legal.find(Coordination, coordination_id(participant_id))
        check_cited(record.share_ids if record else [], basis.lead_information_refs)


def check_may_carry(participant: Participant, kind: str) -> None:
    if kind == MatterKind.POST_ENROLLMENT_CASE and participant.enrolled_at is None:
        raise StateConflict("a post-enrollment case needs a participant who has enrolled")


def matter_changed(matter: LegalMatter) -> MatterChanged:
    return MatterChanged(
        matter.id, matter.participant_id, matter.kind, matter.state, matter.version
    )
