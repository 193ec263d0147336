"""What a use case needs to know about the request it serves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.base import Meta


@dataclass(frozen=True)
class RequestContext:
    meta: Meta
    fingerprint: str = ""
    expected_version: int | None = None

    @property
    def role(self) -> str:
        return self.meta.role

    @property
    def agency(self) -> str:
        return self.meta.agency


@dataclass(frozen=True)
class Outcome:
    """A write's answer: HTTP-independent status class, body and global position."""

    status: int
    body: dict[str, Any]
    position: int
    replayed: bool = False

    def response_body(self) -> dict[str, Any]:
        return self.body | {"position": self.position}


@dataclass(frozen=True)
class Viewer:
    """Who is reading, for least-privilege views and the accounting of disclosures."""

    client_id: str
    agency: str
    role: str
    actor: str = ""
    purpose: str = ""  # X-Purpose, recorded with each read
    endpoint: str = ""  # what was asked, e.g. "GET /v1/participants/{participant_id}"
