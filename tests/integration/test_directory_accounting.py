"""The participant list accounts for every participant it shows, and does it off the event
loop: the access log writes to the database when its buffer fills, and a write inside the
loop would stall every request of the process meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import pytest

from domain.disclosure import Section
from infra.clock import SettableClock
from services.container import Container
from services.context import Viewer
from services.read_side.directory import DirectorySearch
from services.views.sections import Disclosure
from tests.integration.audit_support import refer_people

pytestmark = pytest.mark.integration

CASE_MANAGER = Viewer(client_id="lead-cm", agency="lead", role="case_manager")


class Recorder:
    """Stands in for the access log's recorder: which thread recorded what."""

    def __init__(self) -> None:
        self.recorded: list[tuple[str, list[Disclosure]]] = []

    def record(self, viewer: Viewer, disclosures: Iterable[Disclosure]) -> None:
        assert viewer == CASE_MANAGER
        self.recorded.append((threading.current_thread().name, list(disclosures)))


async def test_the_list_records_its_reads_outside_the_event_loop(
    container: Container, clock: SettableClock
) -> None:
    people = refer_people(container, clock, 3)
    recorder = Recorder()
    container.reads.accounting = recorder  # type: ignore[assignment]
    head = container.store.table.head()
    page = await container.reads.search(CASE_MANAGER, DirectorySearch(min_position=head))
    assert {item.participant_id for item in page.items} == set(people)
    [(thread, disclosed)] = recorder.recorded
    assert {d.participant_id for d in disclosed} == set(people)
    assert all(Section.PARTICIPATION in d.sections for d in disclosed)
    assert thread != threading.current_thread().name  # the loop's thread did not write
