"""Reading participants from the store (always current), as they were known at a moment, and
by an agency identifier: each built through the disclosure table for the caller."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import MapperDeserialisationError

from domain.disclosure import Caller, RoiCategory, Section
from domain.disclosure_events import EventReader
from domain.errors import Forbidden, NotFound, ParticipantForgotten
from domain.identifiers import SITE_WIDE, check_may_use, lookup_scopes
from domain.participant import Participant
from domain.roles import Role
from domain.values import Identifier
from infra.clock import Clock
from services.audit.as_of import participant_exists
from services.audit.checkpoints import utc_text
from services.context import Viewer
from services.repository import Repository
from services.views.participant import ParticipantView, participant_values
from services.views.record import RecordReader
from services.views.sections import Disclosure, Shown, disclose

AS_OF_ROLES = frozenset({Role.AUDITOR, Role.PROJECT_MANAGER})
EveryAgency = Callable[[], frozenset[str]]
Viewed = tuple[ParticipantView, int]  # the view and the aggregate version (the ETag)


class ParticipantReader:
    def __init__(
        self,
        repository: Repository,
        clock: Clock,
        records: RecordReader,
        every_agency: EveryAgency,
    ) -> None:
        self.repository = repository
        self.clock = clock
        self.records = records
        self.every_agency = every_agency

    def view(
        self, viewer: Viewer, participant_id: UUID, as_of: datetime | None = None
    ) -> Shown[Viewed]:
        """404 for a participant the caller may not know of, worded as for an unknown id."""
        if as_of is not None and viewer.role not in AS_OF_ROLES:
            raise Forbidden("as_of is for auditors and project managers")
        if as_of is None:
            participant = self.repository.participant(participant_id)
        else:
            participant = self.as_known_at(participant_id, as_of)
        shown = self.shown(viewer.caller, participant, as_of)
        if shown is None:
            raise NotFound(f"participant {participant_id} not found")
        return shown

    def shown(
        self, caller: Caller, participant: Participant, as_of: datetime | None
    ) -> Shown[Viewed] | None:
        terms, _ = self.repository.policy_terms()
        at = as_of or self.clock.now()
        # As known at a moment, the links are those recorded by then (a link has a history).
        linked = self.repository.same_person(participant, as_of)
        record = self.records.record(caller, participant, terms, at, as_of, linked)
        built = disclose(ParticipantView, participant_values(record), record.visible())
        if not built.shown:
            return None
        detail = "" if as_of is None else f"as_of={utc_text(as_of)}"
        disclosed = Disclosure(participant.id, built.shown, detail)
        return Shown((built.view, participant.version), (disclosed,))

    def event_reader(self, viewer: Viewer, participant_id: UUID) -> EventReader:
        """What the caller may read of this participant's history (NotFound if nothing)."""
        caller = viewer.caller
        terms, _ = self.repository.policy_terms()
        if caller.full_view:
            if not participant_exists(self.repository.store, participant_id):
                raise NotFound(f"participant {participant_id} not found")
            later = self.linked_records(participant_id)
            return EventReader(caller, frozenset(Section), frozenset(), terms, linked_records=later)
        participant = self.repository.participant(participant_id)
        linked = self.repository.same_person(participant)
        record = self.records.record(caller, participant, terms, self.clock.now(), None, linked)
        visible = record.visible()
        if not visible:
            raise NotFound(f"participant {participant_id} not found")
        legal_status = record.relation.covers(RoiCategory.LEGAL_STATUS)
        matters = record.visible_matter_ids()
        ids = tuple(other.id for other in record.linked)
        return EventReader(caller, visible, matters, terms, legal_status, ids)

    def linked_records(self, participant_id: UUID) -> tuple[UUID, ...]:
        """The later records linked into this one. A record the store can no longer decode
        (tampered with) has none: its history must still list every event, flagged."""
        try:
            return tuple(self.repository.participant(participant_id).linked_records)
        except (MapperDeserialisationError, ParticipantForgotten):
            return ()

    def as_known_at(self, participant_id: UUID, as_of: datetime) -> Participant:
        """Events recorded up to `as_of`, and no later ones: what the record said then.
        The version is found by binary search, then loaded from the nearest snapshot."""
        self.repository.participant(participant_id)
        then = self.repository.find(Participant, participant_id, as_of)
        if then is None:
            raise NotFound(f"participant {participant_id} did not exist at {as_of.isoformat()}")
        return then

    def find(self, viewer: Viewer, identifier: Identifier) -> Shown[list[ParticipantView]]:
        """The people the identifier names that the caller may know of. A registered system
        is looked up by its agency (and the site's staff); an unregistered one within the
        caller's agency, or for the site's staff, within every agency."""
        caller = viewer.caller
        terms, _ = self.repository.policy_terms()
        check_may_use(identifier, caller, terms, looking_up=True)
        scopes = lookup_scopes(identifier, caller.agency, terms)
        if caller.full_view and terms.system_agency(identifier.system) is None:
            scopes += [SITE_WIDE, *sorted(self.every_agency())]  # before scoping, too
        owners = self.repository.claimed(identifier, dict.fromkeys(scopes))
        current = [self.repository.load(Participant, owner) for owner in owners]
        found = [self.shown(caller, p, None) for p in current if not p.forgotten]
        shown = [each for each in found if each is not None]
        views = [each.answer[0] for each in shown]
        return Shown(views, tuple(d for each in shown for d in each.disclosures))
