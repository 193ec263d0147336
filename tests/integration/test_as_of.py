"""A participant as known at a moment: the version is found by binary search over recorded
times (a handful of reads however long the history) and loaded from the nearest snapshot."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.base import Meta
from domain.errors import NotFound
from infra.clock import SettableClock
from services.container import Container
from services.context import RequestContext
from tests.conftest import START
from tests.integration.audit_support import refer_people

pytestmark = pytest.mark.integration

CASE_MANAGER = RequestContext(Meta("cm-1", "lead-cm-case_manager", "lead-cm", "case_manager"))


def counting_reads(container: Container) -> list[Any]:
    calls: list[Any] = []
    recorder = container.store.recorder
    original = recorder.select_events

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    recorder.select_events = counted  # type: ignore[method-assign]
    return calls


def test_as_of_finds_each_version_in_a_long_history(
    container: Container, clock: SettableClock
) -> None:
    (participant_id,) = refer_people(container, clock, 1)  # version 1 recorded at START + 1 min
    for _ in range(129):  # versions 2..130, one minute apart; snapshots every 50
        clock.advance(timedelta(minutes=1))
        container.participants.record_contact(CASE_MANAGER, participant_id, clock.now(), "phone")
    store = container.store
    first = START + timedelta(minutes=1)
    assert store.table.version_known_at(participant_id, first - timedelta(seconds=1)) is None
    assert store.table.version_known_at(participant_id, first) == 1
    assert (
        store.table.version_known_at(participant_id, first + timedelta(minutes=75, seconds=30))
        == 76
    )
    assert store.table.version_known_at(participant_id, first + timedelta(days=1)) == 130
    calls = counting_reads(container)
    then = container.reader.as_known_at(participant_id, first + timedelta(minutes=99))
    assert then.version == 100
    assert then.engagement.contacts == 99
    assert len(calls) <= 12  # log2(130) probes, not 130 reads


def test_as_of_before_the_participant_existed_is_not_found(
    container: Container, clock: SettableClock
) -> None:
    (participant_id,) = refer_people(container, clock, 1)
    with pytest.raises(NotFound):
        container.reader.as_known_at(participant_id, START)
