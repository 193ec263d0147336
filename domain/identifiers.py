"""Agency identifiers → participant. One tiny aggregate per identifier, with an id derived
from the identifier, so two referrals racing to claim it conflict on the write side."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from domain.base import LeadAggregate, Stamp
from domain.values import Identifier


def identifier_index_id(identifier: Identifier) -> UUID:
    return uuid5(NAMESPACE_URL, f"lead:identifier:{identifier.system}\x1f{identifier.value}")


class IdentifierClaim(LeadAggregate):
    class Claimed(LeadAggregate.Created):
        identifier: Identifier
        participant_id: UUID

    def __init__(self, identifier: Identifier, participant_id: UUID) -> None:
        self.identifier = identifier
        self.participant_id = participant_id

    @classmethod
    def claim(cls, identifier: Identifier, participant_id: UUID, stamp: Stamp) -> IdentifierClaim:
        return cls._create(
            cls.Claimed,
            id=identifier_index_id(identifier),
            identifier=identifier,
            participant_id=participant_id,
            meta=stamp.meta,
            occurred_at=stamp.recorded_at,
            timestamp=stamp.recorded_at,
        )
