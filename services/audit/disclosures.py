"""The accounting of disclosures (42 CFR Part 2 §2.25, HIPAA 164.528): every read of a
participant's data, from the buffered access log, and every information share, from the
store (each share is an event, so it is recorded in the transaction that made it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine

from domain.errors import NotFound
from infra.access_log import AccessLog, AccessRecord, reads_of
from infra.clock import Clock
from infra.events_table.records import StoredEvents
from services.audit.participant_index import ParticipantIndex
from services.audit.shaping import Decode, describe
from services.context import Viewer
from services.jsonable import json_object
from services.views.sections import Disclosure


class DisclosureRecorder:
    """The one accounting wrapper: every read of participant information is handed out through
    `services/reads.py`, which records here each participant named and the sections shown."""

    def __init__(self, log: AccessLog, clock: Clock) -> None:
        self.log = log
        self.clock = clock

    def record(self, viewer: Viewer, disclosures: Iterable[Disclosure]) -> None:
        at = self.clock.now()
        merged: dict[UUID, Disclosure] = {}
        for each in disclosures:
            seen = merged.get(each.participant_id)
            sections = each.sections | (seen.sections if seen else frozenset())
            merged[each.participant_id] = Disclosure(each.participant_id, sections, each.detail)
        if merged:
            self.log.record([self.entry(viewer, d, at) for d in merged.values()])

    @staticmethod
    def entry(viewer: Viewer, disclosed: Disclosure, at: datetime) -> AccessRecord:
        return AccessRecord(
            disclosed.participant_id,
            at,
            viewer.client_id,
            viewer.agency,
            viewer.role,
            viewer.actor[:64],
            viewer.endpoint[:200],
            ",".join(sorted(disclosed.sections))[:500],
            viewer.purpose[:200],
            disclosed.detail[:200],
        )


class Accounting:
    def __init__(
        self,
        log: AccessLog,
        engine: Engine,
        index: ParticipantIndex,
        events: StoredEvents,
        decode: Decode,
        exists: Callable[[UUID], bool],
    ) -> None:
        self.log = log
        self.engine = engine
        self.index = index
        self.events = events
        self.decode = decode
        self.exists = exists

    def page(self, participant_id: UUID, cursor: tuple[int, int], limit: int) -> dict[str, Any]:
        """Reads and shares merged by time; the cursor is (last read id, last share position)."""
        if not self.exists(participant_id):
            raise NotFound(f"participant {participant_id} not found")
        self.log.flush()
        read_after, share_after = cursor
        reads = [
            (record.at, ("r", ident), read_item(record))
            for ident, record in reads_of(self.engine, participant_id, read_after, limit + 1)
        ]
        positions = self.index.positions(participant_id, share_after, limit + 1, disclosures=True)
        shares = [share_item(describe(r, self.decode)) for r in self.events.at(positions)]
        merged = sorted(reads + shares, key=lambda entry: entry[0])
        taken = merged[:limit]
        for _, (source, ident), _ in taken:
            if source == "r":
                read_after = ident
            else:
                share_after = ident
        more = len(merged) > limit
        return {
            "items": [item for _, _, item in taken],
            "next": f"{read_after}.{share_after}" if more else None,
        }


def read_item(record: AccessRecord) -> dict[str, Any]:
    return json_object(
        {
            "kind": "read",
            "at": record.at,
            "client_id": record.client_id,
            "agency": record.agency,
            "role": record.role,
            "actor": record.actor,
            "endpoint": record.endpoint,
            "categories": [c for c in record.categories.split(",") if c],
            "purpose": record.purpose,
            "detail": record.detail,
        }
    )


def share_item(event: dict[str, Any]) -> tuple[datetime, tuple[str, int], dict[str, Any]]:
    data = event.get("data") or {}
    item = {
        "kind": "share",
        "at": event.get("recorded_at"),
        "shared_at": event.get("occurred_at"),
        "position": event["position"],
        "type": event["type"],
        "client_id": event.get("client_id"),
        "agency": event.get("agency"),
        "role": event.get("role"),
        "actor": event.get("actor"),
        "recipient_agency": data.get("recipient_agency"),
        "category": data.get("category"),
        "share_id": data.get("share_id"),
        "roi_id": data.get("roi_id"),
        "summary": data.get("summary"),
    }
    at = datetime.fromisoformat(str(event.get("recorded_at") or "1970-01-01T00:00:00+00:00"))
    return at, ("s", int(event["position"])), item
