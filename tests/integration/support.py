"""Builders the integration tests share: request contexts, synthetic people and referrals,
reading the store's global order, and threads released together by a barrier."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.base import Meta
from domain.values import (
    Arrest,
    Charge,
    Criteria,
    Identifier,
    Location,
    Person,
    PolicyTerms,
    Referral,
)
from infra.eventstore import LeadStore
from infra.settings import Settings
from services.container import Container
from services.context import RequestContext
from services.referrals.referrals import ReferralCommand
from tests.conftest import TEST_SECRET, empty_postgres

T = TypeVar("T")
POSSESSION = Charge("69.50.4013", "possession of a controlled substance")
BARRIER_TIMEOUT = 60


def sqlite_settings(template: Path, directory: Path) -> Settings:
    """A fresh copy of the migrated SQLite template."""
    path = directory / "lead.sqlite3"
    shutil.copy(template, path)
    return Settings(database_url=f"sqlite:///{path}", secret_key=TEST_SECRET, run_worker=False)


def postgres_settings(url: str) -> Settings:
    """The run's PostgreSQL database, emptied."""
    empty_postgres(url)
    return Settings(database_url=url, secret_key=TEST_SECRET, run_worker=False)


def context(
    role: str = "police",
    agency: str = "spd",
    *,
    key: str | None = None,
    fingerprint: str = "",
) -> RequestContext:
    meta = Meta(
        actor=f"{role}-1",
        client_id=f"{agency}-{role}",
        agency=agency,
        role=role,
        idempotency_key=key,
    )
    return RequestContext(meta=meta, fingerprint=fingerprint)


POLICE = context("police", "spd")
CASE_MANAGER = context("case_manager", "lead-cm")
SUPERVISOR = context("supervisor", "lead-cm")


def person(n: int) -> Person:
    return Person(
        given_name=f"Test{n}",
        family_name="Person",
        date_of_birth=date(1985, 3, 2),
        identifiers=(Identifier("spd-person", f"P-{n:05d}"),),
    )


def social_contact(n: int, referred_at: datetime) -> ReferralCommand:
    criteria = Criteria(chronic_law_violations=True, public_expectation_of_response=True)
    return ReferralCommand(person(n), Referral("social_contact", referred_at, criteria=criteria))


def arrest_diversion(n: int, referred_at: datetime) -> ReferralCommand:
    arrest = Arrest(
        charges=(POSSESSION,),
        location=Location("3rd Ave and Pine St", 47.61, -122.34),
        released_at=referred_at + timedelta(hours=1),
    )
    return ReferralCommand(person(n), Referral("arrest_diversion", referred_at, arrest=arrest))


def adopt_policy(container: Container, **terms: Any) -> None:
    """The site's policy, with the charge arrest diversions use on the divertible list."""
    policy = PolicyTerms(divertible_charges=(POSSESSION,), **terms)
    container.staff.set_policy(context("project_manager", "pcg"), policy)


def refer(container: Container, command: ReferralCommand) -> tuple[UUID, UUID]:
    """Refer through the service; the participant and referral ids."""
    recorded = container.referrals.refer(POLICE, command).result
    return recorded.participant_id, recorded.referral_id


def notifications(store: LeadStore) -> list[Notification]:
    return list(
        store.recorder.select_notifications(start=0, limit=100_000, inclusive_of_start=False)
    )


def notification_ids(store: LeadStore) -> list[int]:
    return [n.id for n in notifications(store)]


def count_events(store: LeadStore, event_class: type[Any]) -> int:
    topic = get_topic(event_class)
    return sum(1 for n in notifications(store) if n.topic == topic)


class EveryTopic(frozenset[str]):
    """The topics of a projection that wants every event, including ones added later."""

    def __contains__(self, topic: object) -> bool:
        return isinstance(topic, str)


ALL_TOPICS = EveryTopic()


def run_together(count: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """Run `work(i)` on `count` threads released at the same moment; results or exceptions."""
    barrier = threading.Barrier(count)

    def released(i: int) -> T:
        barrier.wait(timeout=BARRIER_TIMEOUT)
        return work(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(released, i) for i in range(count)]
    return [future.exception() or future.result() for future in futures]
