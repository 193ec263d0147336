"""The liaison prosecutor's decisions: which make sense for which matters and states, where
they lead, and which open matters wait in the prosecutor's queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import InvalidInput
from domain.legal_errors import (
    BasisRequired,
    DecisionNotAllowed,
    DivertedChargeProtected,
    NoteRequired,
    ReviewDateOutOfRange,
)
from domain.legal_values import Basis


class MatterKind(StrEnum):
    PENDING_CASE = "pending_case"
    WARRANT = "warrant"
    POST_ENROLLMENT_CASE = "post_enrollment_case"
    DIVERTED_CHARGE = "diverted_charge"


class MatterState(StrEnum):
    # Open states.
    DIVERTED = "diverted"  # an arrest diversion's charge while intake may still happen
    REFERRED_FOR_FILING = "referred_for_filing"  # the intake deadline passed: standard processing
    AWAITING_DECISION = "awaiting_decision"
    WARRANT_ACTIVE = "warrant_active"
    QUASH_SUPPORTED = "quash_supported"  # the warrant stays active until a court quashes it
    HELD = "held"  # a filing decision held in abeyance until its review date
    FILED = "filed"
    # Closed states.
    NOT_FILED = "not_filed"  # the person enrolled: the diverted charge will not be filed
    DECLINED = "declined"
    DISMISSED = "dismissed"
    QUASHED = "quashed"
    DISPOSED = "disposed"


KINDS = frozenset(MatterKind)
OPENED_BY_HAND = KINDS - {MatterKind.DIVERTED_CHARGE}
CASES = KINDS - {MatterKind.WARRANT}
CLOSED_STATES = frozenset(
    {
        MatterState.NOT_FILED,
        MatterState.DECLINED,
        MatterState.DISMISSED,
        MatterState.QUASHED,
        MatterState.DISPOSED,
    }
)
PROTECTED_STATES = frozenset({MatterState.DIVERTED, MatterState.NOT_FILED})

FILING_PENDING = frozenset(
    {MatterState.REFERRED_FOR_FILING, MatterState.AWAITING_DECISION, MatterState.HELD}
)
BEFORE_COURT = frozenset({MatterState.AWAITING_DECISION, MatterState.FILED})
WARRANT_STATES = frozenset({MatterState.WARRANT_ACTIVE, MatterState.QUASH_SUPPORTED})
RESUME = "<resume>"  # release_hold returns to the state the matter was in before the hold


@dataclass(frozen=True)
class Rule:
    from_states: frozenset[str]
    to_state: str | None  # None: a stance recorded on the case; the state stays
    kinds: frozenset[str] = CASES


class LegalDecision(StrEnum):
    """What a liaison prosecutor may decide on a legal matter."""

    HOLD = "hold"
    RELEASE_HOLD = "release_hold"
    DECLINE = "decline"
    FILE = "file"
    DISMISS = "dismiss"
    SUPPORT_QUASH = "support_quash"
    QUASHED = "quashed"
    FORGO_DETENTION = "forgo_detention"
    SUPPORT_RELEASE = "support_release"
    DISPOSITION = "disposition"


RULES: dict[str, Rule] = {
    LegalDecision.HOLD: Rule(FILING_PENDING, MatterState.HELD),
    LegalDecision.RELEASE_HOLD: Rule(frozenset({MatterState.HELD}), RESUME),
    LegalDecision.DECLINE: Rule(FILING_PENDING, MatterState.DECLINED),
    LegalDecision.FILE: Rule(FILING_PENDING, MatterState.FILED),
    LegalDecision.DISMISS: Rule(FILING_PENDING | {MatterState.FILED}, MatterState.DISMISSED),
    LegalDecision.SUPPORT_QUASH: Rule(
        frozenset({MatterState.WARRANT_ACTIVE}),
        MatterState.QUASH_SUPPORTED,
        frozenset({MatterKind.WARRANT}),
    ),
    LegalDecision.QUASHED: Rule(
        WARRANT_STATES, MatterState.QUASHED, frozenset({MatterKind.WARRANT})
    ),
    LegalDecision.FORGO_DETENTION: Rule(BEFORE_COURT, None),
    LegalDecision.SUPPORT_RELEASE: Rule(BEFORE_COURT, None),
    LegalDecision.DISPOSITION: Rule(BEFORE_COURT, MatterState.DISPOSED),
}
DECISIONS = frozenset(LegalDecision)


def initial_state(kind: str) -> str:
    if kind == MatterKind.DIVERTED_CHARGE:
        return MatterState.DIVERTED
    return (
        MatterState.WARRANT_ACTIVE if kind == MatterKind.WARRANT else MatterState.AWAITING_DECISION
    )


def queue_reason(kind: str, state: str) -> str | None:
    """Why an open matter needs the liaison prosecutor; None when it needs nothing now.
    A hold is in the queue only once its review date has come (the reader compares)."""
    if state == MatterState.REFERRED_FOR_FILING:
        return "intake_deadline_expired"
    if state in WARRANT_STATES:
        return "warrant_active"
    if state == MatterState.HELD:
        return "hold_review_due"
    if state == MatterState.AWAITING_DECISION:
        return (
            "new_post_enrollment_case"
            if kind == MatterKind.POST_ENROLLMENT_CASE
            else "awaiting_decision"
        )
    return None


def check_note(note: str) -> None:
    """Every decision stays at the prosecutor's discretion, and is recorded with why."""
    if not note.strip():
        raise NoteRequired("a decision says why: note is required", field="note")


