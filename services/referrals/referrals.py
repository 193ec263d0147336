"""Taking a referral through one of the doors (toolkit: "Referral and Enrollment")."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from domain.base import Stamp
from domain.capacity import assess_capacity
from domain.eligibility import DOORS_BY_ROLE, check_eligible
from domain.errors import Forbidden, IdentifierConflict
from domain.identifiers import IdentifierClaim, identifier_index_id
from domain.participant import Participant
from domain.values import Identifier, Person, Referral
from services.context import Outcome, RequestContext
from services.results import NonReturnSet, ReferralRecorded
from services.unit_of_work import Decision
from services.write_service import WriteService


@dataclass(frozen=True)
class ReferralCommand:
    person: Person
    referral: Referral
    participant_id: UUID | None = None


class ReferralService(WriteService):
    def refer(self, ctx: RequestContext, command: ReferralCommand) -> Outcome[ReferralRecorded]:
        self.check_door_allowed(ctx.role, command.referral.door)
        referral = command.referral
        released_at = referral.arrest.released_at if referral.arrest else None
        self.check_times(**{"referred_at": referral.referred_at, "arrest.released_at": released_at})
        referral_id = uuid4()
        new_participant_id = uuid4()
        claim_ids = {i: identifier_index_id(i) for i in command.person.identifiers}

        def decide(stamp: Stamp) -> Decision[ReferralRecorded]:
            reading = self.repository.site_and(list(claim_ids.values()))
            terms, policy_version = reading.policy_terms()
            check_eligible(referral, terms)
            accepted = assess_capacity(reading.caseload_counts(), terms).accepts(referral.door)
            owners = {i: claim_owner(reading.others[c]) for i, c in claim_ids.items()}
            participant = self.find_participant(command, owners)
            if participant is None:
                participant = Participant.refer(
                    new_participant_id,
                    command.person,
                    referral_id,
                    referral,
                    accepted,
                    terms,
                    policy_version,
                    stamp,
                )
            else:
                participant.refer_again(
                    referral_id, referral, accepted, terms, policy_version, stamp
                )
            claims = [
                IdentifierClaim.claim(identifier, participant.id, stamp)
                for identifier, owner in owners.items()
                if owner is None
            ]
            return Decision([participant, *claims], recorded(participant, referral_id))

        return self.uow.run(ctx, decide, ReferralRecorded)

    @staticmethod
    def check_door_allowed(role: str, door: str) -> None:
        if door not in DOORS_BY_ROLE.get(role, frozenset()):
            raise Forbidden(f"the {role} role may not refer through the {door} door")

    def find_participant(
        self, command: ReferralCommand, owner_of: dict[Identifier, UUID | None]
    ) -> Participant | None:
        """The named participant, else the one the identifiers already point to."""
        owners = {owner for owner in owner_of.values() if owner is not None}
        if command.participant_id is not None:
            owners.discard(command.participant_id)
            if owners:
                raise IdentifierConflict("an identifier belongs to a different participant")
            return self.repository.participant(command.participant_id)
        if len(owners) > 1:
            raise IdentifierConflict("the identifiers belong to different participants")
        return self.repository.participant(owners.pop()) if owners else None

    def owner_of(self, identifier: Identifier) -> UUID | None:
        return claim_owner(self.repository.unsnapshotted(identifier_index_id(identifier)))


def claim_owner(claim: object | None) -> UUID | None:
    if claim is None:
        return None
    assert isinstance(claim, IdentifierClaim)
    return claim.participant_id


def recorded(participant: Participant, referral_id: UUID) -> ReferralRecorded:
    referral = participant.referral(referral_id)
    request = participant.non_return()
    non_return = None
    if request is not None and request.referral_id == referral_id:
        non_return = NonReturnSet(request.location, request.until)
    return ReferralRecorded(
        referral_id=referral_id,
        participant_id=participant.id,
        status="declined" if referral.status == "declined" else "referred",
        participant_status=participant.status,
        decline_reason=referral.decline_reason,
        intake_deadline=referral.intake_deadline,
        non_return=non_return,
    )
