"""The notifications partner agencies may subscribe to (API.md, "Notifications to partner
agencies"): which event in the log makes which notification, and the thin payload it carries —
ids, positions, times, the rule or reason; never names, plans or notes. Who is told is not
decided here: the same disclosure table as every read decides (`disclosure_events.py`)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.coordination import Coordination
from domain.disclosure import Caller, Relation, Section, visible_sections
from domain.duplicates import QUEUE_ROLES
from domain.golden_rule import Raised, raised_by
from domain.legal_matter import LegalMatter
from domain.missed_diversion import MissedDiversion
from domain.participant import Participant

P, C = Participant, Coordination


class NotificationType(StrEnum):
    REFERRAL_DECLINED = "referral.declined"
    PARTICIPANT_ENROLLED = "participant.enrolled"
    INTAKE_DEADLINE_APPROACHING = "intake_deadline.approaching"
    INTAKE_DEADLINE_EXPIRED = "intake_deadline.expired"
    ROI_EXPIRING = "roi.expiring"
    HOLD_REVIEW_DUE = "hold.review_due"
    LEGAL_MATTER_OPENED = "legal_matter.opened"
    NON_RETURN_VIOLATION_REPORTED = "non_return.violation_reported"
    REPORT_REQUEST_MADE = "report_request.made"
    GOLDEN_RULE_FLAG_RAISED = "golden_rule.flag_raised"
    POSSIBLE_DUPLICATE_FOUND = "possible_duplicate.found"


N = NotificationType
Data = dict[str, Any]  # ids, times, booleans and short reasons only


@dataclass(frozen=True)
class Notice:
    """What one event tells a partner: the type, whose record it is about, the thin data.
    `record_id`: the event names only its record (a coordination record, a legal matter),
    whose first event names the participant; the log fills `participant_id` in from it.
    `audience`: who is told, when it is told as a view reads it rather than as the event's
    place in the history shows it (a flag: as the Golden Rule view; a pair: as the queue).
    `names`: other participants it names (each told is a disclosure of them too)."""

    type: NotificationType
    participant_id: UUID | None
    occurred_at: datetime
    data: Data = field(default_factory=dict)
    record_id: UUID | None = None
    audience: Callable[[Caller], Section | None] | None = None
    names: tuple[UUID, ...] = ()

    @property
    def named(self) -> tuple[UUID, ...]:
        """Every participant it names: telling it discloses each of them."""
        first = () if self.participant_id is None else (self.participant_id,)
        return (*first, *self.names)


def referred(event: Any) -> Notice | None:
    if event.status != "declined":
        return None
    reason = {"referral_id": event.referral_id, "reason": event.decline_reason}
    return notice(N.REFERRAL_DECLINED, event, event.originator_id, reason)


def enrolled(event: Any) -> Notice:
    diverted = tuple(event.diverted_referral_ids)
    data = {"diverted_referral_ids": list(diverted), "diverted_charge_protected": bool(diverted)}
    return notice(N.PARTICIPANT_ENROLLED, event, event.originator_id, data)


def expired(event: Any) -> Notice:
    data = {"referral_id": event.referral_id, "deadline": event.deadline}
    return notice(N.INTAKE_DEADLINE_EXPIRED, event, event.originator_id, data)


def matter_opened(event: Any) -> Notice:
    data = {"matter_id": event.originator_id, "kind": event.kind, "state": event.state}
    return notice(N.LEGAL_MATTER_OPENED, event, event.participant_id, data)


def violation(event: Any) -> Notice:
    data = {"referral_id": event.referral_id}
    return notice(N.NON_RETURN_VIOLATION_REPORTED, event, event.originator_id, data)


def intake_near(event: Any) -> Notice:
    data = {
        "referral_id": event.referral_id,
        "deadline": event.deadline,
        "days_before": event.days_before,
    }
    return notice(N.INTAKE_DEADLINE_APPROACHING, event, event.originator_id, data)


def roi_expiring(event: Any) -> Notice:
    data = {
        "roi_id": event.roi_id,
        "expires_at": event.expires_at,
        "days_before": event.days_before,
    }
    return notice(N.ROI_EXPIRING, event, event.originator_id, data)


def hold_due(event: Any) -> Notice:
    data = {"matter_id": event.originator_id, "review_at": event.review_at}
    return notice(N.HOLD_REVIEW_DUE, event, event.participant_id, data)


def report_requested(event: Any) -> Notice:
    """Case management must act (answer it); a request to report violations names its flag."""
    data = {"request_id": event.request_id, "kind": event.kind, "flags": flags(event)}
    return on_record(N.REPORT_REQUEST_MADE, event, data)


def flag_raised(event: Any) -> Notice | None:
    """Told as the Golden Rule view is (defense's watch, the project manager's, auditors'):
    the rule, the flag's id to read it by, how it reads; a missed diversion names no one."""
    raised = flags(event)
    if not raised:
        return None
    data = {"flags": raised}
    if isinstance(event, Coordination.Event | LegalMatter.Event):
        return on_record(N.GOLDEN_RULE_FLAG_RAISED, event, data, flag_section)
    return Notice(N.GOLDEN_RULE_FLAG_RAISED, None, event.occurred_at, data, audience=flag_section)


def flags(event: Any) -> list[Data]:
    return [flag_data(raised) for raised in raised_by(event)]


def flag_data(raised: Raised) -> Data:
    return {"flag_id": raised.flag_id, "rule": raised.rule, "status": raised.status}


def flag_section(caller: Caller) -> Section | None:
    """Who is told of a flag: who may read it in the Golden Rule view, where a flag is the
    watch itself (`services/read_side/compliance.py`)."""
    shown = visible_sections(caller, Relation(watched=True))
    return Section.GOLDEN_RULE if Section.GOLDEN_RULE in shown else None


def notice(kind: NotificationType, event: Any, participant_id: UUID, data: Data) -> Notice:
    return Notice(kind, participant_id, event.occurred_at, data)


def on_record(
    kind: NotificationType,
    event: Any,
    data: Data,
    audience: Callable[[Caller], Section | None] | None = None,
) -> Notice:
    return Notice(kind, None, event.occurred_at, data, event.originator_id, audience)


MAKERS: dict[type[Any], Callable[[Any], Notice | None]] = {
    P.Referred: referred,
    P.ReferredAgain: referred,
    P.Enrolled: enrolled,
    P.IntakeDeadlineExpired: expired,
    LegalMatter.Opened: matter_opened,
    P.NonReturnViolationReported: violation,
    P.IntakeDeadlineApproaching: intake_near,
    P.RoiExpiring: roi_expiring,
    LegalMatter.HoldReviewDue: hold_due,
    C.ReportRequested: report_requested,
    C.InformationShared: flag_raised,
    C.InformationShareRefused: flag_raised,
    C.AdverseActionRecorded: flag_raised,
    LegalMatter.ChargeFiled: flag_raised,
    MissedDiversion.Recorded: flag_raised,
}


@dataclass(frozen=True)
class HistoryFlag:
    """A flag the Golden Rule view raised at an event from what came before it
    (`golden_rule.FROM_HISTORY`), as the view holds it: how it reads when it is told."""

    flag_id: UUID
    rule: str
    status: str
    participant_id: UUID | None


def with_history_flags(
    event: Any, made: list[Notice | None], flags: Sequence[HistoryFlag]
) -> list[Notice | None]:
    """The event's own flag notice tells these flags too; without one, they make one, told
    as the Golden Rule view reads them, naming the participants the flags are about."""
    told = [{"flag_id": each.flag_id, "rule": each.rule, "status": each.status} for each in flags]
    for index, each in enumerate(made):
        if each is not None and each.type == N.GOLDEN_RULE_FLAG_RAISED:
            joined = replace(each, data={"flags": [*each.data["flags"], *told]})
            return [*made[:index], joined, *made[index + 1 :]]
    people = tuple(dict.fromkeys(f.participant_id for f in flags if f.participant_id is not None))
    first, others = (people[0], people[1:]) if people else (None, ())
    data = {"flags": told}
    flagged = Notice(
        N.GOLDEN_RULE_FLAG_RAISED, first, event.occurred_at, data, None, flag_section, others
    )
    return [*made, flagged]


@dataclass(frozen=True)
class FoundPair:
    """A pair the candidate search raised for a new record (`projections/duplicates.py`)."""

    candidate_id: UUID
    earlier_id: UUID
    later_id: UUID
    grade: str
    reasons: tuple[str, ...]


def duplicates_found(event: Any, pairs: Sequence[FoundPair]) -> Notice | None:
    """The pairs the candidate search raised for the new record this event opened (shared
    identifier or not), told as the queue reads them (case management and the project
    manager): both records, the grade and the reasons, nothing about the person. The search
    is a projection, so the log tells this once the search has run for the event
    (`services/notifications/feed.py`); a later reading of the same event says the same."""
    if not pairs:
        return None
    data = {
        "candidates": [
            {
                "candidate_id": pair.candidate_id,
                "participant_ids": [pair.earlier_id, pair.later_id],
                "grade": pair.grade,
                "reasons": list(pair.reasons),
            }
            for pair in pairs
        ]
    }
    earlier = tuple(pair.earlier_id for pair in pairs)
    later = event.originator_id
    return Notice(
        N.POSSIBLE_DUPLICATE_FOUND, later, event.occurred_at, data, None, queue_section, earlier
    )


def queue_section(caller: Caller) -> Section | None:
    """Who is told of a pair: who may read the possible-duplicates queue, where a pair shows
    the identity section of both records (`services/read_side/duplicates.py`)."""
    shown = visible_sections(caller, Relation())
    allowed = caller.role in QUEUE_ROLES and Section.IDENTITY in shown
    return Section.IDENTITY if allowed else None


# An event that makes a second notification (a request to report violations raises a flag):
# a subscription is sent one message per event, the first it subscribes to and may see.
ALSO: dict[type[Any], Callable[[Any], Notice | None]] = {
    C.ReportRequested: flag_raised,
}
# The new record's pairs, once the candidate search has run for it: see `duplicates_found`.
SEARCHED = P.Referred


def notices_of(
    event: object, pairs: Sequence[FoundPair] = (), history: Sequence[HistoryFlag] = ()
) -> list[Notice]:
    """The notifications an event makes, most telling first (most events make none);
    `pairs`: what the candidate search raised for the record a `Referred` event opened;
    `history`: the flags the Golden Rule view raised at the event from what came before."""
    makers = (MAKERS.get(type(event)), ALSO.get(type(event)))
    made = [make(event) for make in makers if make is not None]
    if isinstance(event, SEARCHED):
        made.append(duplicates_found(event, pairs))
    if history:
        made = with_history_flags(event, made, history)
    return [each for each in made if each is not None]


def notice_of(event: object) -> Notice | None:
    """The first notification an event makes, if any."""
    made = notices_of(event)
    return made[0] if made else None


def webhook_id(subscription_id: UUID, position: int) -> str:
    """Stable across retries (Standard Webhooks: the receiver deduplicates by it): one event
    is at most one message to one subscription."""
    return f"msg_{uuid5(NAMESPACE_URL, f'lead:webhook:{subscription_id}:{position}').hex}"


def feed_id(agency: str, position: int) -> str:
    """The pull feed's id of one item, the same for every reader of one agency."""
    return f"msg_{uuid5(NAMESPACE_URL, f'lead:feed:{agency}:{position}').hex}"


def backoff_seconds(attempts: int, base: float, cap: float) -> float:
    """Exponential: base, 2·base, 4·base, … up to the cap, after `attempts` failures."""
    return float(min(cap, base * 2 ** max(0, min(attempts - 1, 40))))


def new_secret(random_bytes: bytes) -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of 24 or more random bytes."""
    if len(random_bytes) < 24:
        msg = "a webhook secret needs at least 24 random bytes"
        raise ValueError(msg)
    return "whsec_" + base64.b64encode(random_bytes).decode()


def fingerprint(secret: str) -> str:
    """Names a secret in logs and listings without showing it."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]
