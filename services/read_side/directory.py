"""Participant list and search for case managers and prosecutors, from the directory
projection; the identifier look-up (police too) stays on the store, always current."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import anyio
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import Forbidden, InvalidInput
from domain.values import Identifier
from projections.directory import DirectoryProjection
from projections.directory_queries import DirectoryQuery, directory_page
from projections.freshness import Freshness
from projections.sql import Row
from services.context import Viewer
from services.jsonable import json_object
from services.paging import decode_cursor, page_of, position
from services.referrals.reads import ParticipantReader
from services.referrals.views import FULL_VIEW_ROLES, IDENTITY_ROLES

LIST_ROLES = frozenset({"case_manager", "prosecutor"})
# Every read of a participant is accounted for: who read whom, and which sections.
RecordReads = Callable[[Viewer, list[UUID], list[str]], None]


@dataclass(frozen=True)
class DirectorySearch:
    status: str | None = None
    case_manager_id: UUID | None = None
    identifier: Identifier | None = None
    limit: int = 50
    cursor: str | None = None
    min_position: int | None = None


def identifier_of(system: str | None, value: str | None) -> Identifier | None:
    """Both halves of an agency identifier, or neither."""
    if (system is None) != (value is None):
        field = "identifier_value" if value is None else "identifier_system"
        raise InvalidInput("identifier_system and identifier_value go together", field=field)
    return None if system is None or value is None else Identifier(system, value)


class ParticipantDirectory:
    def __init__(
        self,
        engine: AsyncEngine,
        freshness: Freshness,
        reader: ParticipantReader,
        record_reads: RecordReads | None = None,
    ) -> None:
        self.engine = engine
        self.freshness = freshness
        self.reader = reader
        self.record_reads = record_reads

    async def search(self, viewer: Viewer, search: DirectorySearch) -> dict[str, Any]:
        if search.identifier is not None:
            return await self.look_up(viewer, search, search.identifier)
        if viewer.role not in LIST_ROLES:
            raise Forbidden(f"the {viewer.role} role may look participants up by identifier only")
        await self.freshness.wait(DirectoryProjection.name, search.min_position)
        after = decode_cursor(search.cursor, position) if search.cursor else None
        query = DirectoryQuery(search.status, search.case_manager_id, search.limit, after)
        async with self.engine.connect() as conn:
            rows = await directory_page(conn, query)
        page = page_of(rows, search.limit, lambda row: row["first_position"])
        shown = page.shown
        items = [summary(row, viewer) for row in shown]
        if self.record_reads is not None and items:
            sections = sorted({key for item in items for key in item} - {"participant_id"})
            named = [row["participant_id"] for row in shown]
            # The access log may write when its buffer fills: off the event loop.
            await anyio.to_thread.run_sync(self.record_reads, viewer, named, sections)
        return {"items": items, "next": page.next}

    async def look_up(
        self, viewer: Viewer, search: DirectorySearch, identifier: Identifier
    ) -> dict[str, Any]:
        """The whole (filtered) view of the one person an identifier names."""
        found = await anyio.to_thread.run_sync(self.reader.find, viewer, identifier)
        wanted_cm = None if search.case_manager_id is None else str(search.case_manager_id)
        items = [
            item
            for item in found
            if search.status in (None, item["status"])
            and wanted_cm in (None, item.get("case_manager_id"))
        ]
        return {"items": items, "next": None}


def summary(row: Row, viewer: Viewer) -> dict[str, Any]:
    """A list item: the participant view's fields under the participant view's rules."""
    full = viewer.role in FULL_VIEW_ROLES
    item: dict[str, Any] = {
        "participant_id": row["participant_id"],
        "status": row["status"],
        "case_manager_id": row["case_manager_id"],
        "intake_deadline": row["intake_deadline"],
    }
    if full or viewer.role in IDENTITY_ROLES:
        item["person"] = {
            "given_name": row["given_name"],
            "family_name": row["family_name"],
            "date_of_birth": row["date_of_birth"],
            "identifiers": row["identifiers"],
        }
    if full:
        item |= {
            "demographics": row["demographics"] or None,
            "referred_at": row["referred_at"],
            "last_referred_at": row["last_referred_at"],
            "enrolled_at": row["enrolled_at"],
            "discharged_at": row["discharged_at"],
        }
    return json_object(item)
