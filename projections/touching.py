"""Which events are about which participant: the rule the history and the accounting of
disclosures share:

- every event of an aggregate in `SELF_AGGREGATES` (its id is the participant's id: the
  Participant itself);
- every event carrying a `participant_id` field (a caseload assignment, an identifier claim);
- every event of an aggregate whose creation event carries `participant_id` (a legal matter, a
  coordination record): the stream belongs to that participant from its first event on.

A *disclosure* is an event that carries both `share_id` and `recipient_agency`: information
that went out to another agency (a refused attempt carries no `share_id`)."""

from __future__ import annotations

import dataclasses
import sys
from functools import cache
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import resolve_topic

from domain.participant import Participant

PARTICIPANT_FIELD = "participant_id"
DISCLOSURE_FIELDS = frozenset({"share_id", "recipient_agency"})
SELF_AGGREGATES: frozenset[type[Aggregate]] = frozenset({Participant})  # id = participant's


@dataclasses.dataclass(frozen=True)
class EventKind:
    """What an event class says about participants, worked out once per class."""

    relevant: bool = False
    is_participant: bool = False  # the originator is the participant
    names_participant: bool = False  # the event has a participant_id field
    owned_stream: bool = False  # the stream belongs to the participant its creation names
    disclosure: bool = False


def field_names(cls: type) -> frozenset[str]:
    if not dataclasses.is_dataclass(cls):
        return frozenset()
    return frozenset(f.name for f in dataclasses.fields(cls))


def aggregate_of(event_class: type) -> type | None:
    """The aggregate an event class is nested in (`LegalMatter.FilingHeld` → `LegalMatter`)."""
    owner: object = sys.modules.get(event_class.__module__)
    for part in event_class.__qualname__.split(".")[:-1]:
        owner = getattr(owner, part, None)
    return owner if isinstance(owner, type) else None


def created_with_participant(aggregate: type) -> bool:
    return any(
        isinstance(member, type)
        and issubclass(member, Aggregate.Created)
        and PARTICIPANT_FIELD in field_names(member)
        for member in vars(aggregate).values()
    )


@cache
def kind_of(topic: str) -> EventKind:
    try:
        event_class = resolve_topic(topic)
    except Exception:  # noqa: BLE001 (an unknown or mangled topic names nobody)
        return EventKind()
    aggregate = aggregate_of(event_class)
    fields = field_names(event_class)
    kind = EventKind(
        is_participant=aggregate in SELF_AGGREGATES,
        names_participant=PARTICIPANT_FIELD in fields,
        owned_stream=aggregate is not None and created_with_participant(aggregate),
        disclosure=fields >= DISCLOSURE_FIELDS,
    )
    relevant = kind.is_participant or kind.names_participant or kind.owned_stream
    return dataclasses.replace(kind, relevant=relevant)


def participants_named(event: object, kind: EventKind, owner: UUID | None) -> set[UUID]:
    """The participants an event is about; `owner` is its stream's participant, if known."""
    named: set[UUID] = set()
    originator = getattr(event, "originator_id", None)
    if kind.is_participant and isinstance(originator, UUID):
        named.add(originator)
    field = getattr(event, PARTICIPANT_FIELD, None)
    if isinstance(field, UUID):
        named.add(field)
    if kind.owned_stream and owner is not None:
        named.add(owner)
    return named


class TopicsAboutParticipants(frozenset[str]):
    """A topic set decided by rule, so aggregates added later are covered without a list."""

    def __contains__(self, topic: object) -> bool:
        return isinstance(topic, str) and kind_of(topic).relevant
