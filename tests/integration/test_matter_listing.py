"""A participant's legal matters as they are now are read in one query: a decision on one
matter lists all of them, and loading each (a snapshot look-up and a read apiece) made a busy
participant's every decision cost a round trip per matter. On both stores."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.base import Stamp
from domain.coordination import Coordination
from domain.legal_matter import LegalMatter
from domain.legal_values import MatterDetails
from domain.participant import Participant
from services.container import Container
from services.legal_coordination.listing import LegalMatterListing
from services.legal_coordination.store import LegalRepository
from tests.integration.support import adopt_policy, arrest_diversion, refer
from tests.integration.test_legal_reactions import OFFICER

pytestmark = pytest.mark.integration


def test_the_matters_now_are_read_at_once_and_as_of_a_moment_each(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    adopt_policy(container)
    participant_id, _ = refer(
        container, arrest_diversion(1, container.clock.now() - timedelta(days=1))
    )
    stamp = Stamp(OFFICER, container.clock.now())
    record = Coordination.open(participant_id, stamp)
    matters = []
    for n in range(6):
        opened = container.clock.now() + timedelta(minutes=n)
        matter = LegalMatter.open(
            uuid4(), participant_id, "pending_case", MatterDetails(case_number=f"26-{n}"),
            opened, stamp,
        )  # fmt: skip
        record.link_matter(matter.id, matter.kind, stamp)
        matters.append(matter)
    container.store.save(record, *matters)
    legal = LegalRepository(container.store)
    listing = LegalMatterListing(legal)
    participant: Participant = container.store.repository.get(participant_id)
    linked = listing.record(participant)
    everything_then = listing.matters(participant, linked, container.clock.now())
    loaded: list[Any] = []
    real_get = container.store.repository.get

    def counted(*args: Any, **kwargs: Any) -> Any:
        loaded.append(args)
        return real_get(*args, **kwargs)

    monkeypatch.setattr(container.store.repository, "get", counted)
    now = listing.matters(participant, linked)
    assert loaded == []  # not one load per matter
    assert [m.id for m in now] == [m.id for m in everything_then]
    assert {m.id for m in matters} < {m.id for m in now}  # and the arrest's diverted charge
    assert len(now) == 7
    assert [m.details.case_number for m in now if m.id in {x.id for x in matters}] == [
        f"26-{n}" for n in range(6)
    ]
