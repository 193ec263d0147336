"""A participant's whole history: every event about them from every context, in global order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.errors import NotFound
from infra.events_table.records import StoredEvents
from services.audit.disclosures import DisclosureRecorder
from services.audit.participant_index import ParticipantIndex
from services.audit.shaping import Decode, describe
from services.context import Viewer


class HistoryService:
    def __init__(
        self,
        index: ParticipantIndex,
        events: StoredEvents,
        decode: Decode,
        exists: Callable[[UUID], bool],
        disclosures: DisclosureRecorder,
    ) -> None:
        self.index = index
        self.events = events
        self.decode = decode
        self.exists = exists
        self.disclosures = disclosures

    def page(self, viewer: Viewer, participant_id: UUID, after: int, limit: int) -> dict[str, Any]:
        if not self.exists(participant_id):
            raise NotFound(f"participant {participant_id} not found")
        positions = self.index.positions(participant_id, after, limit + 1)
        more = len(positions) > limit
        positions = positions[:limit]
        found = {record.position: record for record in self.events.at(positions)}
        items = [
            describe(found[p], self.decode) if p in found else {"position": p, "missing": True}
            for p in positions
        ]
        kinds = sorted({str(item.get("type", "")).partition(".")[0] for item in items} - {""})
        span = f"positions {positions[0]}..{positions[-1]}" if positions else "no events"
        self.disclosures.read(viewer, [participant_id], ["history", *kinds], span)
        return {"items": items, "next": str(positions[-1]) if more else None}
