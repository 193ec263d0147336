"""Capacity rules (toolkit, "Managing Capacity")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from domain.doors import PRIORITY_DOORS
from domain.values import PolicyTerms


@dataclass(frozen=True)
class Capacity:
    caseloads: Mapping[UUID, int]
    average: float
    accepting_priority_referrals: bool
    accepting_post_filing_referrals: bool

    def accepts(self, door: str) -> bool:
        if door in PRIORITY_DOORS:
            return self.accepting_priority_referrals
        return self.accepting_post_filing_referrals


def assess_capacity(caseloads: Mapping[UUID, int], terms: PolicyTerms) -> Capacity:
    """Decline priority referrals only when the average exceeds the threshold *and* every
    case manager would have to go past the maximum. Post-filing referrals stop earlier
    (once the average reaches the threshold), so they never crowd out the priority doors.
    A site with no case managers yet is still accepting: refusals need a caseload to exist.
    """
    average = sum(caseloads.values()) / len(caseloads) if caseloads else 0.0
    everyone_full = bool(caseloads) and min(caseloads.values()) >= terms.caseload_max
    priority = not (average > terms.caseload_average_threshold and everyone_full)
    post_filing = priority and not everyone_full and average < terms.caseload_average_threshold
    return Capacity(dict(caseloads), average, priority, post_filing)
