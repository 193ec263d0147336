"""The events table adapter on both stores: its own reads (binary tuples on PostgreSQL, the
library's on SQLite) return what the library's reader returns, and the store's mapper decodes
every event type the service declares as the library's plain mapper does; positions, the head,
topic counts and a command's events after the versions it holds agree with the store."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from eventsourcing.domain import Aggregate
from hypothesis import given, settings
from hypothesis import strategies as st

from services.container import Container
from tests.event_samples import events_of, stored_event_classes, typed

pytestmark = pytest.mark.integration

EVENT_TYPES = stored_event_classes()


def write(container: Container, events: list[Aggregate.Event]) -> None:
    mapper = container.store.mapper
    container.store.recorder.insert_events([mapper.to_stored_event(e) for e in events])


def one_of_each() -> st.SearchStrategy[tuple[Any, ...]]:
    return st.tuples(*(events_of(cls) for cls in EVENT_TYPES))


def first_of_each() -> tuple[Aggregate.Event, ...]:
    """One event of each type, the same on every run."""
    drawn: list[tuple[Aggregate.Event, ...]] = []

    @settings(max_examples=1, derandomize=True, database=None)
    @given(one_of_each())
    def draw(events: tuple[Aggregate.Event, ...]) -> None:
        drawn.append(events)

    draw()
    return drawn[0]


def test_its_reads_decode_every_event_type_as_the_library_does(container: Container) -> None:
    table, recorder = container.store.table, container.store.recorder

    @settings(max_examples=3, derandomize=True, database=None, deadline=None)
    @given(one_of_each())
    def reads_alike(events: tuple[Aggregate.Event, ...]) -> None:
        head = table.head()
        write(container, list(events))
        ours = table.notifications(head, 1000)
        theirs = recorder.select_notifications(start=head, limit=1000, inclusive_of_start=False)
        assert [n.id for n in ours] == [n.id for n in theirs]
        assert len(ours) == len(EVENT_TYPES)
        for mine, library in zip(ours, theirs, strict=True):
            decoded = container.store.mapper.to_domain_event(mine)  # type: ignore[arg-type]
            # the same (sealing) mapper: what is compared is the reading, ours or the library's
            expected = container.store.mapper.to_domain_event(library)  # type: ignore[arg-type]
            assert type(decoded) is type(expected)
            assert typed(vars(decoded)) == typed(vars(expected))

    reads_alike()


def test_positions_the_head_and_topic_counts_agree_with_the_store(container: Container) -> None:
    table = container.store.table
    write(container, list(first_of_each()))
    stored = table.notifications(0, 1000)
    assert table.head() == stored[-1].id
    for n in stored:
        assert table.position_of(n.originator_id, n.originator_version) == n.id  # type: ignore[arg-type]
    assert table.topic_counts() == Counter(n.topic for n in stored)
    wanted = sorted({n.topic for n in stored})[:3]
    chosen = table.notifications(0, 1000, wanted)
    assert [n.id for n in chosen] == [n.id for n in stored if n.topic in wanted]


def test_a_commands_events_after_its_versions_are_the_stores(container: Container) -> None:
    events = first_of_each()
    write(container, list(events))
    streams = [e.originator_id for e in events[:5]]
    later = {streams[0]: events[0].originator_version}  # nothing after its only event
    found = container.store.table.events_after(dict.fromkeys(streams[1:], 0) | later)
    assert set(found) == set(streams[1:])
    for stream, listed in found.items():
        expected = list(container.store.events.get(stream))
        assert [typed(vars(e)) for e in listed] == [typed(vars(e)) for e in expected]
