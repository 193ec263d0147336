"""The read side's use cases, built once in the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.eventstore import LeadStore
from projections.capacity import CapacityProjection
from projections.compliance import ComplianceProjection
from projections.directory import DirectoryProjection
from projections.engine import Projection, Projector
from projections.evaluation import EvaluationProjection
from projections.freshness import Freshness
from services.read_side.capacity import CapacityView
from services.read_side.compliance import ComplianceReviews, ComplianceView
from services.read_side.directory import ParticipantDirectory, RecordReads
from services.read_side.evaluation import EvaluationView
from services.referrals.reads import ParticipantReader
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ReadSide:
    freshness: Freshness
    capacity: CapacityView
    evaluation: EvaluationView
    directory: ParticipantDirectory
    compliance: ComplianceView
    reviews: ComplianceReviews


def read_models() -> list[Projection]:
    """The projections behind these views, for the projector."""
    return [
        CapacityProjection(),
        EvaluationProjection(),
        DirectoryProjection(),
        ComplianceProjection(),
    ]


@dataclass(frozen=True)
class Wiring:
    engine: AsyncEngine
    sql: Engine
    store: LeadStore
    uow: UnitOfWork
    projector: Projector
    reader: ParticipantReader
    record_reads: RecordReads | None = None


def build_read_side(wiring: Wiring) -> ReadSide:
    engine = wiring.engine
    freshness = Freshness(engine, wiring.projector)
    return ReadSide(
        freshness=freshness,
        capacity=CapacityView(engine, freshness),
        evaluation=EvaluationView(engine, freshness),
        directory=ParticipantDirectory(engine, freshness, wiring.reader, wiring.record_reads),
        compliance=ComplianceView(engine, freshness),
        reviews=ComplianceReviews(wiring.store, wiring.uow, wiring.sql),
    )
