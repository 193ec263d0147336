"""What the audit tests share: writing events through the service, and a database superuser
who edits the event store behind the service's back with raw SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import psycopg

from domain.base import Meta
from domain.values import Criteria, Identifier, Person, Referral
from infra.clock import SettableClock
from infra.settings import Settings
from services.container import Container
from services.context import RequestContext
from services.referrals.referrals import ReferralCommand
from tests.conftest import START

POLICE = RequestContext(Meta("officer-1", "spd-police", "spd", "police"))


def refer_people(
    container: Container, clock: SettableClock, count: int, first: int = 0
) -> list[UUID]:
    """`count` new people referred by social contact, a minute apart: two events each."""
    participants = []
    for n in range(first, first + count):
        clock.advance(timedelta(minutes=1))
        person = Person(
            f"Test{n}", "Person", date(1985, 3, 2), (Identifier("spd-person", f"P-{n:05d}"),)
        )
        referral = Referral(
            "social_contact",
            START,
            criteria=Criteria(chronic_law_violations=True, public_expectation_of_response=True),
        )
        recorded = container.referrals.refer(POLICE, ReferralCommand(person, referral)).result
        participants.append(recorded.participant_id)
    return participants


class Superuser:
    """Raw SQL on the store's own table, as a database superuser could run it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.postgres = settings.is_postgres
        self.table = "leadstore_events" if self.postgres else "stored_events"
        self.position = "notification_id" if self.postgres else "rowid"
        self.mark = "%s" if self.postgres else "?"

    @contextmanager
    def connect(self) -> Iterator[Any]:
        if self.postgres:
            with psycopg.connect(self.settings.database_url, autocommit=True) as conn:
                yield conn
            return
        conn = sqlite3.connect(self.settings.sqlite_path, isolation_level=None)
        try:
            yield conn
        finally:
            conn.close()

    def run(self, sql: str, *params: Any) -> list[Any]:
        sql = sql.replace("{t}", self.table).replace("{p}", self.position).replace("?", self.mark)
        with self.connect() as conn:
            cursor = conn.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else []

    def row(self, position: int) -> tuple[Any, ...]:
        found = self.run(
            "SELECT originator_id, originator_version, topic, state FROM {t} WHERE {p} = ?",
            position,
        )
        return tuple(found[0])

    def state(self, position: int) -> bytes:
        return bytes(self.row(position)[3])

    def set_state(self, position: int, state: bytes) -> None:
        self.run("UPDATE {t} SET state = ? WHERE {p} = ?", state, position)

    def delete(self, position: int) -> None:
        self.run("DELETE FROM {t} WHERE {p} = ?", position)

    def delete_after(self, position: int) -> None:
        self.run("DELETE FROM {t} WHERE {p} > ?", position)

    def insert(self, position: int, row: tuple[Any, ...]) -> None:
        self.run(
            "INSERT INTO {t} (originator_id, originator_version, topic, state, {p}) "
            "VALUES (?, ?, ?, ?, ?)",
            *row,
            position,
        )

    def make_room(self, position: int) -> None:
        """Move every event from `position` on one place up (two steps: ids stay unique)."""
        self.run("UPDATE {t} SET {p} = {p} + 1000000 WHERE {p} >= ?", position)
        self.run("UPDATE {t} SET {p} = {p} - 999999 WHERE {p} >= 1000000")

    def move(self, old: int, new: int) -> None:
        self.run("UPDATE {t} SET {p} = ? WHERE {p} = ?", new, old)

    def burn_position(self) -> None:
        """What a rolled-back insert does on PostgreSQL: a notification id nobody uses."""
        self.run("SELECT nextval(pg_get_serial_sequence('leadstore_events', 'notification_id'))")

    def rewrite_links_from(self, position: int, links: list[tuple[int, bytes]]) -> None:
        for at, link in links:
            if at >= position:
                self.run("UPDATE audit_chain SET link = ? WHERE position = ?", link, at)

    def drop_stored_checkpoints(self) -> None:
        self.run("DELETE FROM audit_checkpoints")

    def drop_links_after(self, position: int) -> None:
        self.run("DELETE FROM audit_chain WHERE position > ?", position)
