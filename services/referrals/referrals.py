"""Taking a referral through one of the doors (toolkit: "Referral and Enrollment")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from domain.authority import Command
from domain.base import Stamp
from domain.capacity import assess_capacity
from domain.caseloads import CASELOADS_ID
from domain.eligibility import DOORS_BY_ROLE, check_eligible
from domain.errors import Forbidden, IdentifierConflict
from domain.identifiers import (
    SITE_WIDE,
    ClaimIds,
    IdentifierClaim,
    check_may_use,
    claim_scope,
    lookup_scopes,
)
from domain.participant import Participant
from domain.policy import SITE_POLICY_ID, terms_in_force
from domain.sameness import agree
from domain.values import Identifier, Person, PolicyTerms, Referral
from services.context import Outcome, RequestContext
from services.results import ReferralRecorded
from services.unit_of_work import Decision
from services.views.referral import referral_recorded
from services.write_service import WriteService


@dataclass(frozen=True)
class Found:
    """The participant a referral's identifiers point to, and how they were found."""

    participant: Participant
    owners: dict[Identifier, UUID | None]
    scopes: dict[Identifier, str]


@dataclass(frozen=True)
class ReferralCommand:
    person: Person
    referral: Referral
    participant_id: UUID | None = None


class ReferralService(WriteService):
    def refer(self, ctx: RequestContext, command: ReferralCommand) -> Outcome[ReferralRecorded]:
        self.check_request(ctx, command.referral)
        referral = command.referral
        referral_id = uuid4()
        new_participant_id = uuid4()
        identifiers = command.person.identifiers
        # Whether a system is registered is policy, read below: both possible claims are read
        # in the same round trip, and the policy picks one.
        ids = self.repository.claim_ids
        candidates = [
            claim_id
            for i in identifiers
            for s in (SITE_WIDE, ctx.agency)
            for claim_id in ids.lookup_ids(i, s)
        ]

        def decide(stamp: Stamp) -> Decision[ReferralRecorded]:
            reading = self.repository.site_and(candidates)
            terms, policy_version = reading.policy_terms()
            check_eligible(referral, terms)
            scopes = self.scopes(ctx, identifiers, terms)
            accepted = assess_capacity(reading.caseload_counts(), terms).accepts(referral.door)
            owners = {i: self.owner(reading.others, i, ctx.agency, terms) for i in scopes}
            participant = self.find_participant(ctx, command, owners, stamp.recorded_at)
            matches: tuple[UUID, ...] = ()
            variants: list[IdentifierClaim] = []
            if command.participant_id is None and participant is not None:
                found = Found(participant, owners, scopes)
                participant, matches, variants = self.unless_disagreeing(
                    found, command.person, new_participant_id, stamp
                )
            new = tuple(i for i, owner in owners.items() if owner is None)
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
                    matches,
                )
            else:
                participant.refer_again(
                    referral_id, referral, accepted, terms, policy_version, stamp, new
                )
            claims = [self.claim(reading.others, i, participant.id, stamp, scopes[i]) for i in new]
            claims += variants
            answer = referral_recorded(ctx.caller, participant, referral_id, stamp.recorded_at)
            return Decision([participant, *claims], answer)

        return self.uow.run(ctx, decide, ReferralRecorded)

    async def refer_at_once(
        self, ctx: RequestContext, command: ReferralCommand
    ) -> Outcome[ReferralRecorded] | None:
        """A referral of someone whose identifiers no claim names yet (the common case: a new
        person), decided on the event loop from the site's policy and caseloads held in
        memory, without reading the store, and saved on the loop. The save checks what the
        decision assumed, inside the locked transaction: the policy and caseloads still at
        the versions used, and no claim at any id where the full path would have looked for
        the identifiers' owner. None when that does not hold, or the rules refused on what
        may be a stale copy: the caller then takes `refer`, which reads the store."""
        copies = self.repository.site.held()
        if command.participant_id is not None or copies is None or not self.uow.saves_at_once:
            return None
        self.check_request(ctx, command.referral)
        referral = command.referral
        policy, caseloads = copies[SITE_POLICY_ID], copies[CASELOADS_ID]
        referral_id, participant_id = uuid4(), uuid4()
        ids = self.repository.claim_ids

        def decide(stamp: Stamp) -> Decision[ReferralRecorded]:
            terms, policy_version = terms_in_force(policy)
            check_eligible(referral, terms)
            scopes = self.scopes(ctx, command.person.identifiers, terms)
            counts = caseloads.counts() if caseloads is not None else {}
            accepted = assess_capacity(counts, terms).accepts(referral.door)
            participant = Participant.refer(
                participant_id, command.person, referral_id, referral, accepted, terms,
                policy_version, stamp,
            )  # fmt: skip
            claims = [
                IdentifierClaim.claim(i, participant_id, stamp, scope, ids.index_id(i, scope))
                for i, scope in scopes.items()
            ]
            unclaimed = {
                claim_id: 0
                for i in scopes
                for scope in lookup_scopes(i, ctx.agency, terms)
                for claim_id in ids.lookup_ids(i, scope)
            }
            read = unclaimed | {
                SITE_POLICY_ID: version_of(policy),
                CASELOADS_ID: version_of(caseloads),
            }
            answer = referral_recorded(ctx.caller, participant, referral_id, stamp.recorded_at)
            return Decision([participant, *claims], answer, read=read)

        return await self.uow.run_at_once(ctx, decide)

    def check_request(self, ctx: RequestContext, referral: Referral) -> None:
        """What is refused before any state is read: the door for the role, the times."""
        self.check_door_allowed(ctx.role, referral.door)
        released_at = referral.arrest.released_at if referral.arrest else None
        self.check_times(**{"referred_at": referral.referred_at, "arrest.released_at": released_at})

    @staticmethod
    def scopes(
        ctx: RequestContext, identifiers: Iterable[Identifier], terms: PolicyTerms
    ) -> dict[Identifier, str]:
        """Each identifier's claim scope, once the caller is known to be allowed to use it."""
        for identifier in identifiers:
            check_may_use(identifier, ctx.caller, terms)
        return {i: claim_scope(i, ctx.agency, terms) for i in identifiers}

    @staticmethod
    def check_door_allowed(role: str, door: str) -> None:
        if door not in DOORS_BY_ROLE.get(role, frozenset()):
            raise Forbidden(f"the {role} role may not refer through the {door} door")

    def owner(
        self, read: dict[UUID, object], identifier: Identifier, agency: str, terms: PolicyTerms
    ) -> UUID | None:
        """The participant a claim on the identifier names, from the claims read with the
        site (or, for a scope not read there, the store)."""
        for scope in lookup_scopes(identifier, agency, terms):
            if (owner := claim_owner(self.found_claim(read, identifier, scope))) is not None:
                return owner
        return None

    def found_claim(self, read: dict[UUID, object], identifier: Identifier, scope: str) -> object:
        """The claim on the identifier in that scope: keyed, else (on a store with legacy
        records) legacy; from the claims read with the site, else the store."""
        found: object = None
        for claim_id in self.repository.claim_ids.lookup_ids(identifier, scope):
            found = read[claim_id] if claim_id in read else self.repository.unsnapshotted(claim_id)
            if isinstance(found, IdentifierClaim):
                return found
        return found

    def find_participant(
        self,
        ctx: RequestContext,
        command: ReferralCommand,
        owner_of: dict[Identifier, UUID | None],
        at: datetime,
    ) -> Participant | None:
        """The named participant (one the caller may know of), else the one the identifiers
        already point to."""
        owners = {owner for owner in owner_of.values() if owner is not None}
        if command.participant_id is not None:
            named = self.gate.participant(ctx, Command.REFER_AGAIN, command.participant_id, at)
            owners.discard(command.participant_id)
            if owners:
                raise IdentifierConflict("an identifier belongs to a different participant")
            return named
        if len(owners) > 1:
            raise IdentifierConflict("the identifiers belong to different participants")
        return self.repository.participant(owners.pop()) if owners else None

    def claim(
        self,
        read: dict[UUID, object],
        identifier: Identifier,
        participant_id: UUID,
        stamp: Stamp,
        scope: str,
    ) -> IdentifierClaim:
        """A new claim, or the released claim of a forgotten participant taken again."""
        found = self.found_claim(read, identifier, scope)
        if isinstance(found, IdentifierClaim) and found.participant_id is None:
            found.reclaim(identifier, participant_id, stamp)
            return found
        claim_id = self.repository.claim_ids.index_id(identifier, scope)
        return IdentifierClaim.claim(identifier, participant_id, stamp, scope, claim_id)

    def unless_disagreeing(
        self, found: Found, person: Person, new_id: UUID, stamp: Stamp
    ) -> tuple[Participant | None, tuple[UUID, ...], list[IdentifierClaim]]:
        """The participant the identifiers found, if its names and birth date agree; else
        the record an earlier referral written this same way opened; else none (a new
        record, which the identifier matched `found`, and which claims this variant)."""
        if not disagrees(found.participant, person):
            return found.participant, (), []
        matched_id = found.participant.id
        ids = self.repository.claim_ids
        matched = self.variant_claims(ids, person, found.owners, found.scopes, matched_id)
        known = self.variant_owner(ids, person, found.scopes, matched)
        if known is not None:
            return known, (), []
        variants = [
            self.variant_claim(i, new_id, stamp, found.scopes[i], claim_id)
            for i, claim_id in matched.items()
        ]
        return None, (matched_id,), variants

    def variant_claim(
        self, identifier: Identifier, owner: UUID, stamp: Stamp, scope: str, claim_id: UUID
    ) -> IdentifierClaim:
        """A new variant claim, or the one a forgotten record released, taken again."""
        found = self.repository.unsnapshotted(claim_id)
        if isinstance(found, IdentifierClaim) and found.participant_id is None:
            found.reclaim(identifier, owner, stamp)
            return found
        return IdentifierClaim.claim(identifier, owner, stamp, scope, claim_id)

    @staticmethod
    def variant_claims(
        ids: ClaimIds,
        person: Person,
        owners: dict[Identifier, UUID | None],
        scopes: dict[Identifier, str],
        owner: UUID,
    ) -> dict[Identifier, UUID]:
        """The variant claim ids of the identifiers that matched `owner`, for this person."""
        matched = [i for i, found in owners.items() if found == owner]
        return {i: ids.variant_id(i, scopes[i], person) for i in matched}

    def variant_owner(
        self,
        ids: ClaimIds,
        person: Person,
        scopes: dict[Identifier, str],
        variants: dict[Identifier, UUID],
    ) -> Participant | None:
        """The record an earlier referral written this same way opened, if any (its claim
        keyed, or on a store with legacy records, legacy)."""
        for identifier in variants:
            for claim_id in ids.variant_lookup_ids(identifier, scopes[identifier], person):
                if (owner := claim_owner(self.repository.unsnapshotted(claim_id))) is not None:
                    return self.repository.participant(owner)
        return None

    def owner_of(self, identifier: Identifier, scope: str = SITE_WIDE) -> UUID | None:
        found = self.repository.claimed(identifier, [scope])
        return found[0] if found else None


def disagrees(participant: Participant | None, person: Person) -> bool:
    """An identifier matched a participant whose names or date of birth are not this
    person's: one typo, or one hostile agency, must not join two people's records — the
    referral goes to a new participant and the pair is a possible duplicate."""
    return participant is not None and not agree(participant.person, person)


def version_of(aggregate: object | None) -> int:
    """The version a copy was read at; 0 for an aggregate not yet in the store."""
    return int(getattr(aggregate, "version", 0)) if aggregate is not None else 0


def claim_owner(claim: object | None) -> UUID | None:
    if claim is None:
        return None
    assert isinstance(claim, IdentifierClaim)
    return claim.participant_id
