"""A store from before issue 18 (README: "Existing stores"): its participants' events are in
plain text. They still read; `leadctl migrate` says how many there are; forgetting one is
refused (409), since destroying a key would not remove their data, while a participant
recorded since is forgotten as usual."""

from __future__ import annotations

from uuid import uuid4

import pytest
from typer.testing import CliRunner

from cli.main import app as leadctl_app
from domain.errors import RecordNotSealed
from domain.participant import Participant
from domain.values import Person
from infra.eventstore import LeadStore, store_environment
from infra.plaintext import plaintext_participants
from services.container import Container
from services.forgetting.forget import ForgetCommand
from tests.integration.support import context
from tests.unit.builders import POLICY_VERSION, T0, TERMS, arrest_diversion, stamp

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
