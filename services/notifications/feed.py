"""Notifications read straight from the event log (no copy of the events is kept), each told
only to the agencies the disclosure table lets read the event it comes from: the same
`EventReader` a participant's history is read through."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.disclosure import Section
from domain.disclosure_events import EventReader
from domain.errors import NotFound
from domain.notifications import MAKERS, Notice, feed_id, notice_of
from infra.events_table.records import RawEvent, StoredEvents
from services.context import Viewer
from services.jsonable import jsonable
from services.views.sections import Disclosure, Shown

Decode = Callable[[RawEvent], object]
ReaderFor = Callable[[Viewer, UUID], EventReader]
TOPICS = frozenset(get_topic(cls) for cls in MAKERS)
PAGE = 1000


@dataclass(frozen=True)
class Found:
    """A notification in the log: where, when it was recorded, what it says."""

    position: int
    recorded_at: datetime
    notice: Notice
    event: object

    def body(self) -> dict[str, Any]:
        """The webhook body and the feed item's core: `{type, timestamp, data}`."""
        data = {
            "participant_id": self.notice.participant_id,
            "position": self.position,
            "occurred_at": self.notice.occurred_at,
        } | self.notice.data
        shaped: dict[str, Any] = jsonable(
            {"type": self.notice.type, "timestamp": self.recorded_at, "data": data}
        )
        return shaped


class NotificationLog:
    """The notifications after a position, a page of the log at a time; only events that can
    make one are decoded."""

    def __init__(self, events: StoredEvents, decode: Decode) -> None:
        self.events = events
        self.decode = decode

    def after(self, position: int, limit: int = PAGE) -> tuple[list[Found], int]:
        """The notifications in the next `limit` events, and the last position read."""
        records = self.events.after(position, limit)
        found = []
        for record in records:
            if record.topic not in TOPICS:
                continue
            event = self.decode(record)
            notice = notice_of(event)
            if notice is not None:
                recorded = getattr(event, "timestamp", notice.occurred_at)
                found.append(Found(record.position, recorded, notice, event))
        return found, (records[-1].position if records else position)

    def head(self) -> int:
        return self.events.head()


class Audience:
    """Whether one reader may be told of one notification: the section of the event it may
    read, as in the participant's history; None if it may not."""

    def __init__(self, reader_for: ReaderFor) -> None:
        self.reader_for = reader_for

    def section(self, viewer: Viewer, found: Found) -> Section | None:
        try:
            reader = self.reader_for(viewer, found.notice.participant_id)
        except NotFound:
            return None
        return reader.shows(found.event)


@dataclass(frozen=True)
class FeedItem:
    id: str
    position: int
    body: dict[str, Any]


@dataclass(frozen=True)
class FeedPage:
    items: list[FeedItem]
    next: str | None


class NotificationFeed:
    """`GET /v1/notifications`: what the caller's agency would be sent, oldest first."""

    def __init__(self, log: NotificationLog, audience: Audience, scan_pages: int = 10) -> None:
        self.log = log
        self.audience = audience
        self.scan_pages = scan_pages

    def page(self, viewer: Viewer, after: int, limit: int) -> Shown[FeedPage]:
        items: list[FeedItem] = []
        disclosures: list[Disclosure] = []
        position = after
        for _ in range(self.scan_pages):
            found, last = self.log.after(position, PAGE)
            for each in found:
                section = self.audience.section(viewer, each)
                if section is None:
                    continue
                item_id = feed_id(viewer.agency, each.position)
                items.append(FeedItem(item_id, each.position, each.body()))
                disclosures.append(told(each, section))
                if len(items) == limit:
                    return Shown(FeedPage(items, str(each.position)), tuple(disclosures))
            if last == position:
                return Shown(FeedPage(items, None), tuple(disclosures))
            position = last
        return Shown(FeedPage(items, str(position)), tuple(disclosures))


def told(found: Found, section: Section) -> Disclosure:
    detail = f"notification {found.notice.type} at {found.position}"
    return Disclosure(found.notice.participant_id, frozenset({section}), detail)
