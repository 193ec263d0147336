"""The audit part of the composition root (called from `composition/bootstrap.py` only)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from sqlalchemy import Engine

from infra.access_log import AccessLog
from infra.auth_log import AuthLog
from infra.chain_store import ChainStore
from infra.clients import ClientRegistry
from infra.clock import Clock
from infra.events_table.records import RawEvent, StoredEvents
from infra.eventstore import LeadStore
from infra.keys import Keys
from infra.read_batches import ReadBatches
from infra.receipt_store import ReceiptStore
from infra.settings import Settings
from infra.signing import CheckpointSigner
from services.audit.as_of import participant_exists
from services.audit.authentication import AuthenticationAudit
from services.audit.client_lifecycle import ClientLifecycle
from services.audit.disclosures import Accounting, DisclosureRecorder
from services.audit.history import HistoryService, ReaderFor
from services.audit.participant_index import ParticipantIndex
from services.audit.read_seals import ReadSeals
from services.audit.read_verifier import ReadVerifier
from services.audit.replays import ReplayAudit
from services.audit.sealer import Sealer
from services.audit.verifier import Verifier
from services.container import Audit


def build_audit(
    settings: Settings,
    keys: Keys,
    store: LeadStore,
    sql: Engine,
    clock: Clock,
    clients: ClientRegistry,
    reader_for: ReaderFor,
) -> Audit:
    def decode(record: RawEvent) -> object:
        return store.mapper.to_domain_event(record.stored_event())

    signer = CheckpointSigner(keys.audit_seed)
    receipts = ReceiptStore(sql)
    events = StoredEvents(sql)
    chain = ChainStore(sql)
    seals = ReadSeals(signer)
    access_log = AccessLog(sql, seals, settings.audit_flush_records, settings.audit_flush_ms / 1000)
    disclosures = DisclosureRecorder(access_log, clock)
    index = ParticipantIndex(sql, events, decode)
    exists = partial(participant_exists, store)
    window = timedelta(seconds=settings.throttle_window_seconds)
    authentication = AuthenticationAudit(
        clients, AuthLog(sql), clock, settings.throttle_free_failures, window
    )
    return Audit(
        signer=signer,
        sealer=Sealer(events, chain, signer, clock),
        verifier=Verifier(events, chain, signer, decode, ReadVerifier(ReadBatches(sql), seals)),
        access_log=access_log,
        disclosures=disclosures,
        history=HistoryService(index, events, decode, reader_for, receipts.is_kept),
        accounting=Accounting(access_log, sql, index, events, decode, exists),
        authentication=authentication,
        clients=ClientLifecycle(clients, authentication, clock),
        replays=ReplayAudit(authentication, disclosures),
    )
