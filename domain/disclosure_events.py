"""A participant's history, read through the disclosure table: every event is listed, and its
data is shown only if the section it belongs to is one the caller may see (and, within the
section, the row is the caller's: its own referral, a matter it may see, a share it received,
its own system's identifier). What an agency recorded itself it may always read back. An event
of a kind not in this table is withheld from everyone but the site's staff and auditors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.caseloads import Caseloads
from domain.compliance import FlagReview
from domain.coordination import Coordination
from domain.disclosure import Caller, Section
from domain.identifiers import IdentifierClaim
from domain.legal_matter import LegalMatter
from domain.participant import Participant
from domain.values import PolicyTerms

P, C, S = Participant, Coordination, Section

EVENT_SECTIONS: dict[type[Any], Section] = {
    P.Referred: S.REFERRALS,
    P.ReferredAgain: S.REFERRALS,
    P.IntakeCompleted: S.PLAN,
    P.RoiSigned: S.CASE_RECORD,
    P.RoiRevoked: S.CASE_RECORD,
    P.Enrolled: S.PARTICIPATION,
    P.IntakeDeadlineExtended: S.REFERRALS,
    P.WarmHandoffRecorded: S.REFERRALS,
    P.IntakeDeadlineExpired: S.PARTICIPATION,
    P.IntakeDeadlineApproaching: S.PARTICIPATION,
    P.RoiExpiring: S.CASE_RECORD,
    P.CaseManagerAssigned: S.PARTICIPATION,
    P.ContactRecorded: S.ENGAGEMENT,
    P.Discharged: S.CASE_RECORD,
    P.Readmitted: S.CASE_RECORD,
    P.NonReturnExceptionGranted: S.NON_RETURN,
    P.NonReturnViolationReported: S.NON_RETURN,
    Caseloads.ParticipantAssigned: S.PARTICIPATION,
    Caseloads.ParticipantReleased: S.PARTICIPATION,
    IdentifierClaim.Claimed: S.IDENTIFIERS,
    IdentifierClaim.Released: S.IDENTIFIERS,
    IdentifierClaim.Reclaimed: S.IDENTIFIERS,
    C.Opened: S.PARTICIPATION,
    C.MatterLinked: S.LEGAL,
    C.InformationShared: S.SHARES,
    C.InformationShareRefused: S.SHARES,
    C.AdverseActionRecorded: S.LEGAL,
    # A report request is read back by the agency that made it (above) and the site's staff.
    C.ReportRequested: S.CASE_RECORD,
    C.ReportRequestAnswered: S.CASE_RECORD,
    FlagReview.Reviewed: S.GOLDEN_RULE,
}


def section_of(event: object) -> Section | None:
    if isinstance(event, LegalMatter.Event):
        return S.LEGAL
    return EVENT_SECTIONS.get(type(event))


@dataclass(frozen=True)
class EventReader:
    """What one caller may read of the events of one participant's history."""

    caller: Caller
    visible: frozenset[Section]
    matters: frozenset[UUID]  # the legal matters the caller may see
    terms: PolicyTerms
    legal_status: bool = False  # a ROI in force releases the legal status to the caller
    linked_records: tuple[UUID, ...] = ()  # later records of the person: their events show too

    def shows(self, event: object) -> Section | None:
        """The section whose data the event shows this caller; None: its data is withheld."""
        section = section_of(event)
        if self.caller.full_view:
            return section or S.CASE_RECORD
        if section is None:
            return None
        if getattr(getattr(event, "meta", None), "agency", None) == self.caller.agency:
            return section  # what the agency recorded itself
        if section in self.visible and self.row_is_theirs(section, event):
            return section
        return None

    def row_is_theirs(self, section: Section, event: Any) -> bool:
        check = ROWS.get(section)
        return check is None or check(self, event)


def matter_row(reader: EventReader, event: Any) -> bool:
    """A matter's events to those who may see the matter; an adverse action tied to no matter
    only under a ROI for the legal status."""
    own_matter = event.originator_id if isinstance(event, LegalMatter.Event) else None
    matter = getattr(event, "matter_id", None) or own_matter
    return matter in reader.matters if matter is not None else reader.legal_status


def identifier_row(reader: EventReader, event: Any) -> bool:
    return reader.terms.system_agency(event.identifier.system) == reader.caller.agency


ROWS: dict[Section, Callable[[EventReader, Any], bool]] = {
    S.REFERRALS: lambda _, __: False,  # another agency's referral: only its own (above)
    S.LEGAL: matter_row,
    S.SHARES: lambda reader, event: event.recipient_agency == reader.caller.agency,
    S.IDENTIFIERS: identifier_row,
}
