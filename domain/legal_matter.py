"""A participant's legal matter (toolkit: "Legal Case Coordination"): a pending case, a warrant,
a post-enrollment case, or the charge an arrest diversion diverted. Every prosecutor decision
is its own event with who, when, why and the policy version it was made under."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.base import LeadAggregate, Meta, Stamp
from domain.legal_rules import (
    CLOSED_STATES,
    RESUME,
    RULES,
    LegalDecision,
    MatterKind,
    MatterState,
    check_allowed,
    check_fields,
    check_note,
    check_review_date,
    initial_state,
)
from domain.legal_values import Basis, Deliberation, MatterDetails
from domain.roles import Role
from domain.values import Charge


@dataclass(frozen=True)
class DecisionRecord:
    """One decision as the matter keeps it: what, when, why, who, and the state it left."""

    decision: str
    decided_at: datetime
    note: str
    meta: Meta
    state: str


def diverted_matter_id(referral_id: UUID) -> UUID:
    """One diverted-charge matter per arrest diversion, found again from the referral alone."""
    return uuid5(NAMESPACE_URL, f"lead:diverted-charge:{referral_id}")


class LegalMatter(LeadAggregate):
    class Opened(LeadAggregate.Created):
        participant_id: UUID
        kind: str
        state: str
        details: MatterDetails

    class Moved(LeadAggregate.Event):
        """Every later event carries the state it leaves the matter in."""

        state: str

        def apply(self, aggregate: LegalMatter) -> None:
            aggregate.state = self.state
            if self.state != MatterState.HELD:
                aggregate.review_at = None

    class ReferredForFiling(Moved):
        deadline: datetime

    class ChargeNotFiled(Moved):
        enrolled_at: datetime

        def apply(self, aggregate: LegalMatter) -> None:
            super().apply(aggregate)
            aggregate.protected = True

    class EnrolledWhileFiled(Moved):
        """The person enrolled after the diverted charge was filed: nothing is rewritten,
        this records the fact for the compliance view and the liaison prosecutor."""

        enrolled_at: datetime
        referral_id: UUID

        def apply(self, aggregate: LegalMatter) -> None:
            super().apply(aggregate)
            aggregate.enrolled_while_filed = True

    class HoldReviewDue(Moved):
        """An alert: a held filing has reached its review date (the state does not change)."""

        review_at: datetime
        participant_id: UUID

        def apply(self, aggregate: LegalMatter) -> None:
            super().apply(aggregate)
            aggregate.__dict__["review_alerted"] = self.review_at  # older snapshots lack it

    class Decided(Moved):
        decision: str
        note: str
        policy_version: int

        def apply(self, aggregate: LegalMatter) -> None:
            super().apply(aggregate)
            aggregate.last_decision = (self.decision, self.occurred_at)
            aggregate.decisions.append(
                DecisionRecord(self.decision, self.occurred_at, self.note, self.meta, self.state)
            )
            if RULES[self.decision].to_state is None:
                aggregate.stances.append(self.decision)

    class FilingHeld(Decided):
        review_at: datetime
        resume_state: str

        def apply(self, aggregate: LegalMatter) -> None:
            super().apply(aggregate)
            aggregate.review_at = self.review_at
            aggregate.resume_state = self.resume_state

    class HoldReleased(Decided):
        pass

    class FilingDeclined(Decided):
        pass

    class ChargeFiled(Decided):
        basis: Basis

    class CaseDismissed(Decided):
        pass

    class QuashSupported(Decided):
        pass

    class WarrantQuashed(Decided):
        pass

    class DetentionMotionForgone(Decided):
        pass

    class ReleaseSupported(Decided):
        pass

    class DispositionNegotiated(Decided):
        pass

    def __init__(
        self, participant_id: UUID, kind: str, state: str, details: MatterDetails, meta: Meta
    ) -> None:
        self.participant_id = participant_id
        self.kind = kind
        self.state = state
        self.details = details
        self.office = office_of(kind, details, meta)
        self.review_at: datetime | None = None
        self.resume_state = state
        self.protected = False
        self.enrolled_while_filed = False
        self.last_decision: tuple[str, datetime] | None = None
        self.decisions: list[DecisionRecord] = []
        self.stances: list[str] = []

    @classmethod
    def open(
        cls,
        matter_id: UUID,
        participant_id: UUID,
        kind: str,
        details: MatterDetails,
        opened_at: datetime,
        stamp: Stamp,
    ) -> LegalMatter:
        return cls._create(
            cls.Opened,
            id=matter_id,
            participant_id=participant_id,
            kind=kind,
            state=initial_state(kind),
            details=details,
            meta=stamp.meta,
            occurred_at=opened_at,
            timestamp=stamp.recorded_at,
        )

    @classmethod
    def divert(
        cls,
        referral_id: UUID,
        participant_id: UUID,
        charges: tuple[Charge, ...],
        referred_at: datetime,
        stamp: Stamp,
    ) -> LegalMatter:
        details = MatterDetails(charges=charges, incident_at=referred_at, referral_id=referral_id)
        matter_id = diverted_matter_id(referral_id)
        return cls.open(
            matter_id, participant_id, MatterKind.DIVERTED_CHARGE, details, referred_at, stamp
        )

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_STATES

    def holders(self, liaison_offices: tuple[str, ...]) -> frozenset[str]:
        """The prosecutor office(s) that hold the matter: the one recorded, else the site's
        liaison prosecutor offices (diverted charges)."""
        return frozenset({self.office} if self.office else liaison_offices)

    def alert_hold_review(self, stamp: Stamp) -> bool:
        """Raise the review alert when a hold's review date has come, once per review date."""
        review_at = self.review_at
        if self.state != MatterState.HELD or review_at is None or review_at > stamp.recorded_at:
            return False
        if self.__dict__.get("review_alerted") == review_at:  # older snapshots lack it
            return False
        self._emit(
            self.HoldReviewDue,
            stamp,
            review_at,
            state=self.state,
            review_at=review_at,
            participant_id=self.participant_id,
        )
        return True

    # ----- reactions to the participant's intake --------------------------------------------

    def refer_for_filing(self, deadline: datetime, stamp: Stamp) -> None:
        """Intake did not happen in time: the case may be pursued as usual."""
        if self.state == MatterState.DIVERTED:
            self._emit(
                self.ReferredForFiling,
                stamp,
                deadline,
                state=MatterState.REFERRED_FOR_FILING,
                deadline=deadline,
            )

    def close_on_enrollment(self, enrolled_at: datetime, stamp: Stamp) -> None:
        """Enrolled: a charge not yet filed never will be; a filed one is left as it is."""
        if self.kind != MatterKind.DIVERTED_CHARGE:
            return
        if self.state == MatterState.FILED:
            assert self.details.referral_id is not None
            self._emit(
                self.EnrolledWhileFiled,
                stamp,
                enrolled_at,
                state=MatterState.FILED,
                enrolled_at=enrolled_at,
                referral_id=self.details.referral_id,
            )
        elif self.is_open:
            self._emit(
                self.ChargeNotFiled,
                stamp,
                enrolled_at,
                state=MatterState.NOT_FILED,
                enrolled_at=enrolled_at,
            )

    # ----- the prosecutor's decisions -------------------------------------------------------

    def decide(
        self,
        decision: str,
        how: Deliberation,
        review_at: datetime | None = None,
        basis: Basis | None = None,
        hold_review_max_days: int = 90,
    ) -> None:
        check_fields(decision, review_at, basis)
        check_note(how.note)
        check_allowed(self.kind, self.state, self.stances, decision)
        data: dict[str, Any] = {}
        if decision == LegalDecision.HOLD:
            assert review_at is not None
            check_review_date(review_at, how.decided_at, hold_review_max_days)
            resume = self.resume_state if self.state == MatterState.HELD else self.state
            data = {"review_at": review_at, "resume_state": resume}
        elif decision == LegalDecision.FILE:
            data = {"basis": basis}
        self._record(EVENT_OF[decision], decision, how, **data)

    def _record(self, event: type[Decided], decision: str, how: Deliberation, **data: Any) -> None:
        to_state = RULES[decision].to_state
        state = self.resume_state if to_state == RESUME else to_state or self.state
        self._emit(
            event,
            how.stamp,
            how.decided_at,
            state=state,
            decision=decision,
            note=how.note,
            policy_version=how.policy_version,
            **data,
        )