def check_fields(decision: str, review_at: datetime | None, basis: Basis | None) -> None:
    """Each decision takes the fields it needs, and no others."""
    if decision not in DECISIONS:
        raise InvalidInput(f"decision must be one of {sorted(DECISIONS)}", field="decision")
    if (review_at is not None) != (decision == LegalDecision.HOLD):
        message = (
            "a hold needs review_at"
            if decision == LegalDecision.HOLD
            else "review_at is for holds only"
        )
        raise ReviewDateOutOfRange(message, field="review_at")
    if decision == LegalDecision.FILE and (basis is None or not basis.declared):
        raise BasisRequired(
            "a filing declares its basis: independent_source, lead_information_refs "
            "or exceptional_circumstances",
            field="basis",
        )
    if decision != LegalDecision.FILE and basis is not None:
        raise InvalidInput("basis is for filings only", field="basis")


def check_review_date(review_at: datetime, decided_at: datetime, max_days: int) -> None:
    if review_at <= decided_at:
        raise ReviewDateOutOfRange("review_at must be after the decision", field="review_at")
    if review_at > decided_at + timedelta(days=max_days):
        raise ReviewDateOutOfRange(
            f"a hold is reviewed within {max_days} days of the decision (site policy)",
            field="review_at",
        )


def check_allowed(kind: str, state: str, stances: list[str], decision: str) -> None:
    rule = RULES[decision]
    if decision == LegalDecision.FILE:
        check_not_protected(kind, state)
    if kind not in rule.kinds:
        raise DecisionNotAllowed(f"{decision} does not apply to a {kind}")
    if state not in rule.from_states:
        raise DecisionNotAllowed(f"{decision} is not allowed on a matter that is {state}")
    if rule.to_state is None and decision in stances:
        raise DecisionNotAllowed(f"{decision} is already recorded on this matter")


def check_not_protected(kind: str, state: str) -> None:
    if kind != MatterKind.DIVERTED_CHARGE or state not in PROTECTED_STATES:
        return
    if state == MatterState.NOT_FILED:
        raise DivertedChargeProtected(
            "the participant enrolled: a diverted charge is not filed once the person enrolls"
        )
    raise DivertedChargeProtected(
        "the charge is diverted: it goes to standard processing only if the intake deadline "
        "passes without intake"
    )
