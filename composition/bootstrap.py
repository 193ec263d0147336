"""The composition root: settings → stores → services → projections → the container that the
API, the CLI and the workers are given. Nothing else builds these."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.ext.asyncio import create_async_engine

from composition.audit import build_audit
from composition.notifications import build_notifications
from composition.projections import projections
from composition.read_side import Wiring, build_read_side
from infra.agencies import Agencies
from infra.background import BackgroundJobs
from infra.client_checks import ClientChecks
from infra.clients import ClientRegistry
from infra.clock import Clock, SystemClock
from infra.eventstore import LeadStore, open_store
from infra.keys import load_keys
from infra.private_files import private_sqlite
from infra.rate_limits import RateLimits
from infra.receipt_store import ReceiptStore
from infra.settings import Settings
from infra.tokens import Tokens
from projections.engine import Projector
from projections.faults import with_fault
from projections.retry import retried_after_upgrade
from services.container import Container
from services.context import RequestContext
from services.forgetting.forget import ForgettingService
from services.forgetting.retention import RetentionReview
from services.legal_coordination.listing import LegalMatterListing
from services.legal_coordination.matters import LegalMatterService
from services.legal_coordination.missed import MissedDiversionService
from services.legal_coordination.queue import LiaisonQueue
from services.legal_coordination.reactions import LegalReactions
from services.legal_coordination.sharing import CoordinationService
from services.legal_coordination.store import LegalRepository
from services.read_side.compliance import flagged
from services.reads import ParticipantReads
from services.referrals.alerts import AlertWorker
from services.referrals.caseload import CaseloadService
from services.referrals.deadlines import WORKER_META, DeadlineWorker
from services.referrals.non_return_reads import NonReturnFinder
from services.referrals.participants import ParticipantService
from services.referrals.reads import ParticipantReader
from services.referrals.record_reads import RecordReads
from services.referrals.referrals import ReferralService
from services.referrals.staff import StaffService
from services.repository import Repository
from services.unit_of_work import UnitOfWork
from services.views.record import RecordReader


def sql_engine(settings: Settings) -> Engine:
    # hide_parameters: no statement's values (names, dates of birth) in any error or log.
    engine = create_engine(
        settings.sqlalchemy_url(asynchronous=False), pool_pre_ping=True, hide_parameters=True
    )
    if settings.is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def build(
    settings: Settings, clock: Clock | None = None, store: LeadStore | None = None
) -> Container:
    """`store` is for a sole writer that brings its own (the seeder's write-behind store)."""
    clock = clock or SystemClock()
    if settings.is_sqlite:
        private_sqlite(settings.sqlite_path)
    keys = load_keys(settings)
    store = store or open_store(settings)
    sql = sql_engine(settings)
    async_sql = create_async_engine(
        settings.sqlalchemy_url(asynchronous=True), hide_parameters=True
    )
    repository = Repository(store)
    legal = LegalRepository(store)
    clients = ClientRegistry(sql)
    agencies = Agencies(sql)
    records = RecordReader(LegalMatterListing(legal), partial(flagged, sql))
    reader = ParticipantReader(repository, clock, records, agencies.every)
    audit = build_audit(settings, keys, store, sql, clock, clients, reader.event_reader)
    # Reactions between contexts run inside the unit of work: one transaction, crash-safe.
    uow = UnitOfWork(store, clock, reactions=LegalReactions(legal), on_replay=audit.replays.record)
    skew = timedelta(seconds=settings.business_time_skew_seconds)
    referrals = ReferralService(repository, uow, clock, skew)
    projector = Projector(store, sql, with_fault(projections(), settings.test_fault_projection))
    read_side = build_read_side(
        Wiring(async_sql, sql, store, uow, projector, reader, clock, repository.terms, repository)
    )
    liaison_queue = LiaisonQueue(async_sql, read_side.freshness, clock, repository.terms)
    # The deadline worker waits for its own read model only: no other view can hold it up.
    deadlines = DeadlineWorker(repository, uow, projector.only("intake_deadlines"), sql, clock)
    # Alerts are found in read models the projector keeps: they run once it has caught up.
    alerts = AlertWorker(repository, legal, uow, sql, clock, RequestContext(WORKER_META))
    background = BackgroundJobs(
        {
            "expired": deadlines.tick,
            "projected": projector.run_until_caught_up,  # the expiries of this tick included
            "alerted": alerts.tick,
            "retried": partial(retried_after_upgrade, projector),
            "sealed": audit.sealer.run_until_caught_up,
        },
        settings.worker_tick_seconds,
    )
    return Container(
        settings=settings,
        clock=clock,
        store=store,
        sql=sql,
        async_sql=async_sql,
        clients=clients,
        tokens=Tokens(
            keys.token_secret,
            settings.token_issuer,
            settings.token_audience,
            settings.token_lifetime_seconds,
        ),
        client_checks=ClientChecks(clients, settings.client_check_seconds),
        agencies=agencies,
        staff=StaffService(repository, uow, agencies.known),
        referrals=referrals,
        participants=ParticipantService(repository, uow, clock, skew, agencies.known),
        caseload=CaseloadService(repository, uow, clock, skew),
        reader=reader,
        projector=projector,
        legal=LegalMatterService(repository, legal, uow, clock, skew, agencies.known),
        coordination=CoordinationService(repository, legal, uow, clock, skew),
        missed_diversions=MissedDiversionService(repository, uow, clock, skew, agencies.known),
        reads=ParticipantReads(
            audit.disclosures,
            reader,
            audit.history,
            read_side.directory,
            liaison_queue,
            read_side.compliance,
            RecordReads(repository, legal, clock, records),
            NonReturnFinder(async_sql, read_side.freshness, repository, records, clock),
            read_side.duplicates,
        ),
        deadlines=deadlines,
        audit=audit,
        rate_limits=RateLimits.of(settings) if settings.rate_limit_enabled else None,
        read_side=read_side,
        background=background,
        notifications=build_notifications(
            settings, keys, store, sql, reader.event_reader, audit.disclosures, projector
        ),
        forgetting=ForgettingService(
            repository, uow, store.keyring, ReceiptStore(sql), audit.signer
        ),
        retention=RetentionReview(sql, repository.terms, clock),
    )