def office_of(kind: str, details: MatterDetails, meta: Meta) -> str | None:
    """The office recorded; a matter opened before offices were recorded is held by the
    prosecutor who opened it. None: the site's liaison prosecutor offices (diverted charges)."""
    if details.office:
        return details.office
    opened_by_prosecutor = kind != MatterKind.DIVERTED_CHARGE and meta.role == Role.PROSECUTOR
    return meta.agency if opened_by_prosecutor else None


EVENT_OF: dict[str, type[LegalMatter.Decided]] = {
    LegalDecision.HOLD: LegalMatter.FilingHeld,
    LegalDecision.FILE: LegalMatter.ChargeFiled,
    LegalDecision.RELEASE_HOLD: LegalMatter.HoldReleased,
    LegalDecision.DECLINE: LegalMatter.FilingDeclined,
    LegalDecision.DISMISS: LegalMatter.CaseDismissed,
    LegalDecision.SUPPORT_QUASH: LegalMatter.QuashSupported,
    LegalDecision.QUASHED: LegalMatter.WarrantQuashed,
    LegalDecision.FORGO_DETENTION: LegalMatter.DetentionMotionForgone,
    LegalDecision.SUPPORT_RELEASE: LegalMatter.ReleaseSupported,
    LegalDecision.DISPOSITION: LegalMatter.DispositionNegotiated,
}
