"""The Golden Rule flags, event by event (DOMAIN.md, "What the service makes of Rule 1", and
"How a flag reads").

An adverse action resting on an independent source alone raises nothing: prosecution is not
constrained when an independent and adequate source exists. One whose basis cites LEAD-shared
information is flagged for review even when an independent source is claimed too (the rule
bars action resting on LEAD information "directly or indirectly"), as is a bare claim of
exceptional circumstances; one with no basis is open. A diverted charge filed for a person
already enrolled is open; filed after the deadline legitimately expired, for a person who
enrolled later, it is for review. A share dated before a revocation recorded earlier is
accepted as late paperwork and flagged for review."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.compliance import (
    ACTION_ON_LEAD_INFORMATION,
    DIVERTED_CHARGE_FILED,
    LATE_DATED_SHARE,
    MISSED_DIVERSION,
    NEEDS_REVIEW,
    OPEN,
    POST_FILING_CROWDED_OUT,
    REVIEWED,
    SHARED_OUTSIDE_ROI,
    VIOLATION_REPORT_REQUESTED,
    FlagReview,
)
from domain.coordination import Coordination
from domain.doors import POST_FILING_DOORS, PRIORITY_DOORS
from domain.golden_rule import charge_source, raised_by
from domain.legal_matter import LegalMatter
from domain.legal_rules import (
    MatterKind,
)
from domain.legal_values import Basis
from domain.missed_diversion import MissedDiversion
from domain.participant import Participant
from domain.participant_state import Status
from projections.compliance_state import ComplianceState
from projections.engine import Item

C, M, P = Coordination, LegalMatter, Participant
KEPT_DECLINES = 20  # the declines a crowding-out flag cites, most recent last


def on_record_opened(state: ComplianceState, item: Item) -> None:
    _, event = item
    state.add_link(event.originator_id, event.participant_id, "coordination")


def on_matter_opened(state: ComplianceState, item: Item) -> None:
    _, event = item
    state.add_link(event.originator_id, event.participant_id, event.kind)


def raise_each(
    state: ComplianceState, item: Item, participant: Any, details: dict[str, Any]
) -> None:
    """The flags the event raises by itself (`domain/golden_rule.py`: the one rule), each
    with the events behind it and its detail."""
    position, event = item
    for raised in raised_by(event):
        cite = CITED.get(raised.rule)
        events = [*(cite(state, event) if cite is not None else []), position]
        state.raise_flag(
            raised.rule,
            raised.source,
            item,
            participant_id=participant,
            events=events,
            status=raised.status,
            detail=details.get(raised.rule, {}),
        )


def cited_shares(state: ComplianceState, event: Any) -> list[int]:
    refs = event.basis.lead_information_refs
    return sorted(state.shares[r]["position"] for r in refs if r in state.shares)


CITED: dict[str, Callable[[ComplianceState, Any], list[int]]] = {
    ACTION_ON_LEAD_INFORMATION: cited_shares
}


def basis_detail(basis: Basis) -> dict[str, Any]:
    return {
        ACTION_ON_LEAD_INFORMATION: {
            "exceptional_circumstances": basis.exceptional_circumstances,
            "independent_source_claimed": bool(basis.independent_source),
        }
    }


def on_shared(state: ComplianceState, item: Item) -> None:
    position, event = item
    participant = state.link(event.originator_id)["participant_id"]
    state.add_share(event.share_id, participant, position)
    revoked = event.roi_revoked_at
    detail = {
        "recipient_agency": event.recipient_agency,
        "category": event.category,
        "roi_id": str(event.roi_id),
        "revoked_at": revoked.isoformat() if revoked is not None else None,
    }
    raise_each(state, item, participant, {LATE_DATED_SHARE: detail})


def on_share_refused(state: ComplianceState, item: Item) -> None:
    _, event = item
    participant = state.link(event.originator_id)["participant_id"]
    detail = {"recipient_agency": event.recipient_agency, "category": event.category}
    raise_each(state, item, participant, {SHARED_OUTSIDE_ROI: detail | {"reason": event.reason}})


def on_adverse_action(state: ComplianceState, item: Item) -> None:
    _, event = item
    participant = state.link(event.originator_id)["participant_id"]
    raise_each(state, item, participant, basis_detail(event.basis))
    if event.kind == "charge_filed" and event.matter_id in state.links:
        filed(state, item, event.matter_id, event.action_id)


def on_report_requested(state: ComplianceState, item: Item) -> None:
    """A case manager asked to report violations is a flag on its face, whatever the answer
    (Golden Rule 1: case managers are not to be turned against participants)."""
    _, event = item
    participant = state.link(event.originator_id)["participant_id"]
    detail = {"requested_by": event.meta.agency, "role": event.meta.role}
    raise_each(state, item, participant, {VIOLATION_REPORT_REQUESTED: detail})


def on_missed_diversion(state: ComplianceState, item: Item) -> None:
    """A diversion-eligible arrest booked instead: open on its face (recorded by defense or
    the project manager); it names no participant."""
    _, event = item
    detail = {
        "arresting_agency": event.arresting_agency,
        "charges": [charge.code for charge in event.charges],
    }
    raise_each(state, item, None, {MISSED_DIVERSION: detail})


def filed(state: ComplianceState, item: Item, matter_id: Any, source: object) -> None:
    """A filing on a diverted charge: remembered, and flagged (open) if the person had
    already enrolled."""
    position, _ = item
    matter = state.link(matter_id)
    if matter["kind"] != MatterKind.DIVERTED_CHARGE:
        return
    matter = state.link(matter_id, filed_positions=[*matter["filed_positions"], position])
    if matter["enrolled_position"] is not None:
        events = [matter["enrolled_position"], position]
        charge_flag(state, item, matter, source, events, OPEN)


def charge_flag(
    state: ComplianceState,
    item: Item,
    matter: dict[str, Any],
    source: object,
    events: list[int],
    status: str,
) -> None:
    state.raise_flag(
        DIVERTED_CHARGE_FILED,
        source,
        item,
        participant_id=matter["participant_id"],
        events=sorted(events),
        status=status,
        detail={"matter_id": str(matter["aggregate_id"])},
    )


def on_referred_for_filing(state: ComplianceState, item: Item) -> None:
    """The intake deadline passed: from here a filing is standard processing."""
    position, event = item
    state.link(event.originator_id, expired_position=position)


def on_charge_filed(state: ComplianceState, item: Item) -> None:
    _, event = item
    participant = state.link(event.originator_id)["participant_id"]
    raise_each(state, item, participant, basis_detail(event.basis))
    filed(state, item, event.originator_id, charge_source(event))


def on_enrolled_with_matter(state: ComplianceState, item: Item) -> None:
    """ChargeNotFiled or EnrolledWhileFiled: the person enrolled; any filing is a flag, for
    review when every filing came after the deadline had legitimately expired."""
    position, event = item
    matter = state.link(event.originator_id, enrolled_position=position)
    filings = matter["filed_positions"]
    if filings:
        source = f"{event.originator_id}:{event.originator_version}"
        expired = matter["expired_position"]
        legitimate = expired is not None and all(filing > expired for filing in filings)
        status = NEEDS_REVIEW if legitimate else OPEN
        charge_flag(state, item, matter, source, [*filings, position], status)


def on_referral(state: ComplianceState, item: Item) -> None:
    """Post-filing referrals must never crowd out priority ones: accepting one while the
    last priority referrals were declined for capacity (none accepted since) is a flag."""
    position, event = item
    door, capacity = event.referral.door, state.capacity
    if door in PRIORITY_DOORS and event.status == Status.DECLINED:
        declined = [*capacity["declined_positions"], position][-KEPT_DECLINES:]
        state.capacity = capacity | {
            "declined_positions": declined,
            "declined_participant_id": event.originator_id,
        }
    elif door in PRIORITY_DOORS and event.status == Status.REFERRED:
        state.capacity = capacity | {"declined_positions": [], "declined_participant_id": None}
    elif (
        door in POST_FILING_DOORS
        and event.status == Status.REFERRED
        and capacity["declined_positions"]
    ):
        state.raise_flag(
            POST_FILING_CROWDED_OUT,
            event.referral_id,
            item,
            participant_id=capacity["declined_participant_id"],
            events=[*capacity["declined_positions"], position],
            detail={"post_filing_participant_id": str(event.originator_id), "door": door},
        )


def on_reviewed(state: ComplianceState, item: Item) -> None:
    _, event = item
    state.change_flag(
        event.flag_id,
        status=REVIEWED,
        reviewed_at=event.timestamp,
        reviewed_by=f"{event.meta.agency}/{event.meta.actor}",
        review_note=event.note,
    )


FOLDS: dict[type[Any], Callable[[ComplianceState, Item], None]] = {
    C.Opened: on_record_opened,
    C.InformationShared: on_shared,
    C.InformationShareRefused: on_share_refused,
    C.AdverseActionRecorded: on_adverse_action,
    C.ReportRequested: on_report_requested,
    MissedDiversion.Recorded: on_missed_diversion,
    M.Opened: on_matter_opened,
    M.ChargeFiled: on_charge_filed,
    M.ReferredForFiling: on_referred_for_filing,
    M.ChargeNotFiled: on_enrolled_with_matter,
    M.EnrolledWhileFiled: on_enrolled_with_matter,
    P.Referred: on_referral,
    P.ReferredAgain: on_referral,
    FlagReview.Reviewed: on_reviewed,
}
