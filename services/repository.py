"""Loading aggregates for the use cases: as they are now or as they were known at a moment,
with the caller's If-Match checked on load. One loader for every context."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, project_aggregate
from eventsourcing.domain import Aggregate

from domain.base import Stamp
from domain.caseloads import CASELOADS_ID, Caseloads
from domain.errors import NotFound, PreconditionFailed
from domain.identifiers import SITE_WIDE, ClaimIds, IdentifierClaim
from domain.legal_matter import LegalMatter
from domain.participant import Participant
from domain.policy import SITE_POLICY_ID, SitePolicy, terms_in_force
from domain.values import Identifier, PolicyTerms
from infra.eventstore import LeadStore
from services.site_reads import SiteReading, SiteReads

A = TypeVar("A", bound=Aggregate)
NOUNS: dict[type[Aggregate], str] = {Participant: "participant", LegalMatter: "legal matter"}


def check_version(what: str, version: int, expected_version: int | None) -> None:
    """The caller's If-Match, when it sent one, names the version it would change."""
    if expected_version is not None and version != expected_version:
        raise PreconditionFailed(f"{what} is at version {version}, not {expected_version}")


class Loader:
    def __init__(self, store: LeadStore) -> None:
        self.store = store

    def find(self, cls: type[A], aggregate_id: UUID, as_of: datetime | None = None) -> A | None:
        """The aggregate (of that class), as known at `as_of` when given; None if absent."""
        version = None if as_of is None else self.store.table.version_known_at(aggregate_id, as_of)
        if as_of is not None and version is None:
            return None
        try:
            found: object = self.store.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, cls) else None

    def find_current(self, cls: type[A], aggregate_ids: Sequence[UUID]) -> list[A]:
        """The aggregates (of that class) as they are now, in order, the absent left out: in
        one query, not a snapshot look-up and a read apiece. Each is replayed from its first
        event, so this pays for a class never snapshotted (a legal matter), where that is
        what a load reads anyway."""
        if self.store.writes_behind:  # what it holds is not in the database yet
            held = (self.find(cls, i) for i in aggregate_ids)
            return [found for found in held if found is not None]
        events = self.store.table.events_after(dict.fromkeys(aggregate_ids, 0))
        built: Iterable[object] = (
            project_aggregate(None, events[i]) for i in aggregate_ids if i in events
        )
        return [found for found in built if isinstance(found, cls)]

    def load(self, cls: type[A], aggregate_id: UUID, expected_version: int | None = None) -> A:
        """The aggregate as it is now; refused if absent, or if the caller's If-Match names
        another version."""
        noun = NOUNS.get(cls, cls.__name__)
        found = self.find(cls, aggregate_id)
        if found is None:
            raise NotFound(f"{noun} {aggregate_id} not found")
        check_version(f"the {noun}", found.version, expected_version)
        return found


class Repository(Loader):
    def __init__(self, store: LeadStore) -> None:
        super().__init__(store)
        self.site = SiteReads(store)

    def site_and(self, others: list[UUID]) -> SiteReading:
        """The policy and caseloads (shared read-only copies) and `others` (claims, records:
        never snapshotted), current as of now, in one round trip."""
        return self.site.read(others)

    def participant(self, participant_id: UUID, expected_version: int | None = None) -> Participant:
        """The participant as now; a forgotten one is refused (410) for reads and writes."""
        found = self.load(Participant, participant_id, expected_version)
        found.check_not_forgotten()
        return found

    def same_person(
        self, participant: Participant, as_of: datetime | None = None
    ) -> tuple[Participant, ...]:
        """The other records of the same person: the earlier record a later one is linked
        into, or the later records linked into an earlier one. With `as_of`, `participant` is
        as known then, and so are the links it records and the records they name. A record
        forgotten since is left out: the other record is not forgotten with it."""
        linked = (participant.linked_to,) if participant.linked_to else participant.linked_records
        current = [self.load(Participant, other) for other in linked]
        kept = [other for other in current if not other.forgotten]
        if as_of is None:
            return tuple(kept)
        then = (self.find(Participant, other.id, as_of) for other in kept)
        return tuple(other for other in then if other is not None)

    def claimed(self, identifier: Identifier, scopes: Iterable[str]) -> list[UUID]:
        """The participants claims on the identifier name, in each of these scopes."""
        ids = self.claim_ids
        claims = (self.unsnapshotted(i) for s in scopes for i in ids.lookup_ids(identifier, s))
        found = (c.participant_id for c in claims if isinstance(c, IdentifierClaim))
        return list(dict.fromkeys(owner for owner in found if owner is not None))

    def claims_of(self, participant: Participant) -> list[IdentifierClaim]:
        """The claims that name the participant now: each identifier in either scope, as the
        identifier's own claim or as the variant claim a record opened by a disagreeing
        referral holds (keyed by the names and birth date it was written with)."""
        ids = {
            claim_id
            for identifier, agency in participant.identifier_records()
            for scope in (SITE_WIDE, agency)
            for claim_id in [
                *self.claim_ids.lookup_ids(identifier, scope),
                *self.claim_ids.variant_lookup_ids(identifier, scope, participant.person),
            ]
        }
        found = (self.unsnapshotted(claim_id) for claim_id in ids)
        return [
            c
            for c in found
            if isinstance(c, IdentifierClaim) and c.participant_id == participant.id
        ]

    @property
    def claim_ids(self) -> ClaimIds:
        """How identifier claim ids are made in this store (keyed: domain/identifiers.py)."""
        return self.store.claim_ids

    def unsnapshotted(self, aggregate_id: UUID) -> object | None:
        """A claim or a record, read without the snapshot look-up (see SiteReads)."""
        found: object | None = self.site.unsnapshotted(aggregate_id)
        return found

    def policy(self) -> SitePolicy | None:
        return self.find(SitePolicy, SITE_POLICY_ID)

    def policy_terms(self) -> tuple[PolicyTerms, int]:
        """The policy in force and its version; version 0 is the toolkit defaults, before the
        project manager first sets the site's policy."""
        return terms_in_force(self.policy())

    def terms(self) -> PolicyTerms:
        return self.policy_terms()[0]

    def caseloads(self, stamp: Stamp) -> Caseloads:
        """The roster, opened (unsaved) by this command if the site has none yet."""
        return self.existing_caseloads() or Caseloads.open(stamp)

    def existing_caseloads(self) -> Caseloads | None:
        return self.find(Caseloads, CASELOADS_ID)
