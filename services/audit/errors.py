"""Audit errors. Each maps to one problem type in `api/problems.py`."""

from __future__ import annotations

from domain.errors import DomainError, InvalidInput


class InvalidCheckpoint(InvalidInput):
    """Raised when a checkpoint handed in for verification is not one this service writes."""


class HistoryBehind(DomainError):
    """Raised when the participant index lags the store too far to fill in the rest live."""


class VerificationRunning(DomainError):
    """Raised when a verification of the whole store is asked for while one is running in
    this process: each reads every event, so they run one at a time (ask again shortly)."""
