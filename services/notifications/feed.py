"""Notifications read straight from the event log (no copy of the events is kept), each told
only to the agencies the disclosure table lets read the event it comes from: the same
`EventReader` a participant's history is read through."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.disclosure import Section
from domain.disclosure_events import EventReader
from domain.errors import NotFound, ParticipantForgotten
from domain.golden_rule import RAISED_FROM_HISTORY_AT, may_flag_from_history
from domain.notifications import (
    MAKERS,
    SEARCHED,
    FoundPair,
    HistoryFlag,
    Notice,
    feed_id,
    notices_of,
)
from infra.events_table.records import RawEvent, StoredEvents
from services.context import Viewer
from services.jsonable import jsonable
from services.set_aside import or_set_aside
from services.views.sections import Disclosure, Shown

Decode = Callable[[RawEvent], object]
ParticipantOf = Callable[[UUID], UUID | None]  # a record's (matter's, coordination's) person
ReaderFor = Callable[[Viewer, UUID], EventReader]
Forgotten = Callable[[UUID], bool]  # the person's forgetting receipt is kept
SEARCHED_TOPIC = get_topic(SEARCHED)
FLAGGED_TOPICS = frozenset(get_topic(cls) for cls in RAISED_FROM_HISTORY_AT)
TOPICS = frozenset(get_topic(cls) for cls in MAKERS) | {SEARCHED_TOPIC} | FLAGGED_TOPICS
PAGE = 1000


@dataclass(frozen=True)
class Found:
    """A notification in the log: where, when it was recorded, what it says."""

    position: int
    recorded_at: datetime
    notice: Notice
    event: object
    more: tuple[Notice, ...] = ()  # what else the event makes (a flag beside a request)

    def each(self) -> list[Found]:
        """The notifications the event makes, in order: one is sent to a reader."""
        return [self, *(replace(self, notice=other, more=()) for other in self.more)]

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


class Reach(Protocol):
    """How far a projection has run, made to run as far as wanted (`reach.py`)."""

    def through(self, wanted: int) -> int: ...


class Search(Reach, Protocol):
    """The candidate search's results (`services/notifications/candidates.py`)."""

    def pairs(self, positions: Collection[int]) -> dict[int, list[FoundPair]]: ...


class Flags(Reach, Protocol):
    """The Golden Rule view's flags from history (`services/notifications/history_flags.py`)."""

    def raised(self, positions: Collection[int]) -> dict[int, list[HistoryFlag]]: ...


def reached(reach: Reach, positions: Collection[int], start: int) -> int:
    return reach.through(max(positions)) if positions else start


class NotificationLog:
    """The notifications after a position, a page of the log at a time; only events that can
    make one are decoded. An event a projection tells of is told once that projection has run
    for it: a new record's `Referred` event with the pairs the candidate search raised, an
    event the Golden Rule view may flag from history with its flags. The page ends before
    the first such event a projection has not reached."""

    def __init__(
        self,
        events: StoredEvents,
        decode: Decode,
        participant_of: ParticipantOf,
        search: Search,
        flags: Flags,
    ) -> None:
        self.events = events
        self.decode = decode
        self.participant_of = participant_of
        self.search = search
        self.flags = flags
        self.people: dict[UUID, UUID | None] = {}  # records never change their participant

    def after(self, position: int, limit: int = PAGE) -> tuple[list[Found], int]:
        """The notifications in the next `limit` events, and the last position read."""
        records = self.events.after(position, limit)
        events = {
            r.position: or_set_aside(
                partial(self.decode, r), "notification_event", position=r.position
            )
            for r in records
            if r.topic in TOPICS
        }
        referred = {at for at, event in events.items() if type(event) is SEARCHED}
        flaggable = {at for at, event in events.items() if may_flag_from_history(event)}
        searched = reached(self.search, referred, position)
        checked = reached(self.flags, flaggable, position)
        pairs = self.search.pairs([at for at in referred if at <= searched])
        history = self.flags.raised([at for at in flaggable if at <= checked])
        found: list[Found] = []
        for at, event in events.items():
            if (at > searched and at in referred) or (at > checked and at in flaggable):
                return found, at - 1  # told once its projection has run for it
            if event is None:
                continue
            made = notices_of(event, pairs.get(at, ()), history.get(at, ()))
            notices = [self.named(notice, at) for notice in made]
            if notices:
                first, *more = notices
                recorded = getattr(event, "timestamp", first.occurred_at)
                found.append(Found(at, recorded, first, event, tuple(more)))
        return found, (records[-1].position if records else position)

    def named(self, notice: Notice, position: int) -> Notice:
        """The participant of a notice whose event names only its record (None: the record's
        first event cannot be read, and the notice is told as one naming no one)."""
        record = notice.record_id
        if record is None:
            return notice
        if record not in self.people:
            if len(self.people) > 50_000:
                self.people.clear()
            opened = partial(self.participant_of, record)
            self.people[record] = or_set_aside(opened, "notification_record", position=position)
        return replace(notice, participant_id=self.people[record])

    def head(self) -> int:
        return self.events.head()


