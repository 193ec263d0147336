"""Legal coordination errors. Each maps to exactly one problem type in `api/problems.py`."""

from __future__ import annotations

from domain.errors import Forbidden, InvalidInput, StateConflict


class DecisionNotAllowed(StateConflict):
    """Raised when a decision makes no sense for the legal matter's kind or current state."""


class DivertedChargeProtected(StateConflict):
    """Raised when a prosecutor tries to file a diverted charge that the diversion protects."""


class RoiDoesNotCover(Forbidden):
    """Raised when no ROI in force at the share's time names the recipient and the category."""

    def __init__(self, detail: str, reason: str, attempt_id: str, position: int) -> None:
        super().__init__(detail)
        self.extensions: dict[str, object] = {
            "reason": reason,
            "attempt_id": attempt_id,
            "position": position,
        }


class BasisRequired(InvalidInput):
    """Raised when a filing declares no basis (independent source, LEAD refs or exception)."""


class NoteRequired(InvalidInput):
    """Raised when a prosecutor's decision does not say why (the toolkit: every decision is
    recorded with who, when and why)."""


class ReviewDateOutOfRange(InvalidInput):
    """Raised when a hold's review date is missing, past, or beyond the policy's maximum."""


class UnknownShare(InvalidInput):
    """Raised when a basis cites a share id this participant's record does not hold."""


class UnknownMatter(InvalidInput):
    """Raised when an adverse action names a legal matter that is not this participant's."""
