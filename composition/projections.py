"""The one list of the site's projections: the projector follows them, rebuilds replay them."""

from __future__ import annotations

from projections.capacity import CapacityProjection
from projections.compliance import ComplianceProjection
from projections.deadlines import IntakeDeadlines
from projections.directory import DirectoryProjection
from projections.duplicates import DuplicateCandidates
from projections.engine import Projection
from projections.evaluation import EvaluationProjection
from projections.evaluation_missed import MissedDiversionFigures
from projections.liaison_queue import LiaisonQueueProjection
from projections.non_return import NonReturnRequests
from projections.participant_events import ParticipantEvents


def projections() -> list[Projection]:
    return [
        IntakeDeadlines(),
        LiaisonQueueProjection(),
        ParticipantEvents(),
        CapacityProjection(),
        EvaluationProjection(),
        DirectoryProjection(),
        ComplianceProjection(),
        NonReturnRequests(),
        MissedDiversionFigures(),
        DuplicateCandidates(),
    ]
