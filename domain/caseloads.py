"""The site's case managers and who carries whom: one aggregate, so the cap holds under
concurrency (two assignments racing for the last slot conflict on its version)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.base import LeadAggregate, Stamp
from domain.errors import (
    CaseloadFull,
    CaseManagerHasParticipants,
    CaseManagerRetired,
    InvalidInput,
    NotFound,
    StateConflict,
)

CASELOADS_ID: UUID = uuid5(NAMESPACE_URL, "lead:caseloads")


class Caseloads(LeadAggregate):
    class Opened(LeadAggregate.Created):
        pass

    class CaseManagerRegistered(LeadAggregate.Event):
        case_manager_id: UUID
        name: str

        def apply(self, aggregate: Caseloads) -> None:
            aggregate.names[self.case_manager_id] = self.name
            aggregate.assigned[self.case_manager_id] = set()

    class CaseManagerRetired(LeadAggregate.Event):
        """The case manager left: they take no participants and leave the capacity figures."""

        case_manager_id: UUID

        def apply(self, aggregate: Caseloads) -> None:
            aggregate.retired[self.case_manager_id] = self.occurred_at

    class CaseManagerReactivated(LeadAggregate.Event):
        case_manager_id: UUID

        def apply(self, aggregate: Caseloads) -> None:
            aggregate.retired.pop(self.case_manager_id, None)

    class ParticipantAssigned(LeadAggregate.Event):
        participant_id: UUID
        case_manager_id: UUID
        previous_case_manager_id: UUID | None
        caseload_after: int
        policy_version: int

        def apply(self, aggregate: Caseloads) -> None:
            aggregate.release_locally(self.participant_id)
            aggregate.assigned[self.case_manager_id].add(self.participant_id)

    class ParticipantReleased(LeadAggregate.Event):
        participant_id: UUID
        case_manager_id: UUID

        def apply(self, aggregate: Caseloads) -> None:
            aggregate.release_locally(self.participant_id)

    class RecordsLinked(LeadAggregate.Event):
        """Issue 19: two records are one person, who takes one slot of a caseload."""

        record: UUID  # the later record
        into: UUID  # the earlier

        def apply(self, aggregate: Caseloads) -> None:
            aggregate.person_of[self.record] = self.into

    class RecordsUnlinked(LeadAggregate.Event):
        record: UUID

        def apply(self, aggregate: Caseloads) -> None:
            aggregate.person_of.pop(self.record, None)

    def __init__(self) -> None:
        self.names: dict[UUID, str] = {}
        self.assigned: dict[UUID, set[UUID]] = {}
        self.retired: dict[UUID, datetime] = {}
        self.person_of: dict[UUID, UUID] = {}  # a linked (later) record -> the earlier

    def __getattr__(self, name: str) -> Any:
        """A snapshot taken before case managers could retire has no `retired`: none had;
        one taken before records could be linked has no `person_of`."""
        if name in ("retired", "person_of"):
            setattr(self, name, {})
            return getattr(self, name)
        raise AttributeError(name)

    def person(self, participant_id: UUID) -> UUID:
        return self.person_of.get(participant_id, participant_id)

    def people(self, case_manager_id: UUID) -> set[UUID]:
        """The people a case manager carries: linked records assigned to them are one."""
        return {self.person(p) for p in self.assigned[case_manager_id]}

    def link_records(self, record: UUID, into: UUID, stamp: Stamp) -> None:
        self._emit(self.RecordsLinked, stamp, stamp.recorded_at, record=record, into=into)

    def unlink_records(self, record: UUID, stamp: Stamp) -> None:
        self._emit(self.RecordsUnlinked, stamp, stamp.recorded_at, record=record)

    @classmethod
    def open(cls, stamp: Stamp) -> Caseloads:
        return cls._create(
            cls.Opened,
            id=CASELOADS_ID,
            meta=stamp.meta,
            occurred_at=stamp.recorded_at,
            timestamp=stamp.recorded_at,
        )

    def counts(self) -> dict[UUID, int]:
        """The caseloads of the active case managers: the retired leave the figures. Every
        referral reads them, so a caseload holding no linked record is counted by its size:
        its records are then its people, each their own."""
        linked = self.person_of
        return {
            cm: len(self.people(cm)) if linked and not carried.isdisjoint(linked) else len(carried)
            for cm, carried in self.assigned.items()
            if cm not in self.retired
        }

    def case_manager_of(self, participant_id: UUID) -> UUID | None:
        for cm, participants in self.assigned.items():
            if participant_id in participants:
                return cm
        return None

    def release_locally(self, participant_id: UUID) -> None:
        for participants in self.assigned.values():
            participants.discard(participant_id)

    def register_case_manager(self, case_manager_id: UUID, name: str, stamp: Stamp) -> None:
        if not name.strip():
            raise InvalidInput("name must not be blank", field="name")
        if case_manager_id in self.assigned:
            # registering again would replace their caseload with an empty one, past the cap
            raise StateConflict(f"case manager {case_manager_id} is already registered")
        self._emit(
            self.CaseManagerRegistered,
            stamp,
            stamp.recorded_at,
            case_manager_id=case_manager_id,
            name=name.strip(),
        )

    def check_case_manager_exists(self, case_manager_id: UUID) -> None:
        if case_manager_id not in self.assigned:
            raise NotFound(f"case manager {case_manager_id} is not registered")

    def check_room(
        self, case_manager_id: UUID, caseload_max: int, participant_id: UUID | None = None
    ) -> None:
        """Room for one more person; none is needed for a record of a person carried."""
        people = self.people(case_manager_id)
        if participant_id is not None and self.person(participant_id) in people:
            return
        if len(people) >= caseload_max:
            raise CaseloadFull(
                f"case manager {case_manager_id} already carries {caseload_max} participants,"
                " the site's caseload maximum"
            )

    def assign(
        self,
        participant_id: UUID,
        case_manager_id: UUID,
        caseload_max: int,
        policy_version: int,
        stamp: Stamp,
    ) -> None:
        self.check_case_manager_exists(case_manager_id)
        previous = self.case_manager_of(participant_id)
        if previous == case_manager_id:
            return
        if case_manager_id in self.retired:
            raise CaseManagerRetired(f"case manager {case_manager_id} has retired")
        self.check_room(case_manager_id, caseload_max, participant_id)
        after = self.people(case_manager_id) | {self.person(participant_id)}
        self._emit(
            self.ParticipantAssigned,
            stamp,
            stamp.recorded_at,
            participant_id=participant_id,
            case_manager_id=case_manager_id,
            previous_case_manager_id=previous,
            caseload_after=len(after),
            policy_version=policy_version,
        )

    def retire(self, case_manager_id: UUID, retired_at: datetime, stamp: Stamp) -> None:
        self.check_case_manager_exists(case_manager_id)
        if case_manager_id in self.retired:
            raise StateConflict(f"case manager {case_manager_id} has retired already")
        carried = len(self.assigned[case_manager_id])
        if carried:
            raise CaseManagerHasParticipants(
                f"case manager {case_manager_id} still carries {carried} participant"
                f"{'s' if carried != 1 else ''}: reassign them first",
                carried,
            )
        self._emit(self.CaseManagerRetired, stamp, retired_at, case_manager_id=case_manager_id)

    def reactivate(self, case_manager_id: UUID, stamp: Stamp) -> None:
        self.check_case_manager_exists(case_manager_id)
        if case_manager_id not in self.retired:
            raise StateConflict(f"case manager {case_manager_id} is active")
        self._emit(
            self.CaseManagerReactivated,
            stamp,
            stamp.recorded_at,
            case_manager_id=case_manager_id,
        )

    def release(self, participant_id: UUID, stamp: Stamp) -> None:
        current = self.case_manager_of(participant_id)
        if current is not None:
            self._emit(
                self.ParticipantReleased,
                stamp,
                stamp.recorded_at,
                participant_id=participant_id,
                case_manager_id=current,
            )
