"""The Golden Rule flags one event raises on its own (DOMAIN.md, "What the service makes of
Rule 1"): ONE place for the rule, used by the compliance view (`projections/compliance_rules.py`)
and by the `golden_rule.flag_raised` notification (`domain/notifications.py`).

An adverse action resting on an independent source alone raises nothing; one whose basis cites
LEAD-shared information is for review even when an independent source is claimed too, as is a
bare claim of exceptional circumstances; one with no basis is open. A subpoenaed case manager,
a refused share, a request to report violations and a missed diversion are open on their face;
a share dated before a revocation recorded earlier is late paperwork, for review.

Two rules need what came before (a diverted charge filed for an enrolled person; post-filing
referrals crowding out priority ones): the compliance view keeps that state, and they are not
in this table. Their notification is told from the view, once it has run past the event
(`FROM_HISTORY`, `services/notifications/reach.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.compliance import (
    ACTION_ON_LEAD_INFORMATION,
    ACTION_WITHOUT_BASIS,
    CASE_MANAGER_SUBPOENAED,
    DIVERTED_CHARGE_FILED,
    LATE_DATED_SHARE,
    MISSED_DIVERSION,
    NEEDS_REVIEW,
    OPEN,
    POST_FILING_CROWDED_OUT,
    SHARED_OUTSIDE_ROI,
    VIOLATION_REPORT_REQUESTED,
    flag_id,
)
from domain.coordination import VIOLATION_REPORT, Coordination
from domain.doors import POST_FILING_DOORS
from domain.legal_matter import LegalMatter
from domain.legal_values import Basis
from domain.missed_diversion import MissedDiversion
from domain.participant import Participant
from domain.participant_state import Status

C = Coordination
SUBPOENA = "case_manager_subpoena"


@dataclass(frozen=True)
class Raised:
    """One flag an event raises: its rule, the fact it is named by, how it reads."""

    rule: str
    source: object
    status: str = OPEN

    @property
    def flag_id(self) -> Any:
        return flag_id(self.rule, self.source)


def on_basis(basis: Basis, source: object) -> list[Raised]:
    if basis.lead_information_refs or basis.exceptional_circumstances:
        return [Raised(ACTION_ON_LEAD_INFORMATION, source, NEEDS_REVIEW)]
    if not basis.declared:
        return [Raised(ACTION_WITHOUT_BASIS, source)]
    return []


def shared(event: Any) -> list[Raised]:
    late = event.roi_revoked_at is not None
    return [Raised(LATE_DATED_SHARE, event.share_id, NEEDS_REVIEW)] if late else []


def refused(event: Any) -> list[Raised]:
    return [Raised(SHARED_OUTSIDE_ROI, event.attempt_id)]


def adverse_action(event: Any) -> list[Raised]:
    subpoena = [Raised(CASE_MANAGER_SUBPOENAED, event.action_id)] if event.kind == SUBPOENA else []
    return on_basis(event.basis, event.action_id) + subpoena


def report_requested(event: Any) -> list[Raised]:
    asked = event.kind == VIOLATION_REPORT
    return [Raised(VIOLATION_REPORT_REQUESTED, event.request_id)] if asked else []


def missed(event: Any) -> list[Raised]:
    return [Raised(MISSED_DIVERSION, event.originator_id)]


def charge_filed(event: Any) -> list[Raised]:
    return on_basis(event.basis, charge_source(event))


def charge_source(event: Any) -> str:
    """A filing is named by its matter and the matter's version."""
    return f"{event.originator_id}:{event.originator_version}"


RAISERS: dict[type[Any], Callable[[Any], list[Raised]]] = {
    C.InformationShared: shared,
    C.InformationShareRefused: refused,
    C.AdverseActionRecorded: adverse_action,
    C.ReportRequested: report_requested,
    MissedDiversion.Recorded: missed,
    LegalMatter.ChargeFiled: charge_filed,
}


def raised_by(event: object) -> list[Raised]:
    """The flags this event raises by itself, in the view's order (none for most events)."""
    raise_ = RAISERS.get(type(event))
    return raise_(event) if raise_ is not None else []


# The rules the compliance view raises from what came before, and the events it may raise
# them at (`projections/compliance_rules.py`: a filing, an enrolment with a matter, a referral).
FROM_HISTORY = (DIVERTED_CHARGE_FILED, POST_FILING_CROWDED_OUT)
REFERRALS = (Participant.Referred, Participant.ReferredAgain)
RAISED_FROM_HISTORY_AT: tuple[type[Any], ...] = (
    LegalMatter.ChargeFiled,
    LegalMatter.ChargeNotFiled,
    LegalMatter.EnrolledWhileFiled,
    *REFERRALS,
)


def may_flag_from_history(event: object) -> bool:
    """Whether the compliance view may raise a flag from history at this event, by the event
    alone: a filing, an enrolment closing a matter, a referral taken through a post-filing
    door (`compliance_rules.py`: `filed`, `on_enrolled_with_matter`, `on_referral`). A
    notification waits for the view only at such an event, not at every referral."""
    if isinstance(event, REFERRALS):
        return event.referral.door in POST_FILING_DOORS and event.status == Status.REFERRED
    return isinstance(event, RAISED_FROM_HISTORY_AT)
