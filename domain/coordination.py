"""A participant's care-coordination record toward the justice partners (Golden Rule 1): every
information share and every refused attempt, every adverse action with its basis, and the legal
matters opened by hand. One per participant, with an id derived from the participant's, so
the participant aggregate does not grow and share ids can be checked on the write side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.base import LeadAggregate, Stamp
from domain.errors import InvalidInput, NotFound, StateConflict
from domain.legal_errors import UnknownMatter, UnknownShare
from domain.legal_values import Basis
from domain.participant_state import RoiState

NO_ROI = "no_roi"
AGENCY_NOT_NAMED = "agency_not_named"
CATEGORY_NOT_COVERED = "category_not_covered"
REVOKED = "revoked"
EXPIRED = "expired"
ADVERSE_KINDS = frozenset(
    {
        "booking",
        "charge_filed",
        "detention_motion",
        "warrant_request",
        "revocation_motion",
        "case_manager_subpoena",
    }
)


REPORT_KINDS = frozenset({"violation_report", "progress_report"})
VIOLATION_REPORT = "violation_report"
# The toolkit: case managers report "nothing helpful to report at this time" rather than
# specific violations, or that they are working with the participant. Nothing else.
REPORT_ANSWERS = frozenset({"nothing_helpful_to_report", "working_with_participant"})


@dataclass(frozen=True)
class AdverseAction:
    """An adverse action as the record keeps it, with its basis and who took it."""

    action_id: UUID
    kind: str
    matter_id: UUID | None
    basis: Basis
    note: str
    taken_at: datetime
    agency: str
    role: str


@dataclass(frozen=True)
class ReportRequest:
    """A justice partner asked case management to report on the participant."""

    request_id: UUID
    kind: str
    note: str
    requested_at: datetime
    agency: str
    role: str
    answer: str | None = None
    answered_at: datetime | None = None


def coordination_id(participant_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"lead:coordination:{participant_id}")


@dataclass(frozen=True)
class ShareCheck:
    """The ROI a share would go out under, and why it may not (None: it may). A share dated
    before a revocation already recorded goes out as late paperwork, carrying `revoked_at`."""

    roi_id: UUID | None
    refusal: str | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class Share:
    """Information that went out: what its recipient may read back."""

    share_id: UUID
    recipient_agency: str
    category: str
    summary: str
    roi_id: UUID
    shared_at: datetime


def check_share(rois: Sequence[RoiState], agency: str, category: str, at: datetime) -> ShareCheck:
    """Judged at share time against the ROIs signed by then (late paperwork included)."""
    signed = [roi for roi in rois if roi.signed_at <= at]
    if not signed:
        return ShareCheck(None, NO_ROI)
    covering = [roi for roi in signed if roi.covers(agency, category, at)]
    if covering:
        unrevoked = [roi for roi in covering if roi.revoked_at is None]
        chosen = (unrevoked or covering)[-1]
        return ShareCheck(chosen.roi_id, revoked_at=chosen.revoked_at)
    in_force = [roi for roi in signed if roi.in_force(at)]
    if not in_force:
        latest = signed[-1]
        revoked = latest.revoked_at is not None and latest.revoked_at <= at
        return ShareCheck(latest.roi_id, REVOKED if revoked else EXPIRED)
    if not any(agency in roi.agencies for roi in in_force):
        return ShareCheck(in_force[-1].roi_id, AGENCY_NOT_NAMED)
    return ShareCheck(in_force[-1].roi_id, CATEGORY_NOT_COVERED)


def check_cited(share_ids: Sequence[UUID], refs: Sequence[UUID]) -> None:
    """A basis may cite only shares made for this participant (refused attempts are not)."""
    unknown = [str(ref) for ref in refs if ref not in share_ids]
    if unknown:
        raise UnknownShare(
            f"no information share {', '.join(unknown)} was made for this participant",
            field="basis.lead_information_refs",
        )


class Coordination(LeadAggregate):
    class Opened(LeadAggregate.Created):
        participant_id: UUID

    class MatterLinked(LeadAggregate.Event):
        matter_id: UUID
        kind: str

        def apply(self, aggregate: Coordination) -> None:
            aggregate.matter_ids.append(self.matter_id)

    class InformationShared(LeadAggregate.Event):
        share_id: UUID
        recipient_agency: str
        category: str
        summary: str
        roi_id: UUID
        roi_revoked_at: datetime | None = None  # recorded after a revocation, dated before it

        def apply(self, aggregate: Coordination) -> None:
            aggregate.share_ids.append(self.share_id)
            aggregate.shares.append(
                Share(
                    self.share_id,
                    self.recipient_agency,
                    self.category,
                    self.summary,
                    self.roi_id,
                    self.occurred_at,
                )
            )

    class InformationShareRefused(LeadAggregate.Event):
        """Nothing went out; the attempt is kept for the compliance view (no summary kept)."""

        attempt_id: UUID
        recipient_agency: str
        category: str
        reason: str
        roi_id: UUID | None

    class AdverseActionRecorded(LeadAggregate.Event):
        action_id: UUID
        kind: str
        matter_id: UUID | None
        basis: Basis
        basis_declared: bool
        note: str

        def apply(self, aggregate: Coordination) -> None:
            aggregate.action_ids.append(self.action_id)
            aggregate.adverse_actions.append(
                AdverseAction(
                    self.action_id,
                    self.kind,
                    self.matter_id,
                    self.basis,
                    self.note,
                    self.occurred_at,
                    self.meta.agency,
                    self.meta.role,
                )
            )

    class ReportRequested(LeadAggregate.Event):
        """A case manager was asked to report; a `violation_report` is a Golden Rule flag."""

        request_id: UUID
        kind: str
        note: str

        def apply(self, aggregate: Coordination) -> None:
            aggregate.report_requests[self.request_id] = ReportRequest(
                self.request_id,
                self.kind,
                self.note,
                self.occurred_at,
                self.meta.agency,
                self.meta.role,
            )

    class ReportRequestAnswered(LeadAggregate.Event):
        request_id: UUID
        answer: str

        def apply(self, aggregate: Coordination) -> None:
            asked = aggregate.report_requests[self.request_id]
            aggregate.report_requests[self.request_id] = replace(
                asked, answer=self.answer, answered_at=self.occurred_at
            )

    def __init__(self, participant_id: UUID) -> None:
        self.participant_id = participant_id
        self.matter_ids: list[UUID] = []
        self.share_ids: list[UUID] = []
        self.shares: list[Share] = []
        self.action_ids: list[UUID] = []
        self.adverse_actions: list[AdverseAction] = []
        self.report_requests: dict[UUID, ReportRequest] = {}

    @classmethod
    def open(cls, participant_id: UUID, stamp: Stamp) -> Coordination:
        return cls._create(
            cls.Opened,
            id=coordination_id(participant_id),
            participant_id=participant_id,
            meta=stamp.meta,
            occurred_at=stamp.recorded_at,
            timestamp=stamp.recorded_at,
        )

    def link_matter(self, matter_id: UUID, kind: str, stamp: Stamp) -> None:
        self._emit(self.MatterLinked, stamp, stamp.recorded_at, matter_id=matter_id, kind=kind)

    def share(
        self,
        share_id: UUID,
        check: ShareCheck,
        recipient: tuple[str, str],
        summary: str,
        shared_at: datetime,
        stamp: Stamp,
    ) -> None:
        """Record the share, or the refused attempt (same id) when the ROI does not cover it."""
        agency, category = recipient
        if check.refusal is None:
            self._emit(
                self.InformationShared,
                stamp,
                shared_at,
                share_id=share_id,
                recipient_agency=agency,
                category=category,
                summary=summary,
                roi_id=check.roi_id,
                roi_revoked_at=check.revoked_at,
            )
            return
        self._emit(
            self.InformationShareRefused,
            stamp,
            shared_at,
            attempt_id=share_id,
            recipient_agency=agency,
            category=category,
            reason=check.refusal,
            roi_id=check.roi_id,
        )

    def record_adverse_action(
        self,
        action_id: UUID,
        kind: str,
        matter_id: UUID | None,
        basis: Basis,
        note: str,
        taken_at: datetime,
        stamp: Stamp,
    ) -> None:
        if kind not in ADVERSE_KINDS:
            raise InvalidInput(f"kind must be one of {sorted(ADVERSE_KINDS)}", field="kind")
        self.check_shares_known(basis.lead_information_refs)
        self._emit(
            self.AdverseActionRecorded,
            stamp,
            taken_at,
            action_id=action_id,
            kind=kind,
            matter_id=matter_id,
            basis=basis,
            basis_declared=basis.declared,
            note=note,
        )

    def request_report(
        self, request_id: UUID, kind: str, note: str, requested_at: datetime, stamp: Stamp
    ) -> None:
        if kind not in REPORT_KINDS:
            raise InvalidInput(f"kind must be one of {sorted(REPORT_KINDS)}", field="kind")
        self._emit(
            self.ReportRequested, stamp, requested_at, request_id=request_id, kind=kind, note=note
        )

    def answer_report_request(
        self, request_id: UUID, answer: str, answered_at: datetime, stamp: Stamp
    ) -> None:
        if answer not in REPORT_ANSWERS:
            raise InvalidInput(f"answer must be one of {sorted(REPORT_ANSWERS)}", field="answer")
        asked = self.report_requests.get(request_id)
        if asked is None:
            raise NotFound(f"report request {request_id} not found")
        if asked.answer is not None:
            raise StateConflict("the report request was answered already")
        if answered_at < asked.requested_at:
            raise InvalidInput("answered_at lies before the request", field="answered_at")
        self._emit(
            self.ReportRequestAnswered, stamp, answered_at, request_id=request_id, answer=answer
        )

    def check_shares_known(self, refs: Sequence[UUID]) -> None:
        check_cited(self.share_ids, refs)

    def check_matter_is_ours(self, matter_participant_id: UUID | None) -> None:
        if matter_participant_id != self.participant_id:
            raise UnknownMatter("no such legal matter for this participant", field="matter_id")
