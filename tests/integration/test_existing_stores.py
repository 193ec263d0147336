"""A store from before issue 18 (README: "Existing stores"): its participants' events are in
plain text. They still read; `leadctl migrate` says how many there are; forgetting one is
refused (409), since destroying a key would not remove their data, while a participant
recorded since is forgotten as usual."""

from __future__ import annotations

from uuid import uuid4

import pytest
from typer.testing import CliRunner

from cli.main import app as leadctl_app
from composition.bootstrap import build
from domain.errors import RecordNotSealed
from domain.identifiers import IdentifierClaim, legacy_index_id
from domain.participant import Participant
from domain.values import Identifier, Person
from infra.clock import SettableClock
from infra.eventstore import LeadStore, store_environment
from infra.plaintext import plaintext_participants
from infra.settings import Settings
from services.container import Container
from services.forgetting.forget import ForgetCommand
from services.referrals.referrals import ReferralCommand
from tests.integration.support import context
from tests.unit.builders import POLICY_VERSION, T0, TERMS, arrest_diversion, days, stamp

pytestmark = pytest.mark.integration

FORGET = ForgetCommand("court_order", "KCSC order 26-2-01234", "aud-1")
PM = context("project_manager", "pcg")
ACCEPTED = True


def recorded(store: LeadStore, given_name: str) -> Participant:
    person = Person(given_name, "Oldrecord")
    participant = Participant.refer(
        uuid4(), person, uuid4(), arrest_diversion(T0), ACCEPTED, TERMS, POLICY_VERSION, stamp()
    )
    store.save(participant)
    return participant


def test_a_plaintext_participant_reads_is_counted_and_is_not_forgotten(
    container: Container,
) -> None:
    plain = LeadStore(env=store_environment(container.settings))  # as before issue 18
    try:
        old = recorded(plain, "Beforekeys")
    finally:
        plain.close()
    new = recorded(container.store, "Afterkeys")
    assert b"Beforekeys" in container.store.table.first_state(old.id)
    assert b"Afterkeys" not in container.store.table.first_state(new.id)
    assert container.forgetting.repository.participant(old.id).person.given_name == "Beforekeys"
    assert plaintext_participants(container.settings) == 1

    env = {"LEAD_DATABASE_URL": container.settings.database_url}
    result = CliRunner().invoke(leadctl_app, ["migrate"], env=env)
    assert result.exit_code == 0, result.output
    assert "note: 1 participants were recorded before personal data was encrypted" in (
        result.stderr
    )

    head = container.store.table.head()
    with pytest.raises(RecordNotSealed):
        container.forgetting.forget(PM, old.id, FORGET)
    assert container.store.table.head() == head  # nothing recorded
    outcome = container.forgetting.forget(PM, new.id, FORGET)
    assert outcome.result.participant_id == new.id


def test_a_plaintext_stores_unkeyed_claims_are_still_found(settings: Settings) -> None:
    """Claims written before claim ids were keyed have the legacy (uuid5) ids: a store holding
    plaintext records looks them up after the keyed ones, so the same person referred again
    still converges; a new identifier's claim is keyed."""
    old_id, new_id = Identifier("spd-person", "L-1"), Identifier("spd-person", "L-2")
    police = context("police", "spd")
    plain_store = LeadStore(env=store_environment(settings))  # as before issue 18
    plain = build(settings, clock=SettableClock(T0 + days(1)), store=plain_store)
    try:
        plain.staff.set_policy(context("project_manager", "pcg"), TERMS)
        person = Person("Ada", "Legacy", None, (old_id,))
        first = plain.referrals.refer(police, ReferralCommand(person, arrest_diversion(T0)))
    finally:
        plain.close()
    owner = first.result.participant_id
    container = build(settings, clock=SettableClock(T0 + days(2)))
    try:
        ids = container.store.claim_ids
        assert ids.legacy and ids.key is not None
        legacy = container.referrals.repository.unsnapshotted(legacy_index_id(old_id, "spd"))
        assert isinstance(legacy, IdentifierClaim) and legacy.participant_id == owner
        assert container.referrals.repository.unsnapshotted(ids.index_id(old_id, "spd")) is None
        both = Person("Ada", "Legacy", None, (old_id, new_id))
        again = container.referrals.refer(police, ReferralCommand(both, arrest_diversion(T0)))
        assert again.result.participant_id == owner  # found by the legacy claim
        keyed = container.referrals.repository.unsnapshotted(ids.index_id(new_id, "spd"))
        assert isinstance(keyed, IdentifierClaim) and keyed.participant_id == owner
        assert container.referrals.repository.unsnapshotted(legacy_index_id(new_id, "spd")) is None
    finally:
        container.close()
