"""The read side's use cases, built once in the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.eventstore import LeadStore
from projections.engine import Projector
from projections.freshness import Freshness
from services.container import ReadSide
from services.read_side.capacity import CapacityView
from services.read_side.compliance import ComplianceReviews, ComplianceView
from services.read_side.directory import ParticipantDirectory, RecordReads
from services.read_side.evaluation import EvaluationView
from services.referrals.reads import ParticipantReader
from services.unit_of_work import UnitOfWork


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
