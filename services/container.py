"""What the composition root (`composition/`) builds and hands to the API, the CLI and the
workers: the types only, so those entry points depend on this layer, never on the root."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.access_log import AccessLog
from infra.agencies import Agencies
from infra.background import BackgroundJobs
from infra.client_checks import ClientChecks
from infra.clients import ClientRegistry
from infra.clock import Clock
from infra.eventstore import LeadStore
from infra.rate_limits import RateLimits
from infra.settings import Settings
from infra.signing import CheckpointSigner
from infra.subscriptions import Subscriptions
from infra.tokens import Tokens
from projections.engine import Projector
from projections.freshness import Freshness
from services.audit.authentication import AuthenticationAudit
from services.audit.client_lifecycle import ClientLifecycle
from services.audit.disclosures import Accounting, DisclosureRecorder
from services.audit.history import HistoryService
from services.audit.replays import ReplayAudit
from services.audit.sealer import Sealer
from services.audit.verifier import Verifier
from services.forgetting.forget import ForgettingService
from services.forgetting.retention import RetentionReview
from services.legal_coordination.matters import LegalMatterService
from services.legal_coordination.missed import MissedDiversionService
from services.legal_coordination.sharing import CoordinationService
from services.notifications.deliverer import Deliverer
from services.notifications.feed import NotificationFeed
from services.notifications.subscriptions import SubscriptionService
from services.read_side.capacity import CapacityView
from services.read_side.compliance import ComplianceReviews, ComplianceView
from services.read_side.directory import ParticipantDirectory
from services.read_side.duplicates import DuplicateQueue, DuplicateReviews
from services.read_side.evaluation import EvaluationView
from services.reads import ParticipantReads
from services.referrals.caseload import CaseloadService
from services.referrals.deadlines import DeadlineWorker
from services.referrals.participants import ParticipantService
from services.referrals.reads import ParticipantReader
from services.referrals.referrals import ReferralService
from services.referrals.staff import StaffService


@dataclass
class Audit:
    signer: CheckpointSigner
    sealer: Sealer
    verifier: Verifier
    access_log: AccessLog
    disclosures: DisclosureRecorder
    history: HistoryService
    accounting: Accounting
    authentication: AuthenticationAudit
    clients: ClientLifecycle
    replays: ReplayAudit

    def close(self) -> None:
        self.access_log.close()


@dataclass(frozen=True)
class ReadSide:
    freshness: Freshness
    capacity: CapacityView
    evaluation: EvaluationView
    directory: ParticipantDirectory
    compliance: ComplianceView
    reviews: ComplianceReviews
    duplicates: DuplicateQueue
    duplicate_reviews: DuplicateReviews


@dataclass(frozen=True)
class Notifications:
    rows: Subscriptions
    subscriptions: SubscriptionService
    feed: NotificationFeed
    deliverer: Deliverer


@dataclass
class Container:
    settings: Settings
    clock: Clock
    store: LeadStore
    sql: Engine
    async_sql: AsyncEngine
    clients: ClientRegistry
    tokens: Tokens
    client_checks: ClientChecks
    agencies: Agencies
    staff: StaffService
    referrals: ReferralService
    participants: ParticipantService
    caseload: CaseloadService
    reader: ParticipantReader
    projector: Projector
    legal: LegalMatterService
    coordination: CoordinationService
    missed_diversions: MissedDiversionService
    reads: ParticipantReads
    deadlines: DeadlineWorker
    audit: Audit
    read_side: ReadSide
    rate_limits: RateLimits | None
    background: BackgroundJobs
    notifications: Notifications
    forgetting: ForgettingService
    retention: RetentionReview

    def close(self) -> None:
        self.audit.close()
        self.store.close()
        self.sql.dispose()
