"""The webhook deliverer: each subscription follows the event log from its own durable position,
in its own thread, under a lease (one deliverer per subscription across processes).

At least once and in order: the position moves past a notification only after the receiver's
2xx, so a crash re-sends at most the one in flight, with the same `webhook-id`. A failure holds
the subscription (not the others) and is retried with exponential backoff, for as long as it
keeps failing; a 410 disables it."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import structlog

from domain.errors import DomainError
from domain.notifications import backoff_seconds, webhook_id
from infra.clock import Clock
from infra.observability import (
    WEBHOOK_DELIVERIES,
    WEBHOOK_FAILURES,
    WEBHOOK_LAG,
    WEBHOOK_POSITION_LAG,
)
from infra.subscriptions import ACTIVE, DeliveryRow, SubscriptionRow, Subscriptions
from infra.webhook_http import Answer, Screen, WebhookSender, signed_headers
from services.audit.disclosures import DisclosureRecorder
from services.context import Viewer
from services.notifications.feed import Audience, Found, NotificationLog, told
from services.notifications.subscriptions import KEEP_ATTEMPTS
from services.notifications.urls import UrlPolicy

log = structlog.get_logger(__name__)
BATCH = 500


@dataclass(frozen=True)
class DeliveryTerms:
    timeout_seconds: float
    retry_base_seconds: float
    retry_cap_seconds: float
    poll_seconds: float

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=max(30.0, 2 * self.timeout_seconds + 5))


def viewer_of(row: SubscriptionRow) -> Viewer:
    return Viewer(
        row.client_id, row.agency, row.role, "notifier", endpoint=f"webhook {row.subscription_id}"
    )


class Deliverer:
    def __init__(
        self,
        rows: Subscriptions,
        events: NotificationLog,
        audience: Audience,
        recorder: DisclosureRecorder,
        urls: UrlPolicy,
        terms: DeliveryTerms,
        clock: Clock,
        sender: Callable[[float, Screen], WebhookSender] = WebhookSender,
        name: str = "",
    ) -> None:
        self.rows = rows
        self.events = events
        self.audience = audience
        self.recorder = recorder
        self.urls = urls
        self.terms = terms
        self.clock = clock  # the system clock: leases and retries are real time
        self.sender = sender
        self.owner = f"notifier-{name or uuid.uuid4().hex[:12]}"
        self.threads: dict[uuid.UUID, threading.Thread] = {}

    def run_until(self, stopping: threading.Event) -> None:
        """Start a follower for every active subscription this process can lease."""
        while not stopping.is_set():
            try:
                self.start_followers(stopping)
            except Exception:
                log.exception("notifier_scan_failed")
            stopping.wait(min(1.0, self.terms.poll_seconds * 5))
        for thread in self.threads.values():
            thread.join(timeout=self.terms.timeout_seconds + 1)

    def start_followers(self, stopping: threading.Event) -> None:
        for subscription_id in self.rows.active_ids():
            running = self.threads.get(subscription_id)
            if running is not None and running.is_alive():
                continue
            if not self.lease(subscription_id):
                continue
            thread = threading.Thread(
                target=self.follow,
                args=(subscription_id, stopping),
                name=f"webhook-{subscription_id}",
                daemon=True,
            )
            self.threads[subscription_id] = thread
            thread.start()

    def lease(self, subscription_id: uuid.UUID) -> bool:
        now = self.clock.now()
        return self.rows.claim(subscription_id, self.owner, now, now + self.terms.lease)

    def follow(self, subscription_id: uuid.UUID, stopping: threading.Event) -> None:
        """Until stopped or the lease is lost (the scan starts a new follower later)."""
        sender = self.sender(self.terms.timeout_seconds, self.urls.connectable)
        try:
            while not stopping.is_set() and self.renewed(subscription_id):
                stopping.wait(self.guarded_step(subscription_id, sender))
        finally:
            sender.close()
            with contextlib.suppress(Exception):  # the database may be what failed
                self.rows.release(subscription_id, self.owner)

    def renewed(self, subscription_id: uuid.UUID) -> bool:
        try:
            return self.lease(subscription_id)
        except Exception:
            log.exception("webhook_lease_failed", subscription=str(subscription_id))
            return False

    def guarded_step(self, subscription_id: uuid.UUID, sender: WebhookSender) -> float:
        """A failing step (the database restarting) is logged and retried a little later."""
        try:
            return self.step(subscription_id, sender)
        except Exception:
            log.exception("webhook_step_failed", subscription=str(subscription_id))
            return self.terms.poll_seconds * 10

    def step(self, subscription_id: uuid.UUID, sender: WebhookSender) -> float:
        """Deliver what is owed next; the seconds to wait before the next step (0: go on)."""
        row = self.rows.get(subscription_id)
        if row is None or row.status != ACTIVE:
            return self.terms.poll_seconds
        now = self.clock.now()
        if row.next_attempt_at is not None and now < row.next_attempt_at:
            return min(1.0, (row.next_attempt_at - now).total_seconds())
        found, last = self.events.after(row.position, BATCH)
        WEBHOOK_POSITION_LAG.labels(str(subscription_id)).set(self.events.head() - row.position)
        if last == row.position:
            return self.terms.poll_seconds
        return self.deliver(row, found, last, sender)

    def deliver(
        self, row: SubscriptionRow, found: list[Found], last: int, sender: WebhookSender
    ) -> float:
        """In order, each notification the subscription may be told; then past the batch."""
        subscription_id = row.subscription_id
        refused = self.refusal(row)  # once a batch: the host may have moved or been disallowed
        viewer, delivered, audience = viewer_of(row), 0, self.audience.batch()
        renew_by = time.monotonic() + self.terms.lease.total_seconds() / 3
        for each in found:
            if time.monotonic() > renew_by:  # a slow receiver must not outlast the lease
                self.rows.advance(subscription_id, self.owner, row.position)
                return 0
            chosen = audience.choose(viewer, each, row.types)
            if chosen is None:
                row = replace(row, position=each.position)  # done with it: not for them
                continue
            sent, section = chosen
            answer = refused or self.send(row, sent, sender)
            attempt = self.attempt(row, sent, answer)
            if not answer.acknowledged:
                self.rows.record_attempt(subscription_id, attempt)
                self.failed(row, answer)
                return 0
            if not self.rows.acknowledged(subscription_id, self.owner, attempt):
                return self.terms.poll_seconds  # the lease is gone: another deliverer has it
            self.recorder.record(viewer, told(sent, section))
            row, delivered = self.acknowledged(row, sent), delivered + 1
        self.rows.advance(subscription_id, self.owner, last)
        if delivered:
            self.rows.prune(subscription_id, KEEP_ATTEMPTS)
        return 0

    def refusal(self, row: SubscriptionRow) -> Answer | None:
        try:
            self.urls.check(row.url, self.rows.hosts(row.agency))
        except DomainError as refused:
            return Answer(None, f"refused: {refused}")
        return None

    def send(self, row: SubscriptionRow, found: Found, sender: WebhookSender) -> Answer:
        now = self.clock.now()
        text = json.dumps(found.body(), separators=(",", ":"))
        message_id = webhook_id(row.subscription_id, found.position)
        headers = signed_headers(self.secrets(row, now), message_id, now, text)
        return sender.post(row.url, headers, text)

    def attempt(self, row: SubscriptionRow, found: Found, answer: Answer) -> DeliveryRow:
        now = self.clock.now()
        lag = (now - found.recorded_at).total_seconds()
        label = str(row.subscription_id)
        if answer.acknowledged:
            WEBHOOK_DELIVERIES.labels(label).inc()
            WEBHOOK_LAG.labels(label).observe(max(0.0, lag))
        else:
            WEBHOOK_FAILURES.labels(label).inc()
        return DeliveryRow(
            webhook_id(row.subscription_id, found.position),
            found.position,
            str(found.notice.type),
            now,
            answer.status_code,
            answer.error,
            int(lag * 1000) if answer.acknowledged else None,
        )

    @staticmethod
    def secrets(row: SubscriptionRow, now: datetime) -> list[str]:
        """During a rotation, both secrets sign: a receiver may still hold the old one."""
        until = row.previous_secret_until
        if row.previous_secret and until is not None and now < until:
            return [row.secret, row.previous_secret]
        return [row.secret]

    def failed(self, row: SubscriptionRow, answer: Answer) -> None:
        if answer.status_code == 410:
            self.rows.disable(row.subscription_id, self.owner, "the receiver answered 410 Gone")
            log.info("webhook_disabled", subscription=str(row.subscription_id))
            return
        now = self.clock.now()
        attempts = row.attempts + 1
        wait = backoff_seconds(
            attempts, self.terms.retry_base_seconds, self.terms.retry_cap_seconds
        )
        since = row.failing_since or now
        self.rows.failed(
            row.subscription_id, self.owner, attempts, since, now + timedelta(seconds=wait)
        )

    @staticmethod
    def acknowledged(row: SubscriptionRow, found: Found) -> SubscriptionRow:
        return replace(row, position=found.position, attempts=0, failing_since=None)
