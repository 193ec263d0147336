"""Work-queue reads that account for themselves: every queue entry handed out names a
participant, so each is recorded as a read of that participant's legal status."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import anyio

from services.audit.disclosures import DisclosureRecorder
from services.context import Viewer
from services.legal_coordination.queue import LiaisonQueue, QueueQuery

NOT_DATA = frozenset({"participant_id", "matter_id"})


class AccountedLiaisonQueue(LiaisonQueue):
    def __init__(self, disclosures: DisclosureRecorder, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.disclosures = disclosures

    async def page_for(self, viewer: Viewer, query: QueueQuery) -> dict[str, Any]:
        page = await self.page(query)
        items: list[dict[str, Any]] = page["items"]
        if items:
            named = [UUID(item["participant_id"]) for item in items]
            sections = sorted({key for item in items for key in item} - NOT_DATA)
            # The access log may write when its buffer fills: off the event loop.
            await anyio.to_thread.run_sync(
                self.disclosures.read, viewer, named, ["liaison_queue", *sections]
            )
        return page
