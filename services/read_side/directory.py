"""The participant list, from the directory projection: the site's staff see everyone; another
agency (a prosecutor office) only the people it is related to now. The look-up by identifier
stays on the store, always current. Both build their items through the disclosure table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

import anyio
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import Forbidden, InvalidInput
from domain.roles import Role
from domain.values import Identifier, PolicyTerms
from infra.clock import Clock
from projections.directory import DirectoryProjection
from projections.directory_queries import DirectoryQuery, Related, directory_page, relation_kinds
from projections.freshness import Freshness
from services.context import Viewer
from services.paging import decode_cursor, page_of, position
from services.referrals.reads import ParticipantReader
from services.views.listing import ParticipantPage, summary
from services.views.sections import Disclosure, Shown

LIST_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROJECT_MANAGER, Role.PROSECUTOR})
Terms = Callable[[], PolicyTerms]


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
        terms: Terms,
        clock: Clock,
    ) -> None:
        self.engine = engine
        self.freshness = freshness
        self.reader = reader
        self.terms = terms
        self.clock = clock

    async def search(self, viewer: Viewer, search: DirectorySearch) -> Shown[ParticipantPage]:
        if search.identifier is not None:
            return await self.look_up(viewer, search, search.identifier)
        if viewer.role not in LIST_ROLES:
            raise Forbidden(f"the {viewer.role} role may look participants up by identifier only")
        await self.freshness.wait(DirectoryProjection.name, search.min_position)
        terms = await anyio.to_thread.run_sync(self.terms)
        related = self.related(viewer, terms)
        after = decode_cursor(search.cursor, position) if search.cursor else None
        query = DirectoryQuery(search.status, search.case_manager_id, search.limit, after, related)
        async with self.engine.connect() as conn:
            rows = await directory_page(conn, query)
            page = page_of(rows, search.limit, lambda row: row["first_position"])
            ids = [row["participant_id"] for row in page.shown]
            kinds = await relation_kinds(conn, ids, related) if related else {}
        built = [
            summary(row, viewer.caller, kinds.get(row["participant_id"], set()), terms)
            for row in page.shown
        ]
        answer = ParticipantPage(items=[b.view for b in built], next=page.next)
        return Shown(answer, tuple(Disclosure(i, b.shown) for i, b in zip(ids, built, strict=True)))

    def related(self, viewer: Viewer, terms: PolicyTerms) -> Related | None:
        if viewer.caller.full_view:
            return None
        liaison = viewer.agency in terms.liaison_prosecutor_agencies
        return Related(viewer.agency, liaison, self.clock.now())

    async def look_up(
        self, viewer: Viewer, search: DirectorySearch, identifier: Identifier
    ) -> Shown[ParticipantPage]:
        """The whole (filtered) view of each person the identifier names to this caller."""
        found = await anyio.to_thread.run_sync(self.reader.find, viewer, identifier)
        kept = [
            (view, disclosed)
            for view, disclosed in zip(found.answer, found.disclosures, strict=True)
            if search.status in (None, view.status)
            and search.case_manager_id in (None, view.case_manager_id)
        ]
        page = ParticipantPage(items=[view for view, _ in kept], next=None)
        return Shown(page, tuple(disclosed for _, disclosed in kept))
