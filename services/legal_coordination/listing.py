"""A participant's legal matters, read from the store (always current, or as known at a moment
for auditors): the diverted charges of its arrest diversions and the matters linked to its
coordination record."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.coordination import Coordination, coordination_id
from domain.doors import Door
from domain.legal_matter import LegalMatter, diverted_matter_id
from domain.participant import Participant
from domain.participant_state import Status
from domain.relations import MatterRef
from domain.values import PolicyTerms
from services.legal_coordination.store import LegalRepository


class LegalMatterListing:
    def __init__(self, legal: LegalRepository) -> None:
        self.legal = legal

    def record(
        self, participant: Participant, as_of: datetime | None = None
    ) -> Coordination | None:
        return self.legal.find(Coordination, coordination_id(participant.id), as_of)

    def matters(
        self, participant: Participant, record: Coordination | None, as_of: datetime | None = None
    ) -> list[LegalMatter]:
        """Open matters first, then in the order they were opened. As they are now in one
        query (a decision on one matter reads all of them); as known at a moment, each."""
        ids = matter_ids(participant, record)
        if as_of is None:
            found = self.legal.find_current(LegalMatter, ids)
        else:
            then = (self.legal.find(LegalMatter, i, as_of) for i in ids)
            found = [m for m in then if m is not None]
        return sorted(found, key=lambda m: (not m.is_open, m.created_on))


def matter_ids(participant: Participant, record: Coordination | None) -> list[UUID]:
    diverted = [
        diverted_matter_id(r.referral_id)
        for r in participant.referrals
        if r.door == Door.ARREST_DIVERSION and r.status != Status.DECLINED
    ]
    linked = record.matter_ids if record else []
    return list(dict.fromkeys([*diverted, *linked]))


def matter_ref(matter: LegalMatter, terms: PolicyTerms) -> MatterRef:
    return MatterRef(
        matter.id,
        matter.holders(terms.liaison_prosecutor_agencies),
        frozenset(matter.details.parties),
    )


def matter_view(m: LegalMatter) -> dict[str, Any]:
    decided = None
    if m.last_decision is not None:
        decided = {"decision": m.last_decision[0], "decided_at": m.last_decision[1]}
    return {
        "matter_id": m.id,
        "kind": m.kind,
        "state": m.state,
        "open": m.is_open,
        "case_number": m.details.case_number,
        "court": m.details.court,
        "charges": [vars(c) for c in m.details.charges],
        "incident_at": m.details.incident_at,
        "referral_id": m.details.referral_id,
        "office": m.office,
        "parties": list(m.details.parties),
        "opened_at": m.created_on,
        "review_at": m.review_at,
        "protected": m.protected,
        "enrolled_while_filed": m.enrolled_while_filed,
        "last_decision": decided,
        "version": m.version,
    }
