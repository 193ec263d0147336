"""A caller's relation to a participant at a moment, worked out from the record itself: the
referrals, the ROIs in force, the non-return request, the legal matters and the shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain import consent
from domain.coordination import Share
from domain.disclosure import Caller, Relation
from domain.participant import Participant


@dataclass(frozen=True)
class MatterRef:
    """Who holds a legal matter and who else is party to it."""

    matter_id: UUID
    holders: frozenset[str]
    parties: frozenset[str] = frozenset()

    def held_by(self, agency: str) -> bool:
        return agency in self.holders

    def names(self, agency: str) -> bool:
        return agency in self.holders or agency in self.parties


@dataclass(frozen=True)
class Record:
    """What a relation is worked out from, besides the participant."""

    matters: Sequence[MatterRef] = ()
    shares: Sequence[Share] = ()
    watched: bool = False  # a Golden Rule flag names the participant


def relation_of(caller: Caller, participant: Participant, record: Record, at: datetime) -> Relation:
    agency = caller.agency
    request = participant.non_return()
    return Relation(
        referred=any(r.agency == agency for r in participant.referrals),
        holds_matter=any(m.held_by(agency) for m in record.matters),
        party_to_matter=any(agency in m.parties for m in record.matters),
        roi_categories=consent.categories_for(participant.rois, agency, at),
        made_non_return=participant.non_return_agency() == agency,
        non_return_in_force=request is not None and request.in_force(at),
        non_return_requested=request is not None,
        received_shares=any(s.recipient_agency == agency for s in record.shares),
        watched=record.watched,
    )
