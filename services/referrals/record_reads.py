"""Parts of a participant's record read on their own: its shares, adverse actions, report
requests, and one legal matter with its decisions. Each goes through the disclosure table for
the caller (404 for a participant or matter it may not know of; no rows of a section it may not
see) and hands its disclosures to the one accounting wrapper (`services/reads.py`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.disclosure import Section
from domain.errors import NotFound
from domain.legal_matter import LegalMatter
from infra.clock import Clock
from services.context import Viewer
from services.legal_coordination.store import LegalRepository
from services.repository import Repository
from services.views.record import ParticipantRecord, RecordReader
from services.views.record_parts import (
    AdverseActionsView,
    MatterRead,
    ReportRequestsView,
    SharesView,
    action_out,
    matter_values,
    request_out,
)
from services.views.sections import Disclosure, Sectioned, Shown, disclose

Rows = Callable[[ParticipantRecord], list[dict[str, Any]]]


class RecordReads:
    def __init__(
        self, repository: Repository, legal: LegalRepository, clock: Clock, records: RecordReader
    ) -> None:
        self.repository = repository
        self.legal = legal
        self.clock = clock
        self.records = records

    def shares(self, viewer: Viewer, participant_id: UUID) -> Shown[SharesView]:
        return self.part(viewer, participant_id, SharesView, shares, "shares")

    def adverse_actions(self, viewer: Viewer, participant_id: UUID) -> Shown[AdverseActionsView]:
        return self.part(viewer, participant_id, AdverseActionsView, actions, "adverse actions")

    def report_requests(self, viewer: Viewer, participant_id: UUID) -> Shown[ReportRequestsView]:
        return self.part(viewer, participant_id, ReportRequestsView, requests, "report requests")

    def matter(self, viewer: Viewer, matter_id: UUID) -> Shown[MatterRead]:
        """404 for a matter the caller may not see, worded as for an unknown id."""
        not_found = f"legal matter {matter_id} not found"
        matter = self.legal.find(LegalMatter, matter_id)
        if matter is None:
            raise NotFound(not_found)
        record = self.record(viewer, matter.participant_id)
        if Section.LEGAL not in record.visible() or not record.sees_matter(matter):
            raise NotFound(not_found)
        built = disclose(MatterRead, matter_values(matter), record.visible())
        disclosed = Disclosure(matter.participant_id, built.shown, f"legal matter {matter_id}")
        return Shown(built.view, (disclosed,))

    def record(self, viewer: Viewer, participant_id: UUID) -> ParticipantRecord:
        participant = self.repository.participant(participant_id)
        terms, _ = self.repository.policy_terms()
        return self.records.record(viewer.caller, participant, terms, self.clock.now())

    def part(
        self, viewer: Viewer, participant_id: UUID, model: type[Sectioned], rows: Rows, what: str
    ) -> Shown[Any]:
        record = self.record(viewer, participant_id)
        visible = record.visible()
        if not visible:
            raise NotFound(f"participant {participant_id} not found")
        values = {"participant_id": participant_id, "items": lambda: rows(record), "next": None}
        built = disclose(model, values, visible)
        view = built.view if built.shown else model.model_validate(values | {"items": []})
        return Shown(view, (Disclosure(participant_id, built.shown, what),))


def shares(record: ParticipantRecord) -> list[dict[str, Any]]:
    return [vars(share) for share in record.rows.shares(record.shares)]


def actions(record: ParticipantRecord) -> list[dict[str, Any]]:
    done = record.coordination.adverse_actions if record.coordination else []
    kept = record.rows.adverse_actions(done, record.visible_matter_ids())
    return [action_out(action) for action in kept]


def requests(record: ParticipantRecord) -> list[dict[str, Any]]:
    asked = list(record.coordination.report_requests.values()) if record.coordination else []
    return [request_out(request) for request in record.rows.report_requests(asked)]
