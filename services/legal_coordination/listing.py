"""A participant's legal matters for the participant view, read from the store (always current,
or as known at a moment for auditors): the diverted charges of its arrest diversions and the
matters linked to its coordination record."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.coordination import Coordination, coordination_id
from domain.doors import Door
from domain.legal_matter import LegalMatter, diverted_matter_id
from domain.participant import Participant
from domain.participant_state import Status
from services.jsonable import json_object
from services.legal_coordination.store import LegalRepository


class LegalMatterListing:
    def __init__(self, legal: LegalRepository) -> None:
        self.legal = legal

    def for_participant(
        self, participant: Participant, as_of: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Open matters first, then in the order they were opened."""
        found = (
            self.legal.find(LegalMatter, i, as_of) for i in self.matter_ids(participant, as_of)
        )
        matters = sorted(
            (m for m in found if m is not None), key=lambda m: (not m.is_open, m.created_on)
        )
        return [matter_view(m) for m in matters]

    def matter_ids(self, participant: Participant, as_of: datetime | None) -> list[UUID]:
        diverted = [
            diverted_matter_id(r.referral_id)
            for r in participant.referrals
            if r.door == Door.ARREST_DIVERSION and r.status != Status.DECLINED
        ]
        record = self.legal.find(Coordination, coordination_id(participant.id), as_of)
        linked = record.matter_ids if record else []
        return list(dict.fromkeys([*diverted, *linked]))


def matter_view(m: LegalMatter) -> dict[str, Any]:
    decided = None
    if m.last_decision is not None:
        decided = {"decision": m.last_decision[0], "decided_at": m.last_decision[1]}
    return json_object(
        {
            "matter_id": m.id,
            "kind": m.kind,
            "state": m.state,
            "open": m.is_open,
            "case_number": m.details.case_number,
            "court": m.details.court,
            "charges": list(m.details.charges),
            "incident_at": m.details.incident_at,
            "referral_id": m.details.referral_id,
            "opened_at": m.created_on,
            "review_at": m.review_at,
            "protected": m.protected,
            "enrolled_while_filed": m.enrolled_while_filed,
            "last_decision": decided,
            "version": m.version,
        }
    )
