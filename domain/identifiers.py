"""Agency identifiers → participant. One tiny aggregate per identifier, with an id derived
from the identifier, so two referrals racing to claim it conflict on the write side.

The id is keyed (HMAC-SHA256 under the site's claim key, `ClaimIds`): the claim events outlive
a forgotten person, and an id anyone could compute from a guessable identifier (uuid5, as
before) would tell them whose it was. Plaintext stores (before issue 18) used uuid5; a sealed
store that still holds such records looks those up too (`ClaimIds.legacy`).

A system the site registered to an agency (policy `identifier_systems`) is that agency's: only
it (or case management on its behalf) may claim its identifiers, and a claim is site-wide. A
system nobody registered is scoped to the agency that used it: the claim's id includes that
agency, so one agency's `ssn 123` never matches another agency's person."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.base import LeadAggregate, Stamp
from domain.disclosure import CASE_MANAGEMENT_ROLES, Caller
from domain.errors import IdentifierSystemNotYours
from domain.sameness import name_key
from domain.values import Identifier, Person, PolicyTerms

SITE_WIDE = ""  # the scope of a registered system's identifiers


def legacy_index_id(identifier: Identifier, scope: str = SITE_WIDE) -> UUID:
    """The unkeyed id of a claim written before claim ids were keyed (or by a plaintext store)."""
    if scope == SITE_WIDE:
        return uuid5(NAMESPACE_URL, f"lead:identifier:{identifier.system}\x1f{identifier.value}")
    key = f"{scope}\x1f{identifier.system}\x1f{identifier.value}"
    return uuid5(NAMESPACE_URL, f"lead:agency-identifier:{key}")


def legacy_variant_id(identifier: Identifier, scope: str, person: Person) -> UUID:
    return uuid5(
        NAMESPACE_URL, f"lead:identifier-variant:{variant_text(identifier, scope, person)}"
    )


def variant_text(identifier: Identifier, scope: str, person: Person) -> str:
    born = person.date_of_birth.isoformat() if person.date_of_birth else ""
    names = f"{name_key(person.given_name)}\x1f{name_key(person.family_name)}\x1f{born}"
    return f"{scope}\x1f{identifier.system}\x1f{identifier.value}\x1f{names}"


@dataclass(frozen=True, repr=False)
class ClaimIds:
    """How claim ids are made: keyed by the site's claim key (`key`), or, for a plaintext
    store (`key` None), the legacy uuid5 ids. `legacy`: the store holds records from before
    ids were keyed, so a look-up tries the legacy id after the keyed one."""

    key: bytes | None
    legacy: bool = False

    def keyed(self, kind: str, text: str) -> UUID:
        assert self.key is not None
        message = f"lead:{kind}\n{text}".encode()
        return UUID(bytes=hmac.digest(self.key, message, hashlib.sha256)[:16], version=4)

    def index_id(self, identifier: Identifier, scope: str = SITE_WIDE) -> UUID:
        """The id a new claim on the identifier (in that scope) gets."""
        if self.key is None:
            return legacy_index_id(identifier, scope)
        return self.keyed(
            "identifier-claim", f"{scope}\x1f{identifier.system}\x1f{identifier.value}"
        )

    def variant_id(self, identifier: Identifier, scope: str, person: Person) -> UUID:
        """The claim of an identifier by a record whose names or birth date disagreed with the
        record the identifier belongs to: the next referral written the same way joins that
        record, instead of opening yet another one."""
        if self.key is None:
            return legacy_variant_id(identifier, scope, person)
        return self.keyed("identifier-variant", variant_text(identifier, scope, person))

    def lookup_ids(self, identifier: Identifier, scope: str = SITE_WIDE) -> list[UUID]:
        """Where a claim on the identifier may be: the keyed id, then (on a store with legacy
        records) the legacy one."""
        found = [self.index_id(identifier, scope)]
        if self.legacy and self.key is not None:
            found.append(legacy_index_id(identifier, scope))
        return found

    def variant_lookup_ids(self, identifier: Identifier, scope: str, person: Person) -> list[UUID]:
        found = [self.variant_id(identifier, scope, person)]
        if self.legacy and self.key is not None:
            found.append(legacy_variant_id(identifier, scope, person))
        return found


LEGACY_CLAIM_IDS = ClaimIds(None)


def claim_scope(identifier: Identifier, agency: str, terms: PolicyTerms) -> str:
    """Site-wide for a registered system, else the agency that uses it."""
    return SITE_WIDE if terms.system_agency(identifier.system) is not None else agency


def lookup_scopes(identifier: Identifier, agency: str, terms: PolicyTerms) -> list[str]:
    """Where a claim on the identifier may be: site-wide for a registered system (or scoped to
    its agency, if that agency used it before the site registered it), else the agency's."""
    owner = terms.system_agency(identifier.system)
    return [agency] if owner is None else [SITE_WIDE, owner]


def check_may_use(
    identifier: Identifier, caller: Caller, terms: PolicyTerms, *, looking_up: bool = False
) -> None:
    """A registered system's identifiers are claimed by its agency (or case management acting
    for it) and looked up by it (or the site's staff, who see every identifier anyway)."""
    owner = terms.system_agency(identifier.system)
    trusted = caller.full_view if looking_up else caller.role in CASE_MANAGEMENT_ROLES
    if owner is None or owner == caller.agency or trusted:
        return
    raise IdentifierSystemNotYours(
        f"identifiers of the system {identifier.system!r} are issued by another agency"
    )


class IdentifierClaim(LeadAggregate):
    class Claimed(LeadAggregate.Created):
        identifier: Identifier
        participant_id: UUID
        scope: str = SITE_WIDE

    class Released(LeadAggregate.Event):
        """The participant it named was forgotten: the identifier is free to claim again."""

        identifier: Identifier
        participant_id: UUID  # who let it go (their key seals the identifier)

        def apply(self, aggregate: IdentifierClaim) -> None:
            aggregate.participant_id = None

    class Reclaimed(LeadAggregate.Event):
        identifier: Identifier
        participant_id: UUID

        def apply(self, aggregate: IdentifierClaim) -> None:
            aggregate.identifier = self.identifier
            aggregate.participant_id = self.participant_id

    def __init__(self, identifier: Identifier, participant_id: UUID) -> None:
        self.identifier = identifier
        self.participant_id: UUID | None = participant_id  # None: released

    @classmethod
    def claim(
        cls,
        identifier: Identifier,
        participant_id: UUID,
        stamp: Stamp,
        scope: str,
        claim_id: UUID,
    ) -> IdentifierClaim:
        """`claim_id`: the identifier's own or a variant's (see `ClaimIds`)."""
        return cls._create(
            cls.Claimed,
            id=claim_id,
            identifier=identifier,
            participant_id=participant_id,
            scope=scope,
            meta=stamp.meta,
            occurred_at=stamp.recorded_at,
            timestamp=stamp.recorded_at,
        )

    def release(self, stamp: Stamp) -> None:
        assert self.participant_id is not None
        self._emit(
            self.Released,
            stamp,
            stamp.recorded_at,
            identifier=self.identifier,
            participant_id=self.participant_id,
        )

    def reclaim(self, identifier: Identifier, participant_id: UUID, stamp: Stamp) -> None:
        self._emit(
            self.Reclaimed,
            stamp,
            stamp.recorded_at,
            identifier=identifier,
            participant_id=participant_id,
        )
