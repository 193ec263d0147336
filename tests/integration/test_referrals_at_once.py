"""A new person's referral decided and saved on the event loop (PostgreSQL): it writes what
the library would write, and every assumption it made without reading the store (no claim
on the identifiers, the policy and caseloads as held in memory) is checked by the save, so a
stale one writes nothing and the store-reading path decides instead."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from copy import deepcopy
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from composition.bootstrap import build
from domain.base import Stamp
from domain.identifiers import SITE_WIDE, IdentifierClaim
from domain.participant import Participant
from domain.policy import SITE_POLICY_ID, SitePolicy
from domain.values import Identifier, IdentifierSystem, PolicyTerms
from infra.async_group_commit import array_literal, quoted
from infra.eventstore import TRANSCODER, LeadStore, NotAtOnce, open_store
from services.container import Container
from services.idempotency import IdempotencyRecord
from tests.conftest import START, register_agency
from tests.integration.support import (
    POLICE,
    POSSESSION,
    adopt_policy,
    arrest_diversion,
    context,
    count_events,
    notifications,
    postgres_settings,
    refer,
    social_contact,
)

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
ACCEPTED = True


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Container]:
    built = build(postgres_settings(postgres_url))
    adopt_policy(built)
    refer(built, social_contact(0, START))  # the full path: the site's copies are now held
    yield built
    built.close()


async def test_a_new_persons_referral_is_saved_on_the_loop_as_the_full_path_saves_it(
    pg: Container,
) -> None:
    before = len(notifications(pg.store))
    done = await pg.referrals.refer_at_once(POLICE, arrest_diversion(1, START))
    assert done is not None
    recorded = done.result
    written = notifications(pg.store)[before:]
    assert done.position == written[-1].id
    assert [n.id for n in written] == sorted(n.id for n in written)
    participant = pg.store.repository.get(recorded.participant_id)
    assert isinstance(participant, Participant)
    assert participant.person.identifiers == (Identifier("spd-person", "P-00001"),)
    assert participant.referral(recorded.referral_id).door == "arrest_diversion"
    # The claim names the new participant: the next referral of the identifiers joins it.
    again = refer(pg, arrest_diversion(1, START))
    assert again[0] == recorded.participant_id
    assert count_events(pg.store, IdentifierClaim.Claimed) == 2


async def test_an_identifier_claimed_since_writes_nothing_on_the_loop(pg: Container) -> None:
    before = len(notifications(pg.store))
    assert await pg.referrals.refer_at_once(POLICE, social_contact(0, START)) is None
    assert len(notifications(pg.store)) == before


async def test_a_claim_in_another_scope_the_full_path_looks_in_writes_nothing_on_the_loop(
    pg: Container,
) -> None:
    """Person 0's identifier was claimed in the police's own scope; once the site registers
    the system to them, a referral claims it site-wide but must still find person 0."""
    register_agency(pg, "spd")
    adopt_policy(pg, identifier_systems=(IdentifierSystem("spd-person", "spd"),))
    refer(pg, social_contact(1, START))  # the full path: the new policy is held
    before = len(notifications(pg.store))
    assert await pg.referrals.refer_at_once(POLICE, social_contact(0, START)) is None
    assert len(notifications(pg.store)) == before
    assert refer(pg, social_contact(0, START))[0] == participant_of(pg, 0)


def participant_of(pg: Container, n: int) -> object:
    (found,) = [
        e.originator_id
        for e in map(pg.store.mapper.to_domain_event, notifications(pg.store))
        if isinstance(e, Participant.Referred) and e.person.given_name == f"Test{n}"
    ]
    return found


async def test_a_policy_changed_since_the_copy_writes_nothing_on_the_loop(
    pg: Container,
) -> None:
    stamp = Stamp(context("project_manager", "pcg").meta, START)
    policy = pg.store.repository.get(SITE_POLICY_ID)
    assert isinstance(policy, SitePolicy)
    policy.change(PolicyTerms(divertible_charges=(POSSESSION,)), stamp)
    pg.store.save(policy)  # around the held copy, as another process would
    before = len(notifications(pg.store))
    assert await pg.referrals.refer_at_once(POLICE, social_contact(2, START)) is None
    assert len(notifications(pg.store)) == before
    refer(pg, social_contact(2, START))  # the full path reads the new version, and holds it
    assert await pg.referrals.refer_at_once(POLICE, social_contact(3, START)) is not None


async def test_concurrent_referrals_of_one_new_identifier_make_one_participant(
    pg: Container,
) -> None:
    tries = [pg.referrals.refer_at_once(POLICE, social_contact(7, START)) for _ in range(8)]
    tries += [pg.referrals.refer_at_once(POLICE, social_contact(100 + n, START)) for n in range(8)]
    done = await asyncio.gather(*tries)
    same, others = done[:8], done[8:]
    assert sum(outcome is not None for outcome in same) == 1
    assert all(outcome is not None for outcome in others)
    positions = [outcome.position for outcome in done if outcome is not None]
    assert len(set(positions)) == len(positions)
    assert count_events(pg.store, Participant.Referred) == 1 + 1 + 8


async def test_a_replayed_key_writes_nothing_on_the_loop(pg: Container) -> None:
    keyed = context("police", "spd", key="k-1", fingerprint="f-1")
    first = await pg.referrals.refer_at_once(keyed, social_contact(9, START))
    assert first is not None
    before = len(notifications(pg.store))
    assert await pg.referrals.refer_at_once(keyed, social_contact(9, START)) is None
    assert len(notifications(pg.store)) == before
    replayed = pg.referrals.refer(keyed, social_contact(9, START))
    assert replayed.replayed
    assert replayed.result == first.result


async def test_events_saved_on_the_loop_are_byte_for_byte_the_librarys(
    postgres_url: str,
) -> None:
    """A plaintext store (sealing draws a fresh nonce per event): the rows the loop's append
    wrote equal those the library's own `save` writes for the same aggregates."""
    store = open_store(postgres_settings(postgres_url), sealed=False)
    library = LeadStore(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo", "TRANSCODER_TOPIC": TRANSCODER}
    )
    try:
        stamp = Stamp(POLICE.meta, START)
        command = arrest_diversion(4, START)
        terms = PolicyTerms(divertible_charges=(POSSESSION,))
        participant = Participant.refer(
            uuid4(), command.person, uuid4(), command.referral, ACCEPTED, terms, 1, stamp
        )
        identifier = command.person.identifiers[0]
        claim = IdentifierClaim.claim(identifier, participant.id, stamp, SITE_WIDE, uuid4())
        record = IdempotencyRecord.accept("spd-police", "k", "f", "done", {"a": 1}, stamp)
        saved = [participant, claim, record]
        position = await store.save_at_once(deepcopy(saved), {claim.id: 0})
        Application.save(library, *deepcopy(saved))
        rows = [
            (n.originator_id, n.originator_version, n.topic, n.state) for n in notifications(store)
        ]
        theirs = [
            (n.originator_id, n.originator_version, n.topic, n.state)
            for n in notifications(library)
        ]
        assert rows == theirs
        assert position == notifications(store)[-1].id
        other = IdempotencyRecord.accept("spd-police", "k-2", "f", "done", {"a": 1}, stamp)
        with pytest.raises(IntegrityError):  # the claim now exists: the expectation fails
            await store.save_at_once([other], {claim.id: 0})
        assert notifications(store)[-1].id == position  # and nothing was written
        with pytest.raises(NotAtOnce):  # nothing to append
            await store.save_at_once([], {})
    finally:
        store.close()
        library.close()


