"""The one place every command on a participant or a legal matter is checked against the
domain's table of who may change what (`domain/authority.py`): after the role check at the
route, before any rule of the aggregate. Unknown and invisible ids answer alike (404), and an
If-Match is compared only once the caller is known to have the right to ask."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.authority import Command, Standing, check_may
from domain.disclosure import Relation
from domain.legal_matter import LegalMatter
from domain.participant import Participant
from domain.values import PolicyTerms
from services.context import RequestContext
from services.legal_coordination.listing import LegalMatterListing
from services.legal_coordination.store import LegalRepository
from services.repository import Repository, check_version
from services.views.record import ParticipantRecord, RecordReader


class Gate:
    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.legal = LegalRepository(repository.store)
        self.records = RecordReader(LegalMatterListing(self.legal))

    def participant(
        self,
        ctx: RequestContext,
        command: Command,
        participant_id: UUID,
        at: datetime,
        terms: PolicyTerms | None = None,
    ) -> Participant:
        """The participant, loaded for a command the caller may give."""
        participant = self.repository.participant(participant_id)
        not_found = f"participant {participant_id} not found"
        if ctx.caller.full_view:
            check_may(command, Standing(ctx.caller, Relation()), not_found)
        else:
            record = self.record(ctx, participant, at, terms)
            check_may(command, Standing(ctx.caller, record.relation), not_found)
        check_version("the participant", participant.version, ctx.expected_version)
        return participant

    def record(
        self,
        ctx: RequestContext,
        participant: Participant,
        at: datetime,
        terms: PolicyTerms | None = None,
    ) -> ParticipantRecord:
        terms = terms if terms is not None else self.repository.policy_terms()[0]
        linked = self.repository.same_person(participant)
        return self.records.record(ctx.caller, participant, terms, at, None, linked)

    def matter(
        self, ctx: RequestContext, matter_id: UUID, at: datetime, terms: PolicyTerms
    ) -> LegalMatter:
        """A legal matter, loaded for a decision by the office that holds it."""
        matter = self.legal.matter(matter_id)
        not_found = f"legal matter {matter_id} not found"
        participant = self.repository.participant(matter.participant_id)
        record = self.record(ctx, participant, at, terms)
        holds = ctx.agency in matter.holders(terms.liaison_prosecutor_agencies)
        standing = Standing(ctx.caller, record.relation, holds_the_matter=holds)
        check_may(Command.DECIDE_ON_MATTER, standing, not_found)
        check_version("the legal matter", matter.version, ctx.expected_version)
        return matter
