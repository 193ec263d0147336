"""Every read of participant information, accounted in one place: each use case returns what
it shows together with the disclosures it makes (participant, sections shown), and this hands
out the answer only after recording them (42 CFR Part 2 §2.25)."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID

import anyio

from domain.places import Place
from services.audit.disclosures import DisclosureRecorder
from services.audit.history import HistoryService
from services.context import Viewer
from services.legal_coordination.queue import LiaisonQueue, QueueQuery
from services.read_side.compliance import ComplianceView, FlagSearch
from services.read_side.directory import DirectorySearch, ParticipantDirectory
from services.read_side.duplicates import CandidateSearch, DuplicateQueue
from services.referrals.non_return_reads import NonReturnFinder, NonReturnPage
from services.referrals.reads import ParticipantReader, Viewed
from services.referrals.record_reads import RecordReads
from services.views.duplicates import CandidatePage
from services.views.flags import FlagPage
from services.views.history import HistoryPage
from services.views.listing import ParticipantPage
from services.views.queue import QueuePage
from services.views.record_parts import (
    AdverseActionsView,
    MatterRead,
    ReportRequestsView,
    SharesView,
)
from services.views.sections import Shown

T = TypeVar("T")


class ParticipantReads:
    def __init__(
        self,
        accounting: DisclosureRecorder,
        reader: ParticipantReader,
        history: HistoryService,
        directory: ParticipantDirectory,
        queue: LiaisonQueue,
        flags: ComplianceView,
        parts: RecordReads,
        non_return: NonReturnFinder,
        duplicates: DuplicateQueue,
    ) -> None:
        self.accounting = accounting
        self.reader = reader
        self.history_service = history
        self.directory = directory
        self.queue_view = queue
        self.flag_view = flags
        self.parts = parts
        self.non_return = non_return
        self.duplicate_queue = duplicates

    def accounted(self, viewer: Viewer, shown: Shown[T]) -> T:
        self.accounting.record(viewer, shown.disclosures)
        return shown.answer

    async def accounted_off_loop(self, viewer: Viewer, shown: Shown[T]) -> T:
        """The access log may write when its buffer fills: off the event loop."""
        await anyio.to_thread.run_sync(self.accounting.record, viewer, shown.disclosures)
        return shown.answer

    def participant(
        self, viewer: Viewer, participant_id: UUID, as_of: datetime | None = None
    ) -> Viewed:
        return self.accounted(viewer, self.reader.view(viewer, participant_id, as_of))

    def history(self, viewer: Viewer, participant_id: UUID, after: int, limit: int) -> HistoryPage:
        page = self.history_service.page(viewer, participant_id, after, limit)
        return self.accounted(viewer, page)

    async def search(self, viewer: Viewer, search: DirectorySearch) -> ParticipantPage:
        return await self.accounted_off_loop(viewer, await self.directory.search(viewer, search))

    async def queue(self, viewer: Viewer, query: QueueQuery) -> QueuePage:
        return await self.accounted_off_loop(viewer, await self.queue_view.page_for(viewer, query))

    async def flags(self, viewer: Viewer, search: FlagSearch) -> FlagPage:
        return await self.accounted_off_loop(viewer, await self.flag_view.page(viewer, search))

    def shares(self, viewer: Viewer, participant_id: UUID) -> SharesView:
        return self.accounted(viewer, self.parts.shares(viewer, participant_id))

    def adverse_actions(self, viewer: Viewer, participant_id: UUID) -> AdverseActionsView:
        return self.accounted(viewer, self.parts.adverse_actions(viewer, participant_id))

    def report_requests(self, viewer: Viewer, participant_id: UUID) -> ReportRequestsView:
        return self.accounted(viewer, self.parts.report_requests(viewer, participant_id))

    def legal_matter(self, viewer: Viewer, matter_id: UUID) -> MatterRead:
        return self.accounted(viewer, self.parts.matter(viewer, matter_id))

    async def non_return_requests(
        self, viewer: Viewer, place: Place, min_position: int | None = None
    ) -> NonReturnPage:
        found = await self.non_return.at_place(viewer, place, min_position)
        return await self.accounted_off_loop(viewer, found)

    async def possible_duplicates(self, viewer: Viewer, search: CandidateSearch) -> CandidatePage:
        page = await self.duplicate_queue.page(viewer, search)
        return await self.accounted_off_loop(viewer, page)
