"""Possible duplicates: two participant records that may be one person, and a person's
decision on them (DOMAIN.md, "People who are the same person"). The pair is found by the
candidate search (a projection); the decision — link, dismiss, unlink — is recorded here, one
review per pair, with who, when and why on every event."""

from __future__ import annotations

from enum import StrEnum
from hashlib import sha1
from uuid import NAMESPACE_URL, UUID, uuid5

from domain import text
from domain.base import LeadAggregate, Stamp
from domain.errors import InvalidInput, StateConflict
from domain.roles import Role

# Who reads the review queue (API.md, "Possible duplicates"), and is told of a new pair.
QUEUE_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROJECT_MANAGER)

NOTE_MAX = text.REVIEW_NOTE.max_length  # a reviewer's note, as on a compliance flag


class Grade(StrEnum):
    """FHIR `$match` grades: certain and probable are for a case manager to decide soon;
    possible is worth a look."""

    CERTAIN = "certain"
    PROBABLE = "probable"
    POSSIBLE = "possible"


class Review(StrEnum):
    OPEN = "open"
    LINKED = "linked"
    DISMISSED = "dismissed"
    UNLINKED = "unlinked"


CANDIDATE_NAME = NAMESPACE_URL.bytes + b"lead:possible-duplicate:"


def candidate_id(a: UUID, b: UUID) -> UUID:
    """One candidate per pair, whichever record was found first: `uuid5(NAMESPACE_URL,
    f"lead:possible-duplicate:{first}:{second}")`, spelled out because the search computes
    sixteen per referral (a flood of alike names made it a tenth of the projector's time)."""
    first, second = (a, b) if a.int < b.int else (b, a)
    digest = sha1(CANDIDATE_NAME + f"{first}:{second}".encode(), usedforsecurity=False).digest()
    return UUID(bytes=digest[:16], version=5)


def review_id(candidate: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"lead:duplicate-review:{candidate}")


def check_note(note: str) -> str:
    if not note.strip():
        raise InvalidInput("note is required: say why", field="note")
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"note is at most {NOTE_MAX} characters", field="note")
    return note.strip()


class DuplicateReview(LeadAggregate):
    """The decisions on one candidate pair: `earlier` is the record found first (the one a
    link points to), `later` the one linked into it."""

    class Started(LeadAggregate.Created):
        candidate_id: UUID
        earlier_id: UUID
        later_id: UUID

    class Linked(LeadAggregate.Event):
        candidate_id: UUID
        note: str

        def apply(self, aggregate: DuplicateReview) -> None:
            aggregate.status = Review.LINKED

    class Dismissed(LeadAggregate.Event):
        candidate_id: UUID
        note: str

        def apply(self, aggregate: DuplicateReview) -> None:
            aggregate.status = Review.DISMISSED

    class Unlinked(LeadAggregate.Event):
        candidate_id: UUID
        note: str

        def apply(self, aggregate: DuplicateReview) -> None:
            aggregate.status = Review.UNLINKED

    def __init__(self, candidate_id: UUID, earlier_id: UUID, later_id: UUID) -> None:
        self.candidate_id = candidate_id
        self.earlier_id = earlier_id
        self.later_id = later_id
        self.status: str = Review.OPEN

    @classmethod
    def start(
        cls, candidate: UUID, earlier_id: UUID, later_id: UUID, stamp: Stamp
    ) -> DuplicateReview:
        return cls._create(
            cls.Started,
            id=review_id(candidate),
            candidate_id=candidate,
            earlier_id=earlier_id,
            later_id=later_id,
            meta=stamp.meta,
            occurred_at=stamp.recorded_at,
            timestamp=stamp.recorded_at,
        )

    def link(self, note: str, stamp: Stamp) -> None:
        self.check_undecided("linked")
        self.decide(self.Linked, note, stamp)

    def dismiss(self, note: str, stamp: Stamp) -> None:
        self.check_undecided("dismissed")
        self.decide(self.Dismissed, note, stamp)

    def unlink(self, note: str, stamp: Stamp) -> None:
        if self.status != Review.LINKED:
            raise StateConflict("the two records are not linked")
        self.decide(self.Unlinked, note, stamp)

    def decide(self, event: type[LeadAggregate.Event], note: str, stamp: Stamp) -> None:
        checked = check_note(note)
        self._emit(event, stamp, stamp.recorded_at, candidate_id=self.candidate_id, note=checked)

    def check_undecided(self, decision: str) -> None:
        """Open, or unlinked again: a dismissed pair stays dismissed, a linked one is unlinked
        first."""
        if self.status in (Review.OPEN, Review.UNLINKED):
            return
        raise StateConflict(f"this possible duplicate is {self.status}; it cannot be {decision}")
