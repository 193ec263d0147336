"""A person referred into LEAD: referrals, enrollment, ROI, caseload, engagement, discharge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

from domain import alerts, consent
from domain.alerts import alert_key
from domain.base import LeadAggregate, Meta, Stamp
from domain.doors import Door
from domain.errors import (
    FORGOTTEN,
    AlreadyForgotten,
    ApproverIsRequester,
    DischargeNotAllowed,
    Forbidden,
    InvalidInput,
    ParticipantForgotten,
    StateConflict,
)
from domain.participant_state import Engagement, NonReturn, ReferralState, RoiState, Status
from domain.values import (
    Demographics,
    Identifier,
    Person,
    PolicyTerms,
    Referral,
    check_texts,
)

ENGAGING_CONTACTS = frozenset({"field", "office", "phone"})
CONTACT_KINDS = ENGAGING_CONTACTS | {"attempt"}
NON_ENGAGEMENT_REASONS = frozenset({"sustained_non_engagement", "no_behavior_change"})
SAFETY_REASONS = frozenset({"staff_safety", "program_safety"})
DISCHARGE_REASONS = NON_ENGAGEMENT_REASONS | SAFETY_REASONS
EXTENSION_REASONS = frozenset({"specific_reason", "incapacitated"})
FORGETTING_REASONS = frozenset({"court_order", "retention_expired", "participant_request"})


class Participant(LeadAggregate):
    # Unlinked until a link says otherwise (set only by the link events, so a snapshot of a
    # record never linked, or taken before links existed, reads back the same). A list, as
    # the snapshots' JSON gives it back.
    linked_to: UUID | None = None
    linked_records: Sequence[UUID] = ()

    class Referred(LeadAggregate.Created):
        person: Person
        referral_id: UUID
        referral: Referral
        status: str
        decline_reason: str | None
        intake_deadline: datetime | None
        non_return_until: datetime | None
        policy_version: int
        # Records an identifier matched whose names or date of birth disagree: not merged.
        identifier_matches: tuple[UUID, ...] = ()

    class ReferredAgain(LeadAggregate.Event):
        referral_id: UUID
        referral: Referral
        status: str
        decline_reason: str | None
        intake_deadline: datetime | None
        non_return_until: datetime | None
        policy_version: int
        identifiers: tuple[Identifier, ...] = ()  # new to the record (claimed by this referral)

        def apply(self, aggregate: Participant) -> None:
            aggregate.add_referral(self)

    class IntakeCompleted(LeadAggregate.Event):
        plan_summary: str

        def apply(self, aggregate: Participant) -> None:
            aggregate.intake_completed_at = self.occurred_at
            aggregate.plan_summary = self.plan_summary

    class RoiSigned(LeadAggregate.Event):
        roi_id: UUID
        agencies: tuple[str, ...]
        categories: tuple[str, ...]
        expires_at: datetime | None

        def apply(self, aggregate: Participant) -> None:
            aggregate.rois.append(
                RoiState(
                    self.roi_id,
                    self.occurred_at,
                    tuple(self.agencies),
                    tuple(self.categories),
                    self.expires_at,
                )
            )

    class RoiRevoked(LeadAggregate.Event):
        roi_id: UUID
        reason: str | None

        def apply(self, aggregate: Participant) -> None:
            for roi in aggregate.rois:
                if roi.roi_id == self.roi_id:
                    roi.revoked_at = self.occurred_at

    class Enrolled(LeadAggregate.Event):
        diverted_referral_ids: tuple[UUID, ...]

        def apply(self, aggregate: Participant) -> None:
            aggregate.enrolled_at = self.occurred_at
            for referral in aggregate.referrals:
                if referral.status in (Status.REFERRED, Status.EXPIRED):
                    referral.status = Status.ENROLLED

    class IntakeDeadlineExtended(LeadAggregate.Event):
        referral_id: UUID
        previous_deadline: datetime
        new_deadline: datetime
        agreed_by: str
        reason: str
        note: str

        def apply(self, aggregate: Participant) -> None:
            aggregate.referral(self.referral_id).intake_deadline = self.new_deadline

    class IntakeDeadlineExpired(LeadAggregate.Event):
        referral_id: UUID
        deadline: datetime

        def apply(self, aggregate: Participant) -> None:
            aggregate.referral(self.referral_id).status = Status.EXPIRED

    class IntakeDeadlineApproaching(LeadAggregate.Event):
        """An alert: the intake deadline comes within the policy's reminder days."""

        referral_id: UUID
        deadline: datetime
        days_before: int

        def apply(self, aggregate: Participant) -> None:
            key = alert_key("intake", self.referral_id, self.deadline, self.days_before)
            aggregate.alerts_raised().append(key)

    class RoiExpiring(LeadAggregate.Event):
        """An alert: a ROI in force expires within the policy's reminder days."""

        roi_id: UUID
        expires_at: datetime
        days_before: int

        def apply(self, aggregate: Participant) -> None:
            key = alert_key("roi", self.roi_id, self.expires_at, self.days_before)
            aggregate.alerts_raised().append(key)

    class CaseManagerAssigned(LeadAggregate.Event):
        case_manager_id: UUID
        previous_case_manager_id: UUID | None

        def apply(self, aggregate: Participant) -> None:
            aggregate.case_manager_id = self.case_manager_id

    class ContactRecorded(LeadAggregate.Event):
        kind: str

        def apply(self, aggregate: Participant) -> None:
            aggregate.engagement.history.append((self.occurred_at, self.kind))
            if self.kind in ENGAGING_CONTACTS:
                aggregate.engagement.contacts += 1
                last = aggregate.engagement.last_contact_at
                if last is None or self.occurred_at > last:
                    aggregate.engagement.last_contact_at = self.occurred_at
            else:
                aggregate.engagement.attempts += 1

    class Discharged(LeadAggregate.Event):
        reason: str
        note: str
        released_case_manager_id: UUID | None
        policy_version: int

        def apply(self, aggregate: Participant) -> None:
            aggregate.discharged_at = self.occurred_at
            aggregate.discharge_reason = self.reason
            aggregate.case_manager_id = None

    class Readmitted(LeadAggregate.Event):
        note: str

        def apply(self, aggregate: Participant) -> None:
            aggregate.discharged_at = None
            aggregate.discharge_reason = None
            aggregate.readmitted_at = self.occurred_at

    class WarmHandoffRecorded(LeadAggregate.Event):
        """The person was handed to a case manager (toolkit: ideally within 30 minutes)."""

        referral_id: UUID
        case_manager_id: UUID | None
        minutes_after_referral: float

        def apply(self, aggregate: Participant) -> None:
            aggregate.referral(self.referral_id).handed_off_at = self.occurred_at

    class LinkedInto(LeadAggregate.Event):
        """This (later) record is the same person as `into`, and shows under it."""

        into: UUID
        candidate_id: UUID
        note: str

        def apply(self, aggregate: Participant) -> None:
            aggregate.linked_to = self.into

    class LinkUndone(LeadAggregate.Event):
        into: UUID
        candidate_id: UUID
        note: str

        def apply(self, aggregate: Participant) -> None:
            aggregate.linked_to = None

    class RecordLinked(LeadAggregate.Event):
        """A later record of the same person now shows under this one."""

        record: UUID
        candidate_id: UUID

        def apply(self, aggregate: Participant) -> None:
            aggregate.linked_records = [*aggregate.linked_records, self.record]

    class RecordUnlinked(LeadAggregate.Event):
        record: UUID
        candidate_id: UUID

        def apply(self, aggregate: Participant) -> None:
            aggregate.linked_records = [r for r in aggregate.linked_records if r != self.record]

    class NonReturnExceptionGranted(LeadAggregate.Event):
        referral_id: UUID
        agreed_by: str
        reason: str

        def apply(self, aggregate: Participant) -> None:
            aggregate.referral(self.referral_id).non_return_exception = True

    class NonReturnViolationReported(LeadAggregate.Event):
        referral_id: UUID
        location: str
        note: str

        def apply(self, aggregate: Participant) -> None:
            aggregate.non_return_violations += 1

    class Forgotten(LeadAggregate.Event):
        """The person's data key is destroyed: no personal data here, and none readable in
        the stream's earlier events from now on."""

        reason: str
        reference: str
        approved_by: str

        def apply(self, aggregate: Participant) -> None:
            aggregate.forgotten = True

    forgotten = False  # an attribute of the class: snapshots from before forgetting lack it

    def __init__(
        self,
        person: Person,
        referral_id: UUID,
        referral: Referral,
        status: str,
        decline_reason: str | None,
        intake_deadline: datetime | None,
        non_return_until: datetime | None,
        policy_version: int,
        meta: Meta,
        identifier_matches: tuple[UUID, ...] = (),
    ) -> None:
        del identifier_matches  # the candidate search reads it on the event
        self.person = person
        self.demographics: Demographics = referral.demographics
        self.referrals: list[ReferralState] = []
        self.rois: list[RoiState] = []
        self.intake_completed_at: datetime | None = None
        self.plan_summary: str | None = None
        self.enrolled_at: datetime | None = None
        self.discharged_at: datetime | None = None
        self.discharge_reason: str | None = None
        self.readmitted_at: datetime | None = None
        self.case_manager_id: UUID | None = None
        self.engagement = Engagement()
        self.non_return_violations = 0
        self.referrals.append(
            _referral_state(
                referral_id,
                referral,
                status,
                decline_reason,
                intake_deadline,
                non_return_until,
                policy_version,
                meta,
            )
        )

    # ----- creation and re-referral -------------------------------------------------------

    @classmethod
    def refer(
        cls,
        participant_id: UUID,
        person: Person,
        referral_id: UUID,
        referral: Referral,
        accepted: bool,
        terms: PolicyTerms,
        policy_version: int,
        stamp: Stamp,
        identifier_matches: tuple[UUID, ...] = (),
    ) -> Participant:
        check_texts(referral, person)
        status, decline_reason, deadline, non_return = _outcome(
            referral, terms, taken_in=accepted, enrolled=False
        )
        return cls._create(
            cls.Referred,
            id=participant_id,
            person=person,
            referral_id=referral_id,
            referral=referral,
            status=status,
            decline_reason=decline_reason,
            intake_deadline=deadline,
            non_return_until=non_return,
            policy_version=policy_version,
            identifier_matches=identifier_matches,
            meta=stamp.meta,
            occurred_at=referral.referred_at,
            timestamp=stamp.recorded_at,
        )

    def refer_again(
        self,
        referral_id: UUID,
        referral: Referral,
        accepted: bool,
        terms: PolicyTerms,
        policy_version: int,
        stamp: Stamp,
        identifiers: tuple[Identifier, ...] = (),
    ) -> None:
        check_texts(referral, identifiers=identifiers)  # the new ones: old ones were kept
        # An enrolled participant already has case management: a new referral takes no slot.
        enrolled = self.status == Status.ENROLLED
        status, decline_reason, deadline, non_return = _outcome(
            referral, terms, taken_in=accepted or enrolled, enrolled=enrolled
        )
        self._emit(
            self.ReferredAgain,
            stamp,
            referral.referred_at,
            referral_id=referral_id,
            referral=referral,
            status=status,
            decline_reason=decline_reason,
            intake_deadline=deadline,
            non_return_until=non_return,
            policy_version=policy_version,
            identifiers=identifiers,
        )

    def add_referral(self, event: Participant.ReferredAgain) -> None:
        if self.discharged_at is not None and event.status == Status.REFERRED:
            self.discharged_at = None
            self.discharge_reason = None
            self.enrolled_at = None
            self.intake_completed_at = None
        if event.referral.demographics != Demographics():
            self.demographics = event.referral.demographics
        state = _referral_state(
            event.referral_id,
            event.referral,
            event.status,
            event.decline_reason,
            event.intake_deadline,
            event.non_return_until,
            event.policy_version,
            event.meta,
        )
        self.referrals.append(replace(state, identifiers=tuple(event.identifiers)))

    # ----- the same person on two records -------------------------------------------------

    def link_into(self, earlier: Participant, candidate: UUID, note: str, stamp: Stamp) -> None:
        """This later record shows under `earlier` from now on; both records stay whole."""
        self.check_may_be_linked()
        if earlier.linked_to is not None:
            raise StateConflict(f"that record is linked into {earlier.linked_to}; link into it")
        self._emit(
            self.LinkedInto,
            stamp,
            stamp.recorded_at,
            into=earlier.id,
            candidate_id=candidate,
            note=note,
        )
        earlier._emit(
            earlier.RecordLinked, stamp, stamp.recorded_at, record=self.id, candidate_id=candidate
        )

    def check_may_be_linked(self) -> None:
        if self.linked_to is not None:
            raise StateConflict(f"this record is already linked into {self.linked_to}")
        if self.linked_records:
            raise StateConflict("other records are linked into this one; unlink them first")

    def undo_link(self, earlier: Participant, candidate: UUID, note: str, stamp: Stamp) -> None:
        if self.linked_to != earlier.id:
            raise StateConflict("this record is not linked")
        self._emit(
            self.LinkUndone,
            stamp,
            stamp.recorded_at,
            into=earlier.id,
            candidate_id=candidate,
            note=note,
        )
        earlier._emit(
            earlier.RecordUnlinked, stamp, stamp.recorded_at, record=self.id, candidate_id=candidate
        )

    # ----- enrollment --------------------------------------------------------------------

    def complete_intake(self, completed_at: datetime, plan_summary: str, stamp: Stamp) -> None:
        self.check_taken_in()
        if self.intake_completed_at is not None:
            raise StateConflict("the intake assessment is already completed")
        if completed_at < self.first_accepted_referral().referred_at:
            raise InvalidInput("completed_at is before the referral", field="completed_at")
        self._emit(self.IntakeCompleted, stamp, completed_at, plan_summary=plan_summary)
        self.enroll_if_ready(stamp)

    def sign_roi(
        self,
        roi_id: UUID,
        signed_at: datetime,
        agencies: tuple[str, ...],
        categories: tuple[str, ...],
        expires_at: datetime | None,
        stamp: Stamp,
        replaces: consent.Replaces = (),
    ) -> list[UUID]:
        """Sign a ROI; the ROIs it replaces (named, or `all` in force) end as it is signed."""
        self.check_taken_in()
        consent.check_roi_terms(agencies, categories, expires_at, signed_at)
        ended = consent.chosen(self.rois, signed_at, replaces, "replaces") if replaces else []
        for replaced in ended:
            reason = f"replaced by ROI {roi_id}"
            self._emit(self.RoiRevoked, stamp, signed_at, roi_id=replaced, reason=reason)
        self._emit(
            self.RoiSigned,
            stamp,
            signed_at,
            roi_id=roi_id,
            agencies=agencies,
            categories=categories,
            expires_at=expires_at,
        )
        self.enroll_if_ready(stamp)
        return ended

    def revoke_roi(
        self, revoked_at: datetime, reason: str | None, stamp: Stamp, roi_id: UUID | None = None
    ) -> list[UUID]:
        """Revoke the ROI named, or every ROI in force at `revoked_at`."""
        revoked = consent.chosen(self.rois, revoked_at, roi_id)
        for each in revoked:
            self._emit(self.RoiRevoked, stamp, revoked_at, roi_id=each, reason=reason)
        return revoked

    def enroll_if_ready(self, stamp: Stamp) -> None:
        intake = self.intake_completed_at
        if self.enrolled_at is not None or intake is None:
            return
        # A ROI counts only if it is still in force once both steps are done (not expired).
        signed = [r.signed_at for r in self.rois if r.in_force(max(intake, r.signed_at))]
        if not signed:
            return
        enrolled_at = max(intake, min(signed))
        diverted = tuple(
            r.referral_id
            for r in self.referrals
            if r.door == Door.ARREST_DIVERSION and r.status in (Status.REFERRED, Status.EXPIRED)
        )
        self._emit(self.Enrolled, stamp, enrolled_at, diverted_referral_ids=diverted)

    # ----- the intake deadline ----------------------------------------------------------

    def extend_intake_deadline(
        self,
        new_deadline: datetime,
        agreed_by: str,
        reason: str,
        note: str,
        agency: str,
        stamp: Stamp,
    ) -> UUID:
        open_referrals = [r for r in self.referrals if r.open_for_intake]
        if not open_referrals:
            raise StateConflict("no intake deadline is running for this participant")
        own = [r for r in open_referrals if r.agency == agency]
        if not own:
            raise Forbidden("only the referring agency may agree to extend the intake deadline")
        if reason not in EXTENSION_REASONS:
            raise InvalidInput(f"reason must be one of {sorted(EXTENSION_REASONS)}", field="reason")
        referral = own[-1]
        assert referral.intake_deadline is not None
        if new_deadline <= referral.intake_deadline:
            raise InvalidInput(
                "new_deadline must be later than the current deadline "
                f"({referral.intake_deadline.isoformat()})",
                field="new_deadline",
            )
        self._emit(
            self.IntakeDeadlineExtended,
            stamp,
            stamp.recorded_at,
            referral_id=referral.referral_id,
            previous_deadline=referral.intake_deadline,
            new_deadline=new_deadline,
            agreed_by=agreed_by,
            reason=reason,
            note=note,
        )
        return referral.referral_id

    def expire_intake_deadline(self, referral_id: UUID, stamp: Stamp) -> bool:
        """Record expiry if it is due; False when nothing is due (already expired, extended,
        or enrolled), so two workers racing on one deadline write it once."""
        referral = self.referral(referral_id)
        deadline = referral.intake_deadline
        if not referral.open_for_intake or deadline is None or deadline > stamp.recorded_at:
            return False
        self._emit(
            self.IntakeDeadlineExpired, stamp, deadline, referral_id=referral_id, deadline=deadline
        )
        return True

    def alert_intake_deadline(self, referral_id: UUID, days_before: int, stamp: Stamp) -> bool:
        """Raise the reminder if it is due and not raised yet; False otherwise."""
        referral = self.referral(referral_id)
        deadline = referral.intake_deadline
        if not referral.open_for_intake or deadline is None:
            return False
        key = alert_key("intake", referral_id, deadline, days_before)
        if not alerts.due(deadline, days_before, stamp.recorded_at) or self.alerted(key):
            return False
        self._emit(
            self.IntakeDeadlineApproaching,
            stamp,
            stamp.recorded_at,
            referral_id=referral_id,
            deadline=deadline,
            days_before=days_before,
        )
        return True

    def alert_roi_expiry(self, roi_id: UUID, days_before: int, stamp: Stamp) -> bool:
        roi = next((r for r in self.rois if r.roi_id == roi_id), None)
        now = stamp.recorded_at
        if roi is None or roi.expires_at is None or not roi.in_force(now):
            return False
        key = alert_key("roi", roi_id, roi.expires_at, days_before)
        if not alerts.due(roi.expires_at, days_before, now) or self.alerted(key):
            return False
        self._emit(
            self.RoiExpiring,
            stamp,
            now,
            roi_id=roi_id,
            expires_at=roi.expires_at,
            days_before=days_before,
        )
        return True

    def alerts_raised(self) -> list[str]:
        """Snapshots taken before alerts existed lack the list: it starts empty."""
        raised: list[str] = self.__dict__.setdefault("raised_alerts", [])
        return raised

    def alerted(self, key: str) -> bool:
        return key in self.alerts_raised()

    # ----- caseload, engagement, discharge ------------------------------------------------

    def assign_case_manager(self, case_manager_id: UUID, stamp: Stamp) -> None:
        self.check_taken_in()
        if self.status == Status.DISCHARGED:
            raise StateConflict("a discharged participant is not assigned; readmit first")
        if self.case_manager_id == case_manager_id:
            return
        self._emit(
            self.CaseManagerAssigned,
            stamp,
            stamp.recorded_at,
            case_manager_id=case_manager_id,
            previous_case_manager_id=self.case_manager_id,
        )

    def record_contact(self, contacted_at: datetime, kind: str, stamp: Stamp) -> None:
        self.check_taken_in()
        if kind not in CONTACT_KINDS:
            raise InvalidInput(f"kind must be one of {sorted(CONTACT_KINDS)}", field="kind")
        if self.status == Status.DISCHARGED:
            raise StateConflict("the participant is discharged; readmit before recording contacts")
        self._emit(self.ContactRecorded, stamp, contacted_at, kind=kind)

    def discharge(
        self,
        discharged_at: datetime,
        reason: str,
        note: str,
        by_supervisor: bool,
        terms: PolicyTerms,
        policy_version: int,
        stamp: Stamp,
    ) -> UUID | None:
        if reason not in DISCHARGE_REASONS:
            raise InvalidInput(f"reason must be one of {sorted(DISCHARGE_REASONS)}", field="reason")
        if self.status != Status.ENROLLED:
            raise StateConflict(f"only an enrolled participant can be discharged ({self.status})")
        if reason in SAFETY_REASONS and not by_supervisor:
            raise Forbidden("a discharge for safety reasons is a supervisor's decision")
        if reason in NON_ENGAGEMENT_REASONS:
            self.check_effort_period(discharged_at, reason, terms.discharge_min_inactive_days)
        released = self.case_manager_id
        self._emit(
            self.Discharged,
            stamp,
            discharged_at,
            reason=reason,
            note=note,
            released_case_manager_id=released,
            policy_version=policy_version,
        )
        return released

    def check_effort_period(self, at: datetime, reason: str, days: int) -> None:
        since = self.effort_since
        if reason == "sustained_non_engagement" and self.engagement.last_contact_at:
            since = max(since, self.engagement.last_contact_at)
        if at - since < timedelta(days=days):
            what = "without contact" if reason == "sustained_non_engagement" else "of effort"
            raise DischargeNotAllowed(
                f"{reason} needs {days} days {what} (site policy); "
                f"only {(at - since).days} have passed"
            )

    def readmit(self, readmitted_at: datetime, note: str, stamp: Stamp) -> None:
        if self.status != Status.DISCHARGED:
            raise StateConflict("only a discharged participant can be readmitted")
        assert self.discharged_at is not None
        if readmitted_at < self.discharged_at:
            raise InvalidInput("readmitted_at is before the discharge", field="readmitted_at")
        self._emit(self.Readmitted, stamp, readmitted_at, note=note)

    # ----- the 24-hour non-return request -----------------------------------------------

    def grant_non_return_exception(self, agreed_by: str, reason: str, stamp: Stamp) -> None:
        request = self.non_return()
        if request is None or not request.in_force(stamp.recorded_at):
            raise StateConflict("no non-return request is in force for this participant")
        self._emit(
            self.NonReturnExceptionGranted,
            stamp,
            stamp.recorded_at,
            referral_id=request.referral_id,
            agreed_by=agreed_by,
            reason=reason,
        )

    def report_non_return_violation(self, observed_at: datetime, note: str, stamp: Stamp) -> None:
        request = self.non_return()
        released_at = self.released_at(request.referral_id) if request else None
        if (
            request is None
            or released_at is None
            or not (released_at <= observed_at and request.in_force(observed_at))
        ):
            raise StateConflict("no non-return request was in force at observed_at")
        self._emit(
            self.NonReturnViolationReported,
            stamp,
            observed_at,
            referral_id=request.referral_id,
            location=request.location,
            note=note,
        )

    def record_warm_handoff(
        self, handed_off_at: datetime, case_manager_id: UUID | None, stamp: Stamp
    ) -> None:
        """The latest accepted referral's handoff: once, and not before the referral."""
        accepted = [r for r in self.referrals if r.status != Status.DECLINED]
        if not accepted:
            raise StateConflict("no accepted referral to hand off")
        referral = accepted[-1]
        if referral.handed_off_at is not None:
            raise StateConflict("the warm handoff of this referral is recorded already")
        if handed_off_at < referral.referred_at:
            raise InvalidInput("handed_off_at lies before the referral", field="handed_off_at")
        minutes = (handed_off_at - referral.referred_at).total_seconds() / 60
        self._emit(
            self.WarmHandoffRecorded,
            stamp,
            handed_off_at,
            referral_id=referral.referral_id,
            case_manager_id=case_manager_id,
            minutes_after_referral=round(minutes, 1),
        )

    def forget(self, reason: str, reference: str, approved_by: str, stamp: Stamp) -> None:
        """Two people forget: the one asking (the stamp's actor) and another who approves."""
        if self.forgotten:
            raise AlreadyForgotten(f"participant {self.id} was forgotten already")
        if reason not in FORGETTING_REASONS:
            raise InvalidInput(f"unknown reason {reason!r}", field="reason")
        if approved_by.strip() == stamp.meta.actor.strip():
            raise ApproverIsRequester(
                "the approver must be another person than the one asking", field="approved_by"
            )
        self._emit(
            self.Forgotten,
            stamp,
            stamp.recorded_at,
            reason=reason,
            reference=reference,
            approved_by=approved_by,
        )

    def check_not_forgotten(self) -> None:
        if self.forgotten:
            raise ParticipantForgotten(FORGOTTEN)

    # ----- queries ------------------------------------------------------------------------

    def referral(self, referral_id: UUID) -> ReferralState:
        for referral in self.referrals:
            if referral.referral_id == referral_id:
                return referral
        raise KeyError(referral_id)

    def first_accepted_referral(self) -> ReferralState:
        return next(r for r in self.referrals if r.status != Status.DECLINED)

    @property
    def status(self) -> str:
        if self.discharged_at is not None:
            return Status.DISCHARGED
        if self.enrolled_at is not None:
            return Status.ENROLLED
        accepted = [r for r in self.referrals if r.status != Status.DECLINED]
        return accepted[-1].status if accepted else Status.DECLINED

    def check_taken_in(self) -> None:
        if self.status == Status.DECLINED:
            raise StateConflict("the referral was declined; refer the person again")

    @property
    def intake_deadline(self) -> datetime | None:
        deadlines = [r.intake_deadline for r in self.referrals if r.open_for_intake]
        return max((d for d in deadlines if d is not None), default=None)

    def current_roi(self, at: datetime) -> RoiState | None:
        in_force = [roi for roi in self.rois if roi.in_force(at)]
        return in_force[-1] if in_force else None

    def roi_covers(self, agency: str, category: str, at: datetime) -> bool:
        return any(roi.covers(agency, category, at) for roi in self.rois)

    def identifier_records(self) -> list[tuple[Identifier, str]]:
        """Each identifier on the record, with the agency whose referral brought it."""
        first, *later = self.referrals
        records = [(i, first.agency) for i in self.person.identifiers]
        return records + [(i, r.agency) for r in later for i in r.identifiers]

    def non_return_agency(self) -> str | None:
        """The agency whose arrest diversion carries the current non-return request."""
        request = self.non_return()
        return None if request is None else self.referral(request.referral_id).agency

    def non_return(self) -> NonReturn | None:
        diversions = [r for r in self.referrals if r.non_return_until is not None]
        if not diversions:
            return None
        latest = diversions[-1]
        assert latest.arrest is not None and latest.non_return_until is not None
        return NonReturn(
            latest.referral_id,
            latest.arrest.location.description,
            latest.non_return_until,
            latest.non_return_exception,
        )

    def released_at(self, referral_id: UUID) -> datetime | None:
        arrest = self.referral(referral_id).arrest
        return arrest.released_at if arrest else None

    @property
    def effort_since(self) -> datetime:
        """Enrollment, or the latest readmission: a return starts a new period of effort."""
        assert self.enrolled_at is not None
        return max(self.enrolled_at, self.readmitted_at or self.enrolled_at)

    def is_active(self, at: datetime, terms: PolicyTerms) -> bool:
        if self.status != Status.ENROLLED:
            return False
        since = self.effort_since
        last = max(since, self.engagement.last_contact_at or since)
        return at - last < timedelta(days=terms.inactive_after_days)


