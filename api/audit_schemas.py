"""Response and request documents of the audit endpoints (for OpenAPI and validation)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class CheckpointResult(Open):
    position: int
    verified: bool


class ReadsReport(Open):
    """The read log's sealed batches (who read which participant's data)."""

    ok: bool
    batches_checked: int
    reads_checked: int
    unsealed_reads: int
    first_bad_batch: int | None
    finding: str | None


class VerifyReport(Open):
    """`ok` only when both the events and the read log are as sealed."""

    ok: bool
    events_checked: int
    head: str | None
    first_bad_position: int | None
    finding: str | None
    sealed_position: int | None
    unsealed_events: int
    checkpoint: CheckpointResult | None = None
    reads: ReadsReport | None = None


class CheckpointDocument(BaseModel):
    """A signed checkpoint, as `leadctl audit checkpoint` writes it."""

    model_config = ConfigDict(extra="ignore")
    position: int = Field(ge=0)
    head: str = Field(pattern=r"^[0-9a-f]{64}$")
    time: str = Field(min_length=1, max_length=64)
    signature: str = Field(min_length=1, max_length=200)
    key_id: str = Field(default="", max_length=64)
    algorithm: str = Field(default="Ed25519", pattern=r"^Ed25519$")


class PublicKey(Open):
    algorithm: str
    key_id: str
    public_key: str
    public_key_pem: str
    signed_message: str


class Disclosure(Open):
    kind: str
    at: str | None


class DisclosurePage(Open):
    items: list[Disclosure]
    next: str | None


class AuthEvent(Open):
    id: int
    at: str
    client_id: str | None
    agency: str | None
    role: str | None
    source: str
    outcome: str
    detail: str


class AuthEventPage(Open):
    items: list[AuthEvent]
    next: str | None
