"""What one batch of the compliance view reads and changes, loaded with one query per table
and written back once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from domain.compliance import OPEN, RULES, FlagReview, flag_id
from domain.coordination import Coordination
from domain.legal_matter import LegalMatter
from projections.compliance_tables import (
    SEQ_SPAN,
    compliance_capacity,
    compliance_flags,
    compliance_links,
    compliance_shares,
)
from projections.engine import Item
from projections.sql import Row, load_by_key, save_rows, upsert_many

EMPTY_CAPACITY: Row = {"id": 1, "declined_positions": [], "declined_participant_id": None}


@dataclass
class ComplianceState:
    links: dict[UUID, Row] = field(default_factory=dict)
    shares: dict[UUID, Row] = field(default_factory=dict)
    flags: dict[UUID, Row] = field(default_factory=dict)
    capacity: Row = field(default_factory=lambda: dict(EMPTY_CAPACITY))
    changed_links: set[UUID] = field(default_factory=set)
    new_shares: set[UUID] = field(default_factory=set)
    changed_flags: set[UUID] = field(default_factory=set)
    loaded: set[UUID] = field(default_factory=set)  # keys read from the tables: they exist

    def link(self, aggregate_id: UUID, **values: Any) -> Row:
        """A record's or matter's link to its participant, changed by `values` if given."""
        row = self.links[aggregate_id]
        if values:
            row = self.links[aggregate_id] = row | values
            self.changed_links.add(aggregate_id)
        return row

    def add_link(self, aggregate_id: UUID, participant_id: UUID, kind: str) -> None:
        self.links[aggregate_id] = {
            "aggregate_id": aggregate_id,
            "participant_id": participant_id,
            "kind": kind,
            "enrolled_position": None,
            "expired_position": None,
            "filed_positions": [],
        }
        self.changed_links.add(aggregate_id)

    def add_share(self, share_id: UUID, participant_id: UUID, position: int) -> None:
        self.shares[share_id] = {
            "share_id": share_id,
            "participant_id": participant_id,
            "position": position,
        }
        self.new_shares.add(share_id)

    def raise_flag(self, rule: str, source: object, item: Item, **values: Any) -> None:
        """A flag named by its rule and the fact behind it; `values` give participant_id,
        events and, where they differ from the defaults, status and detail."""
        position, event = item
        flagged = flag_id(rule, source)
        self.flags[flagged] = {
            "flag_id": flagged,
            "seq": position * SEQ_SPAN + RULES.index(rule),
            "rule": rule,
            "raised_at": event.timestamp,
            "status": OPEN,
            "detail": {},
            "reviewed_at": None,
            "reviewed_by": None,
            "review_note": None,
        } | values
        self.changed_flags.add(flagged)

    def change_flag(self, flagged: UUID, **values: Any) -> None:
        if flagged in self.flags:
            self.flags[flagged] = self.flags[flagged] | values
            self.changed_flags.add(flagged)


def wanted(items: list[Item]) -> tuple[set[UUID], set[UUID], set[UUID]]:
    """The links, shares and flags the batch's events refer to."""
    links: set[UUID] = set()
    shares: set[UUID] = set()
    flags: set[UUID] = set()
    for _, event in items:
        if isinstance(event, Coordination.Event | LegalMatter.Event):
            links.add(event.originator_id)
        if isinstance(event, Coordination.AdverseActionRecorded) and event.matter_id:
            links.add(event.matter_id)
        if isinstance(event, Coordination.AdverseActionRecorded | LegalMatter.ChargeFiled):
            shares |= set(event.basis.lead_information_refs)
        if isinstance(event, FlagReview.Reviewed):
            flags.add(event.flag_id)
    return links, shares, flags


def load(conn: Connection, items: list[Item]) -> ComplianceState:
    links, shares, flags = wanted(items)
    capacity = load_by_key(conn, compliance_capacity, "id", [1]).get(1, dict(EMPTY_CAPACITY))
    state = ComplianceState(
        links=load_by_key(conn, compliance_links, "aggregate_id", links),
        shares=load_by_key(conn, compliance_shares, "share_id", shares),
        flags=load_by_key(conn, compliance_flags, "flag_id", flags),
        capacity=capacity,
    )
    state.loaded = set(state.links) | set(state.shares) | set(state.flags)
    return state


def write(conn: Connection, state: ComplianceState) -> None:
    links = [state.links[i] for i in state.changed_links]
    save_rows(conn, compliance_links, links, "aggregate_id", state.loaded)
    shares = [state.shares[i] for i in state.new_shares]
    save_rows(conn, compliance_shares, shares, "share_id", state.loaded)
    flags = [state.flags[i] for i in state.changed_flags]
    save_rows(conn, compliance_flags, flags, "flag_id", state.loaded)
    upsert_many(conn, compliance_capacity, [state.capacity], keys=["id"])
