"""The participant list accounts for every participant it shows, and does it off the event
loop: the access log writes to the database when its buffer fills, and a write inside the
loop would stall every request of the process meanwhile."""

from __future__ import annotations

import threading
from uuid import UUID

import pytest

from infra.clock import SettableClock
from services.container import Container
from services.context import Viewer
from services.read_side.directory import DirectorySearch, ParticipantDirectory
from tests.integration.audit_support import refer_people

pytestmark = pytest.mark.integration

CASE_MANAGER = Viewer(client_id="lead-cm", agency="lead", role="case_manager")


async def test_the_list_records_its_reads_outside_the_event_loop(
    container: Container, clock: SettableClock
) -> None:
    people = refer_people(container, clock, 3)
    recorded: list[tuple[str, list[UUID]]] = []

    def record_reads(viewer: Viewer, named: list[UUID], sections: list[str]) -> None:
        assert viewer == CASE_MANAGER and "status" in sections
        recorded.append((threading.current_thread().name, named))

    read_side = container.read_side
    directory = ParticipantDirectory(
        container.async_sql, read_side.freshness, container.reader, record_reads
    )
    head = container.store.table.head()
    page = await directory.search(CASE_MANAGER, DirectorySearch(min_position=head))
    assert {UUID(item["participant_id"]) for item in page["items"]} == set(people)
    [(thread, named)] = recorded
    assert set(named) == set(people)
    assert thread != threading.current_thread().name  # the loop's thread did not write
