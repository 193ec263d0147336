"""The documents of forgetting and retention review (issue 18)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import StrictBody, Text
from services.forgetting.receipts import Receipt
from services.forgetting.retention import DueForReview

Reason = Literal["court_order", "retention_expired", "participant_request"]


class ForgetIn(StrictBody):
    reason: Reason
    reference: Annotated[
        Text,
        Field(
            min_length=1,
            description="the order's or the review's reference; no personal data (it is kept)",
        ),
    ]
    approved_by: Annotated[
        str,
        Field(
            min_length=1,
            max_length=64,
            pattern=r"^[\x20-\x7e]+$",
            description="the auditor approving (an individual, never the caller's X-Actor)",
        ),
    ]


class ReceiptDocument(BaseModel):
    """Signed with the audit key (`GET /v1/audit/public-key`) over the canonical JSON of every
    other field, sorted, after `lead-forgetting-receipt/v1\\n` (README: "Forgetting")."""

    model_config = ConfigDict(from_attributes=True)
    participant_id: UUID
    forgotten_at: datetime
    reason: Reason
    reference: str
    requested_by: str
    approved_by: str
    key_id: str
    signature: str = Field(description="base64 Ed25519 signature")


class ForgetWritten(BaseModel):
    receipt: ReceiptDocument
    position: int = Field(description="the global position of the `Forgotten` event")

    @classmethod
    def answer(cls, result: Receipt, position: int) -> Self:
        return cls(receipt=ReceiptDocument.model_validate(result), position=position)


class ReceiptList(BaseModel):
    items: list[ReceiptDocument]


class DueDocument(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    participant_id: UUID
    basis: Literal["discharged", "never_enrolled"]
    since: datetime = Field(description="discharged at, or last referred at (never enrolled)")
    due_at: datetime


class DueList(BaseModel):
    """People whose retention period ended: for review. Nobody is forgotten without a
    request and an approval (`POST /v1/participants/{id}/forget`)."""

    retention_days_after_discharge: int | None
    items: list[DueDocument]

    @classmethod
    def of(cls, days: int | None, due: list[DueForReview]) -> Self:
        items = [DueDocument.model_validate(each) for each in due]
        return cls(retention_days_after_discharge=days, items=items)
