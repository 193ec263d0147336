"""The read side's use cases, built once in the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from projections.engine import Projector
from projections.freshness import Freshness
from services.read_side.capacity import CapacityView
from services.read_side.directory import ParticipantDirectory
from services.read_side.evaluation import EvaluationView
from services.referrals.reads import ParticipantReader


@dataclass(frozen=True)
class ReadSide:
    freshness: Freshness
    capacity: CapacityView
    evaluation: EvaluationView
    directory: ParticipantDirectory


def build_read_side(
    engine: AsyncEngine, projector: Projector, reader: ParticipantReader
) -> ReadSide:
    freshness = Freshness(engine, projector)
    return ReadSide(
        freshness=freshness,
        capacity=CapacityView(engine, freshness),
        evaluation=EvaluationView(engine, freshness),
        directory=ParticipantDirectory(engine, freshness, reader),
    )
