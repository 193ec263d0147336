"""A participant's whole history: every event about them from every context, in global order,
each event's data shown as the disclosure table allows the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.disclosure import Section
from domain.disclosure_events import EventReader
from infra.events_table.records import StoredEvents
from services.audit.participant_index import ParticipantIndex
from services.audit.shaping import Decode, decoded, describe_event
from services.context import Viewer
from services.views.history import HistoryEvent, HistoryPage
from services.views.sections import Disclosure, Shown

FLAGS = {"missing": False, "undecodable": False, "withheld": False}  # always in an item
Forgotten = Callable[[UUID], bool]
# The caller's reader of this participant's events; NotFound if it may not know of them.
ReaderFor = Callable[[Viewer, UUID], EventReader]


class HistoryService:
    def __init__(
        self,
        index: ParticipantIndex,
        events: StoredEvents,
        decode: Decode,
        reader_for: ReaderFor,
        forgotten: Forgotten,
    ) -> None:
        self.forgotten = forgotten
        self.index = index
        self.events = events
        self.decode = decode
        self.reader_for = reader_for

    def page(
        self, viewer: Viewer, participant_id: UUID, after: int, limit: int
    ) -> Shown[HistoryPage]:
        reader = self.reader_for(viewer, participant_id)
        # A later record linked into this one: its events show here too, in global order.
        also = reader.linked_records
        positions = self.index.positions(participant_id, after, limit + 1, also=also)
        more = len(positions) > limit
        positions = positions[:limit]
        found = {record.position: record for record in self.events.at(positions)}
        forgotten = self.forgotten(participant_id)
        shown: set[Section] = set()
        items = []
        for position in positions:
            record = found.get(position)
            if record is None:
                items.append(
                    HistoryEvent.model_validate(FLAGS | {"position": position, "missing": True})
                )
                continue
            event = decoded(record, self.decode)
            section = reader.shows(event)
            item: dict[str, Any] = FLAGS | describe_event(record, event)
            if forgotten:  # the shape stays; the data went with the key
                item |= {"data": None, "forgotten": True}
            elif section is None:
                item = {k: v for k, v in item.items() if k != "data"} | {"withheld": True}
            else:
                shown.add(section)
            items.append(HistoryEvent.model_validate(item))
        page = HistoryPage(items=items, next=str(positions[-1]) if more else None)
        span = f"history {positions[0]}..{positions[-1]}" if positions else "history, no events"
        return Shown(page, (Disclosure(participant_id, frozenset(shown), span),))
