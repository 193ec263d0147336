"""`GET /v1/participants/{id}/history`: every event about the participant is listed, with who
and when; its `data` only when the caller may see the section it belongs to
(`domain/disclosure_events.py`), else `withheld: true` and no `data`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class HistoryEvent(BaseModel):
    """An event; if tampering made it unreadable or removed it, `undecodable` or `missing`
    says so (and GET /v1/audit/verify says more)."""

    model_config = ConfigDict(extra="forbid")
    position: int
    type: str | None = None
    stream_id: str | None = None
    stream_version: int | str | None = None
    missing: bool = False
    undecodable: bool = False
    withheld: bool = Field(
        default=False, description="the caller may not see this event's data: it is absent"
    )
    forgotten: bool = Field(
        default=False, description="the participant was forgotten: `data` is null for good"
    )
    occurred_at: str | None = None
    recorded_at: str | None = None
    actor: str | None = None
    client_id: str | None = None
    agency: str | None = None
    role: str | None = None
    correlation_id: str | None = None
    data: dict[str, Any] | None = None


class HistoryPage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[HistoryEvent]
    next: str | None