class Audience:
    """Whether one reader may be told of one notification: the section of the event it may
    read, as in the participant's history; None if it may not. Each participant's record is
    read once per batch (`batch()`): it is read as it stands now, for every event alike.
    A notification naming a forgotten person is told to no one, as every list leaves the
    person out (API.md, "Forgetting a participant"): the feed and the webhooks move on."""

    def __init__(self, reader_for: ReaderFor, forgotten: Forgotten) -> None:
        self.reader_for = reader_for
        self.forgotten = forgotten
        self.readers: dict[tuple[str, str, UUID], EventReader | None] = {}
        self.gone: dict[UUID, bool] = {}

    def batch(self) -> Audience:
        return Audience(self.reader_for, self.forgotten)

    def choose(
        self, viewer: Viewer, found: Found, types: Collection[str] | None = None
    ) -> tuple[Found, Section] | None:
        """The first notification of the event the reader wants (`types`; None: all) and
        may be told, with the section it is told as; None: nothing of it for this reader."""
        for each in found.each():
            if types is not None and each.notice.type not in types:
                continue
            section = self.section(viewer, each)
            if section is not None:
                return each, section
        return None

    def section(self, viewer: Viewer, found: Found) -> Section | None:
        if any(self.is_forgotten(each) for each in found.notice.named):
            return None
        if found.notice.audience is not None:  # told as a view reads it (flags, a queue)
            return found.notice.audience(viewer.caller)
        participant_id = found.notice.participant_id
        if participant_id is None:
            return None
        key = (viewer.agency, viewer.role, participant_id)
        if key not in self.readers:
            read = partial(self.reader, viewer, participant_id)
            self.readers[key] = or_set_aside(read, "notification_reader", position=found.position)
        reader = self.readers[key]
        return reader.shows(found.event) if reader is not None else None

    def is_forgotten(self, participant_id: UUID) -> bool:
        if participant_id not in self.gone:
            self.gone[participant_id] = self.forgotten(participant_id)
        return self.gone[participant_id]

    def reader(self, viewer: Viewer, participant_id: UUID) -> EventReader | None:
        try:
            return self.reader_for(viewer, participant_id)
        except (NotFound, ParticipantForgotten):  # forgotten, its receipt not yet kept
            return None


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

    def __init__(self, log: NotificationLog, audience: Audience, budget_seconds: float = 2) -> None:
        self.log = log
        self.audience = audience
        self.budget_seconds = budget_seconds  # then the page ends early, with its cursor

    def page(self, viewer: Viewer, after: int, limit: int) -> Shown[FeedPage]:
        """Up to `limit` items after `after`; `next` is where to read on, None at the head.
        A page also ends when its time is up (with some progress made): the cursor says
        how far it read, so a caller whose agency is told little still moves on."""
        items: list[FeedItem] = []
        disclosures: list[Disclosure] = []
        audience, position = self.audience.batch(), after
        deadline = time.monotonic() + self.budget_seconds

        def ended(at_head: bool) -> Shown[FeedPage]:
            cursor = None if at_head else str(position)
            return Shown(FeedPage(items, cursor), tuple(disclosures))

        while True:
            found, last = self.log.after(position, PAGE)
            if last == position:
                return ended(at_head=True)
            for each in found:
                late = position > after and time.monotonic() > deadline
                if len(items) == limit or late:
                    return ended(at_head=False)
                chosen, position = audience.choose(viewer, each), each.position
                if chosen is not None:
                    shown, section = chosen
                    item_id = feed_id(viewer.agency, each.position)
                    items.append(FeedItem(item_id, each.position, shown.body()))
                    disclosures.extend(told(shown, section))
            position = last
            if time.monotonic() > deadline:
                return ended(at_head=False)


def told(found: Found, section: Section) -> list[Disclosure]:
    """A notification discloses the participant it names (a missed diversion names none)."""
    detail = f"notification {found.notice.type} at {found.position}"
    return [Disclosure(each, frozenset({section}), detail) for each in found.notice.named]