async def test_spare_keys_are_made_off_the_event_loop(
    pg: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Making a batch of data keys is a transaction: it must not stall every request the
    loop serves."""
    keyring = pg.store.keyring
    assert keyring is not None
    made_on: list[str] = []
    make_keys = keyring.make_keys

    def recorded(count: int) -> list[Any]:
        made_on.append(threading.current_thread().name)
        return make_keys(count)

    monkeypatch.setattr(keyring, "make_keys", recorded)
    keyring.spare = []
    assert await pg.referrals.refer_at_once(POLICE, social_contact(11, START)) is not None
    assert made_on
    assert threading.main_thread().name not in made_on


async def test_a_lost_connection_fails_the_batch_and_the_next_save_reconnects(
    pg: Container, postgres_url: str
) -> None:
    assert await pg.referrals.refer_at_once(POLICE, social_contact(12, START)) is not None
    appender = pg.store.appender
    assert appender is not None
    assert appender.connection is not None
    backend = appender.connection.info.backend_pid
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
    before = len(notifications(pg.store))
    assert await pg.referrals.refer_at_once(POLICE, social_contact(13, START)) is None
    assert len(notifications(pg.store)) == before
    assert await pg.referrals.refer_at_once(POLICE, social_contact(13, START)) is not None


@pytest.mark.parametrize(
    "texts",
    [
        ["domain.participant:Participant.Referred", "services.idempotency:IdempotencyRecord"],
        ['a "quoted" topic', "back\\slash", "a,comma", "{braces}", "NULL", " spaced ", ""],
        ["é, ü and 😀", "tab\tnew\nline", '\\"', "'single'"],
    ],
)
def test_the_batchs_array_literals_are_read_back_as_sent(
    postgres_url: str, texts: list[str]
) -> None:
    """The async append sends its columns as array literals it writes itself: texts of any
    content come back whole (never split, never NULL), ids and numbers as they were."""
    ids = [uuid4() for _ in texts]
    numbers = [0, 1, -7, 2**31 - 1][: len(texts)]
    with psycopg.connect(postgres_url) as conn, psycopg.ClientCursor(conn) as cursor:
        cursor.execute(
            "SELECT %s::text[], %s::uuid[], %s::int8[]",
            (array_literal(quoted(texts)), array_literal(ids), array_literal(numbers)),
        )
        assert cursor.fetchone() == (texts, ids, numbers)
