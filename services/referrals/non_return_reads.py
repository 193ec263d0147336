"""`GET /v1/non-return-requests`: the 24-hour requests in force now at a place, for police
(toolkit: police must be able to ask, for a person or a location, whether a request is in
force). The place index is a projection; each request found is checked against the record and
shown through the disclosure table (the non-return section: any partner police, while in
force), and accounted."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Annotated
from uuid import UUID

import anyio
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.disclosure import Section
from domain.errors import ParticipantForgotten
from domain.participant import Participant
from domain.places import Place, check_place
from infra.clock import Clock
from projections.freshness import Freshness
from projections.non_return import FoundRequest, NonReturnRequests, requests_in_force
from services.context import Viewer
from services.repository import Repository
from services.set_aside import or_set_aside
from services.views.parts import Part, absent
from services.views.record import RecordReader
from services.views.sections import Disclosure, In, Key, Sectioned, Shown, disclose

S = Section


class NamedPerson(Part):
    given_name: str
    family_name: str


class NonReturnFound(Sectioned):
    """The request names whom it asks not to return: part of the non-return section."""

    participant_id: Annotated[UUID, Key()]
    location: Annotated[str, In(S.NON_RETURN)] = absent()
    until: Annotated[datetime, In(S.NON_RETURN)] = absent()
    person: Annotated[NamedPerson, In(S.NON_RETURN)] = absent()


class NonReturnPage(Sectioned):
    items: Annotated[list[NonReturnFound], Key()]
    next: Annotated[None, Key()] = None


class NonReturnFinder:
    def __init__(
        self,
        engine: AsyncEngine,
        freshness: Freshness,
        repository: Repository,
        records: RecordReader,
        clock: Clock,
    ) -> None:
        self.engine = engine
        self.freshness = freshness
        self.repository = repository
        self.records = records
        self.clock = clock

    async def at_place(
        self, viewer: Viewer, place: Place, min_position: int | None = None
    ) -> Shown[NonReturnPage]:
        check_place(place)
        await self.freshness.wait(NonReturnRequests.name, min_position)
        now = self.clock.now()
        async with self.engine.connect() as conn:
            found = await requests_in_force(conn, place, now)
        return await anyio.to_thread.run_sync(self.shown, viewer, found, now)

    def shown(
        self, viewer: Viewer, found: list[FoundRequest], now: datetime
    ) -> Shown[NonReturnPage]:
        """Each request as the record says now (in force, not lifted), and as the caller may
        see it."""
        terms, _ = self.repository.policy_terms()
        items, disclosed = [], []
        for request in found:
            participant = or_set_aside(partial(self.record_of, request), "non_return_record")
            if participant is None:
                continue
            current = participant.non_return()
            if current is None or not current.in_force(now):
                continue
            record = self.records.record(viewer.caller, participant, terms, now)
            values = {
                "participant_id": participant.id,
                "location": current.location,
                "until": current.until,
                "person": {
                    "given_name": participant.person.given_name,
                    "family_name": participant.person.family_name,
                },
            }
            built = disclose(NonReturnFound, values, record.visible())
            if built.shown:
                items.append(built.view)
                disclosed.append(Disclosure(participant.id, built.shown, "non-return at a place"))
        return Shown(NonReturnPage(items=items), tuple(disclosed))

    def record_of(self, request: FoundRequest) -> Participant | None:
        """The record as it stands; None once forgotten (the read model has yet to drop it).
        A record that cannot be read is set aside: it never stops the look-up of others."""
        try:
            return self.repository.participant(request.participant_id)
        except ParticipantForgotten:
            return None
