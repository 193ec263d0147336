"""The rows within a section another agency may see (DOMAIN.md, "Who sees what"): only its own
agency's identifiers, its own referrals, the legal matters it holds or is party to (all of them
under a ROI for `legal_status`), the shares it received, and the ROIs in force that name it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from domain import consent
from domain.coordination import AdverseAction, ReportRequest, Share
from domain.disclosure import Caller, Relation, RoiCategory
from domain.participant_state import ReferralState, RoiState
from domain.relations import MatterRef
from domain.values import Identifier, PolicyTerms

T = TypeVar("T")


@dataclass(frozen=True)
class Rows:
    """What the caller may see of a record's rows, decided once per read."""

    caller: Caller
    relation: Relation

    def keep(self, rows: Sequence[T], own: list[bool]) -> list[T]:
        if self.caller.full_view:
            return list(rows)
        return [row for row, mine in zip(rows, own, strict=True) if mine]

    def identifiers(
        self, records: Sequence[tuple[Identifier, str]], terms: PolicyTerms
    ) -> list[Identifier]:
        """A registered system's identifiers to its agency; an unregistered system's to the
        agency that recorded them."""
        agency = self.caller.agency
        mine = [(terms.system_agency(i.system) or by) == agency for i, by in records]
        return [i for i, _ in self.keep(records, mine)]

    def referrals(self, referrals: Sequence[ReferralState]) -> list[ReferralState]:
        return self.keep(referrals, [r.agency == self.caller.agency for r in referrals])

    def matters(self, matters: Sequence[MatterRef]) -> list[MatterRef]:
        if self.relation.covers(RoiCategory.LEGAL_STATUS):
            return list(matters)
        return self.keep(matters, [m.names(self.caller.agency) for m in matters])

    def shares(self, shares: Sequence[Share]) -> list[Share]:
        return self.keep(shares, [s.recipient_agency == self.caller.agency for s in shares])

    def adverse_actions(
        self, actions: Sequence[AdverseAction], matters: frozenset[UUID]
    ) -> list[AdverseAction]:
        """All under a ROI for `legal_status`; else those its agency took, or on a matter it
        may see."""
        if self.relation.covers(RoiCategory.LEGAL_STATUS):
            return list(actions)
        agency = self.caller.agency
        own = [a.agency == agency or (a.matter_id in matters) for a in actions]
        return self.keep(actions, own)

    def report_requests(self, requests: Sequence[ReportRequest]) -> list[ReportRequest]:
        """Its own requests (and their answers): nobody else's."""
        return self.keep(requests, [r.agency == self.caller.agency for r in requests])

    def rois(self, rois: Sequence[RoiState], at: datetime) -> list[RoiState]:
        """Every ROI in force; to another agency only those naming it, and of the agencies
        each names only itself."""
        current = consent.in_force(rois, at)
        if self.caller.full_view:
            return current
        agency = self.caller.agency
        return [replace(roi, agencies=(agency,)) for roi in current if agency in roi.agencies]
