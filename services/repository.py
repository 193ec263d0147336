"""Loading aggregates for the use cases, with the caller's If-Match checked on load."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.base import Stamp
from domain.caseloads import CASELOADS_ID, Caseloads
from domain.errors import NotFound, PreconditionFailed
from domain.participant import Participant
from domain.policy import SITE_POLICY_ID, SitePolicy, terms_in_force
from domain.values import PolicyTerms
from infra.eventstore import LeadStore
from services.site_reads import SiteReading, SiteReads

A = TypeVar("A")


def check_version(what: str, version: int, expected_version: int | None) -> None:
    """The caller's If-Match, when it sent one, names the version it would change."""
    if expected_version is not None and version != expected_version:
        raise PreconditionFailed(f"{what} is at version {version}, not {expected_version}")


class Repository:
    def __init__(self, store: LeadStore) -> None:
        self.store = store
        self.site = SiteReads(store)

    def site_and(self, others: list[UUID]) -> SiteReading:
        """The policy and caseloads (shared read-only copies) and `others` (claims, records:
        never snapshotted), current as of now, in one round trip."""
        return self.site.read(others)

    def participant(
        self, participant_id: UUID, expected_version: int | None = None, version: int | None = None
    ) -> Participant:
        try:
            participant: object = self.store.repository.get(participant_id, version=version)
        except AggregateNotFoundError:
            raise NotFound(f"participant {participant_id} not found") from None
        if not isinstance(participant, Participant):
            raise NotFound(f"participant {participant_id} not found")
        check_version("the participant", participant.version, expected_version)
        return participant

    def unsnapshotted(self, aggregate_id: UUID) -> object | None:
        """A claim or a record, read without the snapshot look-up (see SiteReads)."""
        found: object | None = self.site.unsnapshotted(aggregate_id)
        return found

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        try:
            found: object = self.store.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        assert isinstance(found, cls)
        return found

    def policy(self) -> SitePolicy | None:
        return self.find(SitePolicy, SITE_POLICY_ID)

    def policy_terms(self) -> tuple[PolicyTerms, int]:
        """The policy in force and its version; version 0 is the toolkit defaults, before the
        project manager first sets the site's policy."""
        return terms_in_force(self.policy())

    def caseloads(self, stamp: Stamp) -> Caseloads:
        """The roster, opened (unsaved) by this command if the site has none yet."""
        return self.existing_caseloads() or Caseloads.open(stamp)

    def existing_caseloads(self) -> Caseloads | None:
        return self.find(Caseloads, CASELOADS_ID)

    def caseload_counts(self) -> dict[UUID, int]:
        caseloads = self.existing_caseloads()
        return caseloads.counts() if caseloads else {}