def _outcome(
    referral: Referral, terms: PolicyTerms, *, taken_in: bool, enrolled: bool
) -> tuple[str, str | None, datetime | None, datetime | None]:
    """What a referral becomes: status, decline reason, intake deadline, non-return until.
    Declined for capacity carries neither request; an enrolled person needs no new intake."""
    if not taken_in:
        return Status.DECLINED, "capacity", None, None
    deadline, non_return = _deadlines(referral, terms)
    if enrolled:
        return Status.ENROLLED, None, None, non_return
    return Status.REFERRED, None, deadline, non_return


def _deadlines(referral: Referral, terms: PolicyTerms) -> tuple[datetime | None, datetime | None]:
    if referral.door != Door.ARREST_DIVERSION or referral.arrest is None:
        return None, None
    return (
        referral.referred_at + timedelta(days=terms.intake_deadline_days),
        referral.arrest.released_at + timedelta(hours=terms.non_return_hours),
    )


def _referral_state(
    referral_id: UUID,
    referral: Referral,
    status: str,
    decline_reason: str | None,
    intake_deadline: datetime | None,
    non_return_until: datetime | None,
    policy_version: int,
    meta: Meta,
) -> ReferralState:
    return ReferralState(
        referral_id=referral_id,
        door=referral.door,
        referred_at=referral.referred_at,
        agency=meta.agency,
        status=status,
        policy_version=policy_version,
        decline_reason=decline_reason,
        arrest=referral.arrest,
        intake_deadline=intake_deadline,
        non_return_until=non_return_until,
    )
