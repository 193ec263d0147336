"""Loading aggregates for the use cases, with the caller's If-Match checked on load."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, project_aggregate

from domain.base import Stamp
from domain.caseloads import CASELOADS_ID, Caseloads
from domain.errors import NotFound, PreconditionFailed
from domain.participant import Participant
from domain.policy import SITE_POLICY_ID, SitePolicy
from domain.values import PolicyTerms
from infra.eventstore import LeadStore
from services.site_reads import SiteReading, SiteReads


class Repository:
    def __init__(self, store: LeadStore) -> None:
        self.store = store
        self.site = SiteReads(store)

    def site_and(self, others: list[UUID]) -> SiteReading:
        """The policy and caseloads (shared read-only copies) and `others` (claims, records:
        never snapshotted), current as of now, in one round trip."""
        if self.store.writes_behind:  # what it holds is not in the database yet
            return SiteReading(
                self.policy(), self.existing_caseloads(), {i: self.find(i) for i in others}
            )
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
        if expected_version is not None and participant.version != expected_version:
            raise PreconditionFailed(
                f"the participant is at version {participant.version}, not {expected_version}"
            )
        return participant

    def unsnapshotted(self, aggregate_id: UUID) -> object | None:
        """An aggregate of a type never snapshotted (an identifier claim, an idempotency
        record), or None: the library would first look for a snapshot, a wasted round trip."""
        if self.store.writes_behind:
            return self.find(aggregate_id)
        events = list(self.store.events.get(aggregate_id))
        return project_aggregate(None, events) if events else None

    def find(self, aggregate_id: UUID) -> object | None:
        try:
            found: object = self.store.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found

    def policy(self) -> SitePolicy | None:
        try:
            policy: object = self.store.repository.get(SITE_POLICY_ID)
        except AggregateNotFoundError:
            return None
        assert isinstance(policy, SitePolicy)
        return policy

    def policy_terms(self) -> tuple[PolicyTerms, int]:
        """The policy in force and its version; version 0 is the toolkit defaults, before the
        project manager first sets the site's policy."""
        policy = self.policy()
        return (policy.terms, policy.version) if policy else (PolicyTerms(), 0)

    def caseloads(self, stamp: Stamp) -> Caseloads:
        """The roster, opened (unsaved) by this command if the site has none yet."""
        return self.existing_caseloads() or Caseloads.open(stamp)

    def existing_caseloads(self) -> Caseloads | None:
        try:
            caseloads: object = self.store.repository.get(CASELOADS_ID)
        except AggregateNotFoundError:
            return None
        assert isinstance(caseloads, Caseloads)
        return caseloads

    def caseload_counts(self) -> dict[UUID, int]:
        caseloads = self.existing_caseloads()
        return caseloads.counts() if caseloads else {}
