"""Values carried in legal coordination events. Registered in `infra/transcodings.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.base import Stamp
from domain.values import Charge


@dataclass(frozen=True)
class Basis:
    """What an adverse action or a filing rests on (Golden Rule 1): an independent source,
    information received through LEAD (share ids), or a claim of exceptional circumstances."""

    independent_source: str | None = None
    lead_information_refs: tuple[UUID, ...] = ()
    exceptional_circumstances: str | None = None

    @property
    def declared(self) -> bool:
        return bool(
            self.independent_source or self.lead_information_refs or self.exceptional_circumstances
        )


@dataclass(frozen=True)
class Deliberation:
    """Who decided (the stamp), when (business time), why (the note), under which policy."""

    stamp: Stamp
    decided_at: datetime
    note: str
    policy_version: int


@dataclass(frozen=True)
class MatterDetails:
    """What the court knows the matter by (a diverted charge names its referral instead), the
    office that holds it and the other agencies party to it."""

    case_number: str = ""
    court: str = ""
    charges: tuple[Charge, ...] = ()
    incident_at: datetime | None = None
    referral_id: UUID | None = None
    office: str | None = None  # the prosecutor office that holds it; None: the liaison offices
    parties: tuple[str, ...] = ()  # other agencies party to it: court, probation, defense
