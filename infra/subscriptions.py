"""Webhook subscriptions, their allowed hosts and their delivery attempts, in SQL. Every change
a deliverer makes is conditional on its lease, so a deliverer that lost its lease (paused, or
presumed dead) can never move a subscription's position."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from cryptography.fernet import Fernet
from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from infra.sql_locks import take_sqlite_writer_lock
from infra.tables import webhook_deliveries, webhook_hosts, webhook_subscriptions

S = webhook_subscriptions
ACTIVE, DISABLED, DELETED = "active", "disabled", "deleted"
SUBSCRIPTION_LOCKS = 0x1EAD_0002  # advisory lock space: one lock per agency, keyed by its hash


class Added(StrEnum):
    ADDED = "added"
    RETRIED = "retried"  # a subscription with the same client key exists (a concurrent retry)
    AT_CAP = "at_cap"  # the agency has as many active subscriptions as it may


@dataclass(frozen=True)
class SubscriptionRow:
    subscription_id: UUID
    agency: str
    role: str
    client_id: str
    url: str
    types: tuple[str, ...]
    description: str
    secret: str
    previous_secret: str | None
    previous_secret_until: datetime | None
    status: str
    status_reason: str | None
    created_at: datetime
    position: int
    attempts: int
    failing_since: datetime | None
    next_attempt_at: datetime | None
    client_key: str | None = None  # "client_id key" of the POST that made it
    fingerprint: str | None = None
    rotation_key: str | None = None

    @classmethod
    def of(cls, row: Any) -> SubscriptionRow:
        values = dict(row._mapping)
        values["types"] = tuple(json.loads(values["types"]))
        for name in ("lease_owner", "lease_until"):
            values.pop(name, None)
        return cls(**{name: utc(value) for name, value in values.items()})


@dataclass(frozen=True)
class DeliveryRow:
    webhook_id: str
    position: int
    type: str
    attempted_at: datetime
    status_code: int | None
    error: str | None
    lag_ms: int | None


class SecretBox:
    """Webhook secrets at rest: encrypted (Fernet: AES-128-CBC and HMAC-SHA256) with a key
    kept outside the database, so a copy of the database signs nothing."""

    def __init__(self, key: bytes) -> None:
        self.fernet = Fernet(key)

    def seal(self, secret: str | None) -> str | None:
        return None if secret is None else self.fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str | None) -> str | None:
        return None if sealed is None else self.fernet.decrypt(sealed.encode()).decode()


class Subscriptions:
    def __init__(self, engine: Engine, box: SecretBox) -> None:
        self.engine = engine
        self.box = box

    def row(self, found: Any) -> SubscriptionRow:
        row = SubscriptionRow.of(found)
        secret = self.box.open(row.secret) or ""
        return replace(row, secret=secret, previous_secret=self.box.open(row.previous_secret))

    def allow_host(self, agency: str, host: str, now: datetime) -> None:
        postgres = self.engine.dialect.name == "postgresql"
        statement = (pg_insert if postgres else sqlite_insert)(webhook_hosts).values(
            agency=agency, host=host.lower(), allowed_at=now
        )
        with self.engine.begin() as conn:
            conn.execute(statement.on_conflict_do_nothing(index_elements=["agency", "host"]))

    def hosts(self, agency: str) -> frozenset[str]:
        table = webhook_hosts
        with self.engine.connect() as conn:
            found = conn.execute(select(table.c.host).where(table.c.agency == agency))
            return frozenset(found.scalars())

    def add(self, row: SubscriptionRow, cap: int) -> Added:
        """The row, unless its agency has `cap` active subscriptions already: counted and
        added under a lock per agency, so concurrent requests never add past the cap."""
        values = vars(row) | {
            "types": json.dumps(list(row.types)),
            "secret": self.box.seal(row.secret),
        }
        try:
            with self.engine.begin() as conn:
                lock_agency(conn, row.agency)
                if active_count(conn, row.agency) >= cap:
                    return Added.AT_CAP
                conn.execute(insert(S).values(**values))
        except IntegrityError:
            return Added.RETRIED
        return Added.ADDED

    def by_client_key(self, client_key: str) -> SubscriptionRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(S).where(S.c.client_key == client_key)).first()
        return self.row(row) if row is not None else None

    def get(self, subscription_id: UUID) -> SubscriptionRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(S).where(S.c.subscription_id == subscription_id)).first()
        return self.row(row) if row is not None else None

    def listed(self, agency: str | None = None) -> list[SubscriptionRow]:
        query = select(S).where(S.c.status != DELETED).order_by(S.c.created_at)
        if agency is not None:
            query = query.where(S.c.agency == agency)
        with self.engine.connect() as conn:
            return [self.row(row) for row in conn.execute(query)]

    def active_ids(self) -> list[UUID]:
        with self.engine.connect() as conn:
            found = conn.execute(select(S.c.subscription_id).where(S.c.status == ACTIVE))
            return list(found.scalars())

    def set_status(self, subscription_id: UUID, status: str, reason: str | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(S)
                .where(S.c.subscription_id == subscription_id)
                .values(status=status, status_reason=reason, lease_owner=None, lease_until=None)
            )

    def rotate(
        self,
        subscription_id: UUID,
        secret: str,
        previous: str,
        previous_until: datetime,
        key: str | None,
    ) -> bool:
        """Conditional on the secret rotated from: a concurrent rotation makes this one lose."""
        with self.engine.begin() as conn:
            sealed = conn.execute(
                select(S.c.secret).where(S.c.subscription_id == subscription_id)
            ).scalar()
            if sealed is None or self.box.open(sealed) != previous:
                return False
            changed = conn.execute(
                update(S)
                .where(S.c.subscription_id == subscription_id, S.c.secret == sealed)
                .values(
                    secret=self.box.seal(secret),
                    previous_secret=self.box.seal(previous),
                    previous_secret_until=previous_until,
                    rotation_key=key,
                )
            )
        return changed.rowcount == 1

    def claim(self, subscription_id: UUID, owner: str, now: datetime, until: datetime) -> bool:
        """Take (or renew) the lease: one deliverer per subscription across processes."""
        free = or_(S.c.lease_owner.is_(None), S.c.lease_until < now, S.c.lease_owner == owner)
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(S)
                .where(S.c.subscription_id == subscription_id, S.c.status == ACTIVE, free)
                .values(lease_owner=owner, lease_until=until)
            )
        return taken.rowcount == 1

    def release(self, subscription_id: UUID, owner: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(S)
                .where(S.c.subscription_id == subscription_id, S.c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )

    def advance(self, subscription_id: UUID, owner: str, position: int) -> bool:
        """Done with everything up to `position`: the next one owed starts afresh."""
        return self.leased_update(
            subscription_id,
            owner,
            position=position,
            attempts=0,
            failing_since=None,
            next_attempt_at=None,
        )

    def failed(
        self, subscription_id: UUID, owner: str, attempts: int, since: datetime, retry: datetime
    ) -> bool:
        return self.leased_update(
            subscription_id, owner, attempts=attempts, failing_since=since, next_attempt_at=retry
        )

    def disable(self, subscription_id: UUID, owner: str, reason: str) -> bool:
        return self.leased_update(
            subscription_id, owner, status=DISABLED, status_reason=reason, lease_owner=None
        )

    def leased_update(self, subscription_id: UUID, owner: str, **values: Any) -> bool:
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(S)
                .where(S.c.subscription_id == subscription_id, S.c.lease_owner == owner)
                .values(**values)
            )
        return changed.rowcount == 1

    def acknowledged(self, subscription_id: UUID, owner: str, attempt: DeliveryRow) -> bool:
        """The receiver's 2xx, recorded and the position moved past it, in one transaction."""
        table = webhook_deliveries
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "postgresql":
                # Not waiting for the flush: a kill of the service loses nothing committed;
                # only a crash of PostgreSQL itself may re-send the last few acknowledged.
                conn.execute(text("SET LOCAL synchronous_commit = off"))
            moved = conn.execute(
                update(S)
                .where(S.c.subscription_id == subscription_id, S.c.lease_owner == owner)
                .values(position=attempt.position, attempts=0, failing_since=None)
                .values(next_attempt_at=None)
            )
            if moved.rowcount != 1:
                conn.rollback()
                return False
            conn.execute(insert(table).values(subscription_id=subscription_id, **vars(attempt)))
        return True

    def record_attempt(self, subscription_id: UUID, attempt: DeliveryRow) -> None:
        table = webhook_deliveries
        with self.engine.begin() as conn:
            conn.execute(insert(table).values(subscription_id=subscription_id, **vars(attempt)))

    def prune(self, subscription_id: UUID, keep: int) -> None:
        """Only the latest `keep` attempts of this subscription are kept."""
        table = webhook_deliveries
        with self.engine.begin() as conn:
            cutoff = conn.execute(
                select(table.c.delivery_id)
                .where(table.c.subscription_id == subscription_id)
                .order_by(table.c.delivery_id.desc())
                .offset(keep)
                .limit(1)
            ).scalar()
            if cutoff is not None:
                conn.execute(
                    delete(table).where(
                        table.c.subscription_id == subscription_id, table.c.delivery_id <= cutoff
                    )
                )

    def attempts(self, subscription_id: UUID, limit: int) -> list[DeliveryRow]:
        table = webhook_deliveries
        columns = [table.c[name] for name in DeliveryRow.__dataclass_fields__]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*columns)
                .where(table.c.subscription_id == subscription_id)
                .order_by(table.c.delivery_id.desc())
                .limit(limit)
            )
            return [DeliveryRow(*(utc(value) for value in row)) for row in rows]


def utc(value: Any) -> Any:
    """SQLite hands times back without their offset: they were stored in UTC."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def lock_agency(conn: Connection, agency: str) -> None:
    """Held to the end of the transaction: PostgreSQL's advisory lock for the agency, or
    SQLite's single writer lock taken up front."""
    if conn.dialect.name == "postgresql":
        key = text("SELECT pg_advisory_xact_lock(:space, hashtext(:agency))")
        conn.execute(key, {"space": SUBSCRIPTION_LOCKS, "agency": agency})
    else:
        take_sqlite_writer_lock(conn)


def active_count(conn: Connection, agency: str) -> int:
    counted = select(func.count()).where(S.c.agency == agency, S.c.status == ACTIVE)
    return int(conn.execute(counted).scalar_one())
