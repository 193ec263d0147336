"""What a use case needs to know about the request it serves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.base import Meta
from domain.disclosure import Caller

R_co = TypeVar("R_co", covariant=True)


@dataclass(frozen=True)
class RequestContext:
    meta: Meta
    fingerprint: str = ""
    expected_version: int | None = None
    endpoint: str = ""  # e.g. "POST /v1/referrals", for the audit of a replay
    source: str = ""  # the peer address, as the authentication audit records it

    @property
    def role(self) -> str:
        return self.meta.role

    @property
    def agency(self) -> str:
        return self.meta.agency

    @property
    def caller(self) -> Caller:
        return Caller(self.meta.agency, self.meta.role)


@dataclass(frozen=True)
class Outcome(Generic[R_co]):
    """A write's answer: the use case's typed result, the global position of its last event,
    and whether it is the first answer to this request's Idempotency-Key given again."""

    result: R_co
    position: int
    replayed: bool = False


@dataclass(frozen=True)
class Viewer:
    """Who is reading, for least-privilege views and the accounting of disclosures."""

    client_id: str
    agency: str
    role: str
    actor: str = ""
    purpose: str = ""  # X-Purpose, recorded with each read
    endpoint: str = ""  # what was asked, e.g. "GET /v1/participants/{participant_id}"

    @property
    def caller(self) -> Caller:
        return Caller(self.agency, self.role)
