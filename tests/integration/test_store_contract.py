"""The event store contract, once, run on each backend: what is saved reads back, positions
are the store's notification ids in order, snapshots are taken and faithful, and any past
version of an aggregate can be rebuilt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.caseloads import CASELOADS_ID, Caseloads
from domain.participant import Participant
from domain.policy import SITE_POLICY_ID
from domain.values import PolicyTerms
from infra.eventstore import LeadStore, open_store, store_environment
from infra.keys import open_keyring
from infra.settings import Settings
from services.container import Container
from services.context import Viewer
from tests.conftest import START
from tests.integration.support import (
    CASE_MANAGER,
    POLICE,
    SUPERVISOR,
    adopt_policy,
    context,
    notification_ids,
    person,
    postgres_settings,
    refer,
    social_contact,
    sqlite_settings,
)

pytestmark = pytest.mark.integration

AUDITOR = Viewer(client_id="audit-auditor", agency="audit", role="auditor")


@pytest.fixture
def events_only(settings: Settings) -> Iterator[LeadStore]:
    """The same database read without snapshots: aggregates rebuilt from events alone."""
    env = store_environment(settings) | {"IS_SNAPSHOTTING_ENABLED": "n"}
    store = LeadStore(env=env, keyring=open_keyring(settings))
    assert store.snapshots is None
    yield store
    store.close()


def record_contacts(container: Container, participant_id: UUID, count: int) -> list[Any]:
    """One event per save, each a minute later than the one before."""
    return [
        container.participants.record_contact(
            CASE_MANAGER, participant_id, START - timedelta(hours=2) + timedelta(minutes=i), "field"
        )
        for i in range(count)
    ]


class StoreContract:
    """Subclasses provide the `settings` fixture of their backend."""

    def test_a_referral_saved_through_the_services_reads_back(
        self, container: Container, settings: Settings
    ) -> None:
        participant_id, referral_id = refer(
            container, social_contact(1, START - timedelta(hours=1))
        )
        participant: Participant = container.store.repository.get(participant_id)
        assert participant.person == person(1)
        assert participant.status == "referred"
        assert [r.referral_id for r in participant.referrals] == [referral_id]
        (view, version) = container.reader.view(AUDITOR, participant_id).answer
        assert view.person is not None
        assert (view.person.given_name, view.status, version) == ("Test1", "referred", 1)
        elsewhere = open_store(settings)  # not this process's objects: what the database holds
        try:
            assert elsewhere.repository.get(participant_id) == participant
        finally:
            elsewhere.close()

    def test_positions_are_notification_ids_in_strictly_increasing_order(
        self, container: Container
    ) -> None:
        outcomes = []
        for n in (1, 2):
            outcomes.append(container.referrals.refer(POLICE, social_contact(n, START)))
            assert outcomes[-1].position == container.store.table.head()
        first = outcomes[0].result.participant_id
        claim = container.store.claim_ids.index_id(
            person(1).identifiers[0], "spd"
        )  # unregistered: scoped
        assert container.store.table.position_of(first) < outcomes[0].position
        assert container.store.table.position_of(claim) <= outcomes[0].position
        for _ in range(3):
            outcomes += record_contacts(container, first, 1)
            version = outcomes[-1].result.version
            assert outcomes[-1].position == container.store.table.position_of(first, version)
            assert outcomes[-1].position == container.store.table.head()
        positions = [outcome.position for outcome in outcomes]
        ids = notification_ids(container.store)
        assert positions == sorted(set(positions))
        assert ids == sorted(set(ids))
        assert set(positions) <= set(ids)

    def test_a_participant_is_snapshotted_every_50_events_and_reads_back_identical(
        self, container: Container, events_only: LeadStore
    ) -> None:
        participant_id, _ = refer(container, social_contact(1, START - timedelta(hours=3)))
        record_contacts(container, participant_id, 55)
        snapshots = list(container.store.snapshots.get(participant_id))  # type: ignore[union-attr]
        assert [snapshot.originator_version for snapshot in snapshots] == [50]
        assert snapshots[0].mutate(None) == events_only.repository.get(participant_id, version=50)
        participant: Participant = container.store.repository.get(participant_id)
        assert participant == events_only.repository.get(participant_id)
        assert (participant.version, participant.engagement.contacts) == (56, 55)

    def test_caseloads_and_policy_snapshots_read_back_identical(
        self, container: Container, events_only: LeadStore
    ) -> None:
        adopt_policy(container)
        for days in range(19):
            terms = PolicyTerms(intake_deadline_days=30 + days)
            container.staff.set_policy(context("project_manager", "pcg"), terms)
        participants = [refer(container, social_contact(n, START))[0] for n in (1, 2)]
        case_manager = container.staff.register_case_manager(
            SUPERVISOR, "Alex"
        ).result.case_manager_id
        for participant_id in participants:
            container.caseload.assign_case_manager(SUPERVISOR, participant_id, case_manager)
        for n in range(47):
            container.staff.register_case_manager(SUPERVISOR, f"Case manager {n}")
        for aggregate_id, version in ((SITE_POLICY_ID, 20), (CASELOADS_ID, 50)):
            snapshots = list(container.store.snapshots.get(aggregate_id))  # type: ignore[union-attr]
            assert [snapshot.originator_version for snapshot in snapshots] == [version]
            assert container.store.repository.get(aggregate_id) == events_only.repository.get(
                aggregate_id
            )
        caseloads: Caseloads = container.store.repository.get(CASELOADS_ID)
        assert caseloads.version == 51
        assert caseloads.assigned[case_manager] == set(participants)

    def test_any_past_version_is_rebuilt_as_it_was(self, container: Container) -> None:
        participant_id, _ = refer(container, social_contact(1, START - timedelta(hours=3)))
        seen: dict[int, Participant] = {1: container.store.repository.get(participant_id)}
        for _ in range(54):
            version = record_contacts(container, participant_id, 1)[0].result.version
            seen[version] = container.store.repository.get(participant_id)
        for version in (1, 2, 30, 49, 50, 51, 55):
            rebuilt: Participant = container.store.repository.get(participant_id, version=version)
            assert rebuilt == seen[version]
            assert rebuilt.version == version
            assert rebuilt.engagement.contacts == version - 1


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    def settings(self, sqlite_template: Path, tmp_path: Path) -> Settings:
        return sqlite_settings(sqlite_template, tmp_path)


@pytest.mark.postgres
class TestPostgresStore(StoreContract):
    @pytest.fixture
    def settings(self, postgres_url: str) -> Settings:
        return postgres_settings(postgres_url)
