"""An agency's webhook subscriptions: made, listed, read, deleted, their secret rotated, their
latest attempts shown. Only the owning agency sees or changes one (another agency gets the 404
an unknown id gets). A new subscription starts at the head of the log: it is told of what
happens from now on; what happened before is in the pull feed."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID, uuid4

from domain.errors import IdempotencyKeyReused, NotFound, StateConflict, SubscriptionLimitReached
from domain.notifications import NotificationType, new_secret
from infra.clock import Clock
from infra.subscriptions import (
    ACTIVE,
    DELETED,
    Added,
    DeliveryRow,
    SubscriptionRow,
    Subscriptions,
)
from services.context import Viewer
from services.notifications.urls import UrlPolicy

ROTATION_OVERLAP = timedelta(hours=24)  # both secrets sign for this long after a rotation
KEEP_ATTEMPTS = 100


@dataclass(frozen=True)
class NewSubscription:
    url: str
    types: tuple[NotificationType, ...]
    description: str = ""

    def fingerprint(self) -> str:
        text = json.dumps([self.url, sorted(self.types), self.description])
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Made:
    """A subscription and the secret it was given (shown this once, and to a retry of the
    same request with the same Idempotency-Key)."""

    subscription: SubscriptionRow
    secret: str
    replayed: bool = False


class SubscriptionService:
    def __init__(
        self,
        rows: Subscriptions,
        urls: UrlPolicy,
        clock: Clock,
        head: Callable[[], int],
        cap: int,
        random_bytes: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self.cap = cap  # active subscriptions per agency: each is followed by a thread
        self.rows = rows
        self.urls = urls
        self.clock = clock
        self.head = head
        self.random_bytes = random_bytes

    def create(self, viewer: Viewer, wanted: NewSubscription, key: str | None = None) -> Made:
        client_key = f"{viewer.client_id} {key}" if key else None
        replay = self.replay(client_key, wanted)
        if replay is not None:
            return replay
        url = self.urls.check(wanted.url, self.rows.hosts(viewer.agency))
        secret = new_secret(self.random_bytes(32))
        row = SubscriptionRow(
            subscription_id=uuid4(),
            agency=viewer.agency,
            role=viewer.role,
            client_id=viewer.client_id,
            url=url,
            types=tuple(dict.fromkeys(wanted.types)),
            description=wanted.description,
            secret=secret,
            previous_secret=None,
            previous_secret_until=None,
            status=ACTIVE,
            status_reason=None,
            created_at=self.clock.now(),
            position=self.head(),
            attempts=0,
            failing_since=None,
            next_attempt_at=None,
            client_key=client_key,
            fingerprint=wanted.fingerprint(),
        )
        added = self.rows.add(row, self.cap)
        if added is Added.AT_CAP:
            msg = f"the agency has {self.cap} active subscriptions: delete one first"
            raise SubscriptionLimitReached(msg)
        if added is Added.RETRIED:  # the same key, made meanwhile by a concurrent retry
            return self.replay(client_key, wanted) or Made(row, secret)
        return Made(row, secret)

    def replay(self, client_key: str | None, wanted: NewSubscription) -> Made | None:
        found = self.rows.by_client_key(client_key) if client_key else None
        if found is None:
            return None
        if found.fingerprint != wanted.fingerprint():
            raise IdempotencyKeyReused("Idempotency-Key reused with a different subscription")
        return Made(found, found.secret, replayed=True)

    def listed(self, viewer: Viewer) -> list[SubscriptionRow]:
        return self.rows.listed(viewer.agency)

    def get(self, viewer: Viewer, subscription_id: UUID) -> SubscriptionRow:
        row = self.rows.get(subscription_id)
        if row is None or row.agency != viewer.agency or row.status == DELETED:
            raise NotFound(f"subscription {subscription_id} not found")
        return row

    def delete(self, viewer: Viewer, subscription_id: UUID) -> None:
        self.get(viewer, subscription_id)
        self.rows.set_status(subscription_id, DELETED, f"deleted by {viewer.actor}")

    def rotate(self, viewer: Viewer, subscription_id: UUID, key: str | None = None) -> Made:
        """A retry with the key of the last rotation answers its secret again."""
        row = self.get(viewer, subscription_id)
        rotation_key = f"{viewer.client_id} {key}"[:255] if key else None
        if rotation_key is not None and row.rotation_key == rotation_key:
            return Made(row, row.secret, replayed=True)
        secret = new_secret(self.random_bytes(32))
        until = self.clock.now() + ROTATION_OVERLAP
        if not self.rows.rotate(subscription_id, secret, row.secret, until, rotation_key):
            raise StateConflict("the secret was rotated meanwhile; read it again")
        return Made(self.get(viewer, subscription_id), secret)

    def deliveries(self, viewer: Viewer, subscription_id: UUID, limit: int) -> list[DeliveryRow]:
        self.get(viewer, subscription_id)
        return self.rows.attempts(subscription_id, min(limit, KEEP_ATTEMPTS))
