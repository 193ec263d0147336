"""Domain errors. Each maps to exactly one problem type in `api/problems.py`."""

from __future__ import annotations


class DomainError(Exception):
    """Raised when a command breaks a rule; the message is safe to show a client."""


class InvalidInput(DomainError):
    """Raised when a command's values make no sense together (a 422)."""

    def __init__(self, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.field = field


class ChargeNotDivertible(InvalidInput):
    """Raised when an arrest diversion names a charge missing from the divertible list."""


class ExclusionNotOverridden(InvalidInput):
    """Raised when an arrest diversion meets an exclusion criterion and nobody overrode it."""


class CriteriaNotMet(InvalidInput):
    """Raised when a social contact or community referral lacks a core criterion."""


class BusinessTimeInFuture(InvalidInput):
    """Raised when a business time lies more than the allowed skew in the future."""


class NotFound(DomainError):
    """Raised when an aggregate the command names does not exist (or is not visible)."""


class ParticipantForgotten(DomainError):
    """Raised when a command or a read names a participant who was forgotten (a 410)."""


# Names no one: a read of a legal matter or a coordination record must not tell whose it was.
FORGOTTEN = "the participant was forgotten"


class Forbidden(DomainError):
    """Raised when the caller's role or agency may not do this to this participant."""


class IdentifierSystemNotYours(Forbidden):
    """Raised when an agency claims or looks up identifiers of a system registered to another."""


class StateConflict(DomainError):
    """Raised when the rules forbid the command in the aggregate's current state."""


class AlreadyForgotten(StateConflict):
    """Raised when forgetting is asked for a participant who was forgotten already."""


class RecordNotSealed(StateConflict):
    """Raised when forgetting is asked for a participant recorded before personal data was
    encrypted: destroying a key would not remove their data (README: "Existing stores")."""


class ApproverIsRequester(InvalidInput):
    """Raised when forgetting names the person asking for it as its approver."""


class SubscriptionLimitReached(StateConflict):
    """Raised when an agency that has as many active webhook subscriptions as the site allows
    (`LEAD_WEBHOOK_SUBSCRIPTIONS_PER_AGENCY`) asks for another: delete one first."""


class CaseloadFull(StateConflict):
    """Raised when an assignment would take a case manager past the caseload maximum."""


class CaseManagerHasParticipants(StateConflict):
    """Raised when a case manager who still carries participants is retired (reassign them
    first); `participants` says how many."""

    def __init__(self, detail: str, participants: int) -> None:
        super().__init__(detail)
        self.extensions: dict[str, object] = {"participants": participants}


class CaseManagerRetired(StateConflict):
    """Raised when a participant is assigned to a retired case manager."""


class DischargeNotAllowed(StateConflict):
    """Raised when a discharge reason's conditions (time without contact, role) are not met."""


class IdentifierConflict(StateConflict):
    """Raised when a referral's identifiers belong to different participants."""


class PreconditionFailed(DomainError):
    """Raised when the caller's If-Match version is not the aggregate's current version."""


class IdempotencyKeyReused(InvalidInput):
    """Raised when an Idempotency-Key is sent again with a different request."""


class ActorRequired(DomainError):
    """Raised when a request names no individual acting (X-Actor missing or malformed)."""


class WebhookUrlRefused(InvalidInput):
    """Raised when a webhook URL is not https, names a host the operator has not allowed for
    the agency, or resolves to a private, link-local or metadata address."""
