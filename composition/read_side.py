"""The read side's use cases, built once in the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.clock import Clock
from infra.eventstore import LeadStore
from projections.engine import Projector
from projections.freshness import Freshness
from services.container import ReadSide
from services.read_side.capacity import CapacityView
from services.read_side.compliance import ComplianceReviews, ComplianceView
from services.read_side.directory import ParticipantDirectory, Terms
from services.read_side.duplicates import DuplicateQueue, DuplicateReviews
from services.read_side.evaluation import EvaluationView
from services.referrals.reads import ParticipantReader
from services.repository import Repository
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Wiring:
    engine: AsyncEngine
    sql: Engine
    store: LeadStore
    uow: UnitOfWork
    projector: Projector
    reader: ParticipantReader
    clock: Clock
    terms: Terms
    repository: Repository


def build_read_side(wiring: Wiring) -> ReadSide:
    engine = wiring.engine
    freshness = Freshness(engine, wiring.projector)
    return ReadSide(
        freshness=freshness,
        capacity=CapacityView(engine, freshness),
        evaluation=EvaluationView(engine, freshness, wiring.clock),
        directory=ParticipantDirectory(
            engine, freshness, wiring.reader, wiring.terms, wiring.clock
        ),
        compliance=ComplianceView(engine, freshness),
        reviews=ComplianceReviews(wiring.store, wiring.uow, wiring.sql),
        duplicates=DuplicateQueue(engine, freshness),
        duplicate_reviews=DuplicateReviews(wiring.repository, wiring.uow, wiring.clock, wiring.sql),
    )
