"""The notifications part of the composition root (called from `composition/bootstrap.py`)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Engine

from infra.clock import SystemClock
from infra.events_table.records import RawEvent, StoredEvents
from infra.eventstore import LeadStore
from infra.keys import Keys
from infra.receipt_store import ReceiptStore
from infra.resolver import resolve
from infra.settings import Settings
from infra.subscriptions import SecretBox, Subscriptions
from projections.engine import Projector
from services.audit.disclosures import DisclosureRecorder
from services.container import Notifications
from services.notifications.candidates import CandidateSearch
from services.notifications.deliverer import Deliverer, DeliveryTerms
from services.notifications.feed import Audience, NotificationFeed, NotificationLog, ReaderFor
from services.notifications.history_flags import HistoryFlags
from services.notifications.subscriptions import SubscriptionService
from services.notifications.urls import UrlPolicy


def build_notifications(
    settings: Settings,
    keys: Keys,
    store: LeadStore,
    sql: Engine,
    reader_for: ReaderFor,
    recorder: DisclosureRecorder,
    projector: Projector,
) -> Notifications:
    def decode(record: RawEvent) -> object:
        return store.mapper.to_domain_event(record.stored_event())

    def participant_of(record_id: UUID) -> UUID | None:
        """A coordination record's or legal matter's participant, named by its first event."""
        for opened in store.events.get(record_id, lte=1):
            return getattr(opened, "participant_id", None)
        return None

    # Subscriptions keep operational time, not business time: leases, retries and the 24
    # hours of a rotation run on the system clock, in every process alike.
    system = SystemClock()
    rows = Subscriptions(sql, SecretBox(keys.webhook_key))
    search = CandidateSearch(sql, projector)
    flags = HistoryFlags(sql, projector)
    events = NotificationLog(StoredEvents(sql), decode, participant_of, search, flags)
    audience = Audience(reader_for, ReceiptStore(sql).is_kept)
    urls = UrlPolicy(resolve, allow_http_loopback=settings.webhook_allow_http_loopback)
    terms = DeliveryTerms(
        timeout_seconds=settings.webhook_timeout_seconds,
        retry_base_seconds=settings.webhook_retry_base_seconds,
        retry_cap_seconds=settings.webhook_retry_cap_seconds,
        poll_seconds=settings.notifier_poll_seconds,
    )
    return Notifications(
        rows=rows,
        subscriptions=SubscriptionService(
            rows, urls, system, events.head, settings.webhook_subscriptions_per_agency
        ),
        feed=NotificationFeed(events, audience),
        deliverer=Deliverer(
            rows, events, audience, recorder, urls, terms, system, name=settings.notifier_id
        ),
    )
