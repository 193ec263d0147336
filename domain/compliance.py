"""Golden Rule compliance: the rules a flag can name, and a flag's review. A review is a fact
(who looked, when, what they concluded), so it is an event of a tiny aggregate per flag, with
an id derived from the flag's: two reviews of one flag conflict on the write side."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from domain import text
from domain.base import LeadAggregate, Stamp
from domain.errors import InvalidInput

# The compliance view's rules (DOMAIN.md, "The two Golden Rules").
DIVERTED_CHARGE_FILED = "diverted_charge_filed_for_enrolled_person"
ACTION_ON_LEAD_INFORMATION = "adverse_action_cites_lead_information"
ACTION_WITHOUT_BASIS = "adverse_action_without_basis"
CASE_MANAGER_SUBPOENAED = "case_manager_subpoenaed"
SHARED_OUTSIDE_ROI = "information_shared_outside_roi"
POST_FILING_CROWDED_OUT = "post_filing_accepted_while_priority_declined"
LATE_DATED_SHARE = "share_dated_before_roi_revocation"
VIOLATION_REPORT_REQUESTED = "case_manager_asked_to_report_violations"
MISSED_DIVERSION = "missed_diversion"
RULES = (  # appended only: a flag's place in the view's order is its position and rule index
    DIVERTED_CHARGE_FILED,
    ACTION_ON_LEAD_INFORMATION,
    ACTION_WITHOUT_BASIS,
    CASE_MANAGER_SUBPOENAED,
    SHARED_OUTSIDE_ROI,
    POST_FILING_CROWDED_OUT,
    LATE_DATED_SHARE,
    VIOLATION_REPORT_REQUESTED,
    MISSED_DIVERSION,
)
# How a flag reads (DOMAIN.md): a violation on its face, or a matter for a person's judgment
# (never cleared unseen), until a reviewer records a finding.
OPEN = "open"
NEEDS_REVIEW = "review"
REVIEWED = "reviewed"
STATUSES = (OPEN, NEEDS_REVIEW, REVIEWED)
NOTE_MAX = text.REVIEW_NOTE.max_length


def flag_id(rule: str, source: object) -> UUID:
    """A flag is named by its rule and the fact behind it, so a rebuild names it the same."""
    return uuid5(NAMESPACE_URL, f"lead:golden-rule:{rule}:{source}")


def review_id(flagged: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"lead:golden-rule-review:{flagged}")


class FlagReview(LeadAggregate):
    class Reviewed(LeadAggregate.Created):
        flag_id: UUID
        rule: str
        participant_id: UUID | None  # None: a missed diversion names no participant
        note: str

    def __init__(self, flag_id: UUID, rule: str, participant_id: UUID | None, note: str) -> None:
        self.flag_id = flag_id
        self.rule = rule
        self.participant_id = participant_id
        self.note = note

    @classmethod
    def review(
        cls, flagged: UUID, rule: str, participant_id: UUID | None, note: str, stamp: Stamp
    ) -> FlagReview:
        cls.check_note(note)
        return cls._create(
            cls.Reviewed,
            id=review_id(flagged),
            flag_id=flagged,
            rule=rule,
            participant_id=participant_id,
            note=note.strip(),
            meta=stamp.meta,
            occurred_at=stamp.recorded_at,
            timestamp=stamp.recorded_at,
        )

    @staticmethod
    def check_note(note: str) -> None:
        if len(note) > NOTE_MAX:
            raise InvalidInput(f"note is at most {NOTE_MAX} characters", field="note")
