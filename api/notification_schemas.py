"""Request and response models of the notification endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import Text
from domain.notifications import NotificationType
from infra.subscriptions import DeliveryRow, SubscriptionRow
from services.notifications.feed import FeedPage
from services.notifications.subscriptions import Made


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=8, max_length=2000, pattern=r"^[\x21-\x7e]+$")
    types: list[NotificationType] = Field(min_length=1, max_length=len(NotificationType))
    description: Text = ""


class SubscriptionOut(BaseModel):
    subscription_id: UUID
    url: str
    types: list[str]
    description: str
    status: str = Field(description="`active`, or `disabled` (a 410 from the receiver)")
    status_reason: str | None
    created_at: datetime
    position: int = Field(description="the last position of the event log it is done with")
    failing_attempts: int = Field(description="failed attempts at the notification owed now")
    next_attempt_at: datetime | None
    rotating_until: datetime | None = Field(description="until when the previous secret signs too")

    @classmethod
    def of(cls, row: SubscriptionRow) -> SubscriptionOut:
        return cls(
            subscription_id=row.subscription_id,
            url=row.url,
            types=list(row.types),
            description=row.description,
            status=row.status,
            status_reason=row.status_reason,
            created_at=row.created_at,
            position=row.position,
            failing_attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            rotating_until=row.previous_secret_until,
        )


class MadeOut(SubscriptionOut):
    secret: str = Field(description="`whsec_…`: shown only in this answer")

    @classmethod
    def of(cls, made: Made) -> MadeOut:  # type: ignore[override]
        return cls(**SubscriptionOut.of(made.subscription).model_dump(), secret=made.secret)


class SubscriptionsOut(BaseModel):
    items: list[SubscriptionOut]
    next: str | None


class AttemptOut(BaseModel):
    webhook_id: str
    position: int
    type: str
    attempted_at: datetime
    status_code: int | None = Field(description="null: no answer (timeout, refused, reset)")
    error: str | None
    lag_ms: int | None = Field(description="from the event's commit to the 2xx")


class AttemptsOut(BaseModel):
    items: list[AttemptOut]
    next: str | None

    @classmethod
    def of(cls, rows: list[DeliveryRow]) -> AttemptsOut:
        return cls(items=[AttemptOut(**vars(row)) for row in rows], next=None)


class NotificationOut(BaseModel):
    id: str
    position: int
    type: str
    timestamp: datetime
    data: dict[str, Any] = Field(
        description="ids, positions, times and the reason: never names, plans or notes"
    )


class FeedOut(BaseModel):
    items: list[NotificationOut]
    next: str | None

    @classmethod
    def of(cls, page: FeedPage) -> FeedOut:
        items = [NotificationOut(id=i.id, position=i.position, **i.body) for i in page.items]
        return cls(items=items, next=page.next)
