"""The site-wide aggregates every referral reads (policy, caseloads), kept in memory as
read-only copies and brought up to date by the same query that reads a command's other
aggregates: one round trip, where loading each afresh took two apiece (snapshot, events).

Each read still sees every event committed before it started, as a fresh load would: the
query asks for the events after the version held. Copies are never mutated once shared; a
newer version is built on a deep copy and replaces the old one."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, project_aggregate

from domain.caseloads import CASELOADS_ID, Caseloads
from domain.policy import SITE_POLICY_ID, SitePolicy, terms_in_force
from domain.values import PolicyTerms
from infra.eventstore import LeadStore

SITE_IDS = (SITE_POLICY_ID, CASELOADS_ID)


@dataclass(frozen=True)
class SiteReading:
    """The policy and caseloads as of one read (shared: do not mutate), and the other
    aggregates asked for (None when absent)."""

    policy: SitePolicy | None
    caseloads: Caseloads | None
    others: dict[UUID, Any]

    def policy_terms(self) -> tuple[PolicyTerms, int]:
        return terms_in_force(self.policy)

    def caseload_counts(self) -> dict[UUID, int]:
        return self.caseloads.counts() if self.caseloads else {}


class SiteReads:
    def __init__(self, store: LeadStore) -> None:
        self.store = store
        self.lock = threading.Lock()
        self.copies: dict[UUID, Any] | None = None  # loaded on first use

    def read(self, others: Sequence[UUID] = ()) -> SiteReading:
        """The site aggregates and `others` (aggregates never snapshotted), in one query."""
        if self.store.writes_behind:  # what it holds is not in the database yet
            held = {i: self.load(i) for i in others}
            return SiteReading(self.load(SITE_POLICY_ID), self.load(CASELOADS_ID), held)
        copies = self.loaded()
        versions = {i: (a.version if a is not None else 0) for i, a in copies.items()}
        found = self.store.table.events_after(versions | dict.fromkeys(others, 0))
        site = {i: self.advance(i, copies[i], found.get(i, [])) for i in SITE_IDS}
        rest = {i: project_aggregate(None, found[i]) if i in found else None for i in others}
        return SiteReading(site[SITE_POLICY_ID], site[CASELOADS_ID], rest)

    def unsnapshotted(self, aggregate_id: UUID) -> Any:
        """An aggregate of a type never snapshotted (an identifier claim, an idempotency
        record), or None: the library would first look for a snapshot, a wasted round trip."""
        if self.store.writes_behind:
            return self.load(aggregate_id)
        events = list(self.store.events.get(aggregate_id))
        return project_aggregate(None, events) if events else None

    def held(self) -> dict[UUID, Any] | None:
        """The copies as last read (policy and caseloads by id; shared: do not mutate), or
        None before the first read. They may be behind the store: a decision made from them
        names the versions it used, and the save checks them (`Decision.read`)."""
        with self.lock:
            return None if self.copies is None else dict(self.copies)

    def loaded(self) -> dict[UUID, Any]:
        with self.lock:
            if self.copies is None:
                self.copies = {i: self.load(i) for i in SITE_IDS}
            return dict(self.copies)

    def load(self, aggregate_id: UUID) -> Any:
        try:
            return self.store.repository.get(aggregate_id)  # from its snapshot, if any
        except AggregateNotFoundError:
            return None

    def advance(self, aggregate_id: UUID, copy: Any, events: list[Any]) -> Any:
        if not events:
            return copy
        newer = project_aggregate(deepcopy(copy), events)
        assert newer is not None
        with self.lock:
            assert self.copies is not None
            held = self.copies.get(aggregate_id)
            if held is None or held.version < newer.version:
                self.copies[aggregate_id] = newer
        return newer
