"""The store's `save` collects events by class rather than through the library's runtime
Protocol checks: what it records is, byte for byte and in the same order, what the
library's own `save` records for the same aggregates (the in-memory store: no I/O)."""

from __future__ import annotations

from copy import deepcopy
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.application import Application

from domain.identifiers import SITE_WIDE, IdentifierClaim
from domain.participant import Participant
from domain.values import Identifier
from infra.eventstore import TRANSCODER, LeadStore
from services.idempotency import IdempotencyRecord
from tests.unit.builders import (
    PERSON,
    POLICY_VERSION,
    TERMS,
    arrest_diversion,
    refer_again,
    stamp,
)

pytestmark = pytest.mark.unit
ACCEPTED = True


def in_memory() -> LeadStore:
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.popo",
        "TRANSCODER_TOPIC": TRANSCODER,
        "IS_SNAPSHOTTING_ENABLED": "y",
    }
    return LeadStore(env=env)


def stored(store: LeadStore) -> list[Any]:
    return list(store.recorder.select_notifications(start=1, limit=1000))


def test_the_store_records_what_the_library_would_record() -> None:
    first = arrest_diversion()
    participant = Participant.refer(
        uuid4(), PERSON, uuid4(), first, ACCEPTED, TERMS, POLICY_VERSION, stamp()
    )
    refer_again(participant, arrest_diversion())
    identifier = Identifier("spd-booking", "B-7")
    claim = IdentifierClaim.claim(identifier, participant.id, stamp(), SITE_WIDE, uuid4())
    record = IdempotencyRecord.accept("spd-police", "key-1", "f", "done", {"a": 1}, stamp())
    saved = (participant, None, claim, record)
    ours, theirs = in_memory(), in_memory()

    recordings = ours.save(*deepcopy(saved))
    Application.save(theirs, *deepcopy(saved))

    assert stored(ours) == stored(theirs)
    assert [(r.notification.originator_id, r.notification.id) for r in recordings] == [
        (n.originator_id, n.id) for n in stored(theirs)
    ]
    assert len(stored(ours)) == participant.version + 2
    assert ours.repository.get(participant.id).version == participant.version
