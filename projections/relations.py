"""Which agencies are related to each participant, and from when until when: the agencies that
referred them, the offices that hold their legal matters (`LIAISON`: the site's liaison
prosecutor offices, for diverted charges), the parties to those matters, and the agencies each
ROI names per category while it is in force. Part of the directory projection, so a list can
show each agency only the people the disclosure table lets it know of."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Connection, DateTime, Index, Table, Text, Uuid

from domain.legal_matter import LegalMatter, office_of
from domain.participant import Participant
from infra.tables import metadata
from projections.sql import Row, load_rows, upsert_many

P, M = Participant, LegalMatter
LIAISON = ""  # held by whichever offices the policy names liaison prosecutors
REFERRED, MATTER_OFFICE, MATTER_PARTY, ROI = "referred", "matter_office", "matter_party", "roi_"

participant_relations = Table(
    "participant_relations",
    metadata,
    Column("participant_id", Uuid, primary_key=True),
    Column("kind", Text, primary_key=True),  # referred, matter_office, roi_plan, ...
    Column("source_id", Uuid, primary_key=True),  # the referral, matter or ROI
    Column("agency", Text, primary_key=True),
    Column("since", DateTime(timezone=True), nullable=True),
    Column("until", DateTime(timezone=True), nullable=True),
    Index("ix_participant_relations_agency", "agency", "participant_id"),
    Index("ix_participant_relations_source_id", "source_id"),
)
Key = tuple[UUID, str, UUID, str]


def relation(
    participant_id: UUID,
    kind: str,
    source_id: UUID,
    agency: str,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Row:
    return {
        "participant_id": participant_id,
        "kind": kind,
        "source_id": source_id,
        "agency": agency,
        "since": since,
        "until": until,
    }


def on_referred(event: Any) -> list[Row]:
    return [relation(event.originator_id, REFERRED, event.referral_id, event.meta.agency)]


def on_roi_signed(event: Any) -> list[Row]:
    return [
        relation(event.originator_id, ROI + c, event.roi_id, a, event.occurred_at, event.expires_at)
        for a in event.agencies
        for c in event.categories
    ]


def on_matter_opened(event: Any) -> list[Row]:
    office = office_of(event.kind, event.details, event.meta) or LIAISON
    rows = [relation(event.participant_id, MATTER_OFFICE, event.originator_id, office)]
    return rows + [
        relation(event.participant_id, MATTER_PARTY, event.originator_id, party)
        for party in event.details.parties
    ]


NEW_ROWS: dict[type[Any], Callable[[Any], list[Row]]] = {
    P.Referred: on_referred,
    P.ReferredAgain: on_referred,
    P.RoiSigned: on_roi_signed,
    M.Opened: on_matter_opened,
}
EVENTS: tuple[type[Any], ...] = (*NEW_ROWS, P.RoiRevoked)


def key(row: Row) -> Key:
    return (row["participant_id"], row["kind"], row["source_id"], row["agency"])


def apply_relations(conn: Connection, items: list[tuple[int, Any]]) -> None:
    """One batch: new rows, and revocations ending the rows of their ROI (loaded once)."""
    revoked = {e.roi_id for _, e in items if isinstance(e, P.RoiRevoked)}
    table = participant_relations
    rows = {key(row): row for row in load_rows(conn, table, table.c.source_id, revoked)}
    for _, event in items:
        if isinstance(event, P.RoiRevoked):
            end_roi(rows, event.roi_id, event.occurred_at)
            continue
        maker = NEW_ROWS.get(type(event))
        for row in maker(event) if maker else []:
            rows[key(row)] = row
    upsert_many(conn, table, list(rows.values()), ["participant_id", "kind", "source_id", "agency"])


def end_roi(rows: dict[Key, Row], roi_id: UUID, revoked_at: datetime) -> None:
    for k, row in rows.items():
        if row["source_id"] == roi_id:
            until = row["until"]
            rows[k] = row | {"until": revoked_at if until is None else min(until, revoked_at)}
