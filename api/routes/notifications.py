"""Notifications to partner agencies: webhook subscriptions and the pull feed."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from api.audit_deps import viewer_for
from api.deps import ANY_ROLE, ContainerDep, KeyHeader
from api.notification_schemas import (
    AttemptsOut,
    FeedOut,
    MadeOut,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionsOut,
)
from api.responses import problems
from api.schemas import Token
from domain.errors import InvalidInput
from services.context import Viewer
from services.notifications.subscriptions import Made, NewSubscription

router = APIRouter(prefix="/v1", tags=["notifications"])
Anyone = Annotated[Viewer, Depends(viewer_for(*ANY_ROLE))]


@router.post("/subscriptions", status_code=201, response_model=MadeOut, responses=problems(404))
def create_subscription(
    body: SubscriptionIn,
    container: ContainerDep,
    viewer: Anyone,
    response: Response,
    idempotency_key: KeyHeader = None,
) -> MadeOut:
    """A webhook for the caller's agency. The URL's host must be allowed for the agency by the
    operator (`leadctl agencies allow-webhook-host AGENCY HOST`); https only. The `secret`
    (`whsec_…`) is shown only in this answer: verify each delivery's `webhook-signature` with it
    (Standard Webhooks 1.0). Notifications start with what happens from now on."""
    wanted = NewSubscription(body.url, tuple(body.types), body.description)
    made = container.notifications.subscriptions.create(viewer, wanted, idempotency_key)
    return answered(made, response)


@router.get("/subscriptions", response_model=SubscriptionsOut, responses=problems())
def list_subscriptions(container: ContainerDep, viewer: Anyone) -> SubscriptionsOut:
    """The caller's agency's subscriptions (no secrets)."""
    rows = container.notifications.subscriptions.listed(viewer)
    return SubscriptionsOut(items=[SubscriptionOut.of(row) for row in rows], next=None)


@router.get(
    "/subscriptions/{subscription_id}", response_model=SubscriptionOut, responses=problems(404)
)
def get_subscription(
    subscription_id: UUID, container: ContainerDep, viewer: Anyone
) -> SubscriptionOut:
    """One of the caller's agency's subscriptions: its status, position and state of delivery."""
    return SubscriptionOut.of(container.notifications.subscriptions.get(viewer, subscription_id))


@router.delete(
    "/subscriptions/{subscription_id}",
    status_code=204,
    response_class=Response,
    responses=problems(404),
)
def delete_subscription(subscription_id: UUID, container: ContainerDep, viewer: Anyone) -> Response:
    """Nothing more is sent to it."""
    container.notifications.subscriptions.delete(viewer, subscription_id)
    return Response(status_code=204)


@router.post(
    "/subscriptions/{subscription_id}/rotate-secret",
    response_model=MadeOut,
    responses=problems(404, 409),
)
def rotate_subscription_secret(
    subscription_id: UUID,
    container: ContainerDep,
    viewer: Anyone,
    response: Response,
    idempotency_key: KeyHeader = None,
) -> MadeOut:
    """A new secret, shown once. For 24 hours every delivery is signed with both the new and
    the old one (two signatures in `webhook-signature`), so the receiver can switch over."""
    rotated = container.notifications.subscriptions.rotate(viewer, subscription_id, idempotency_key)
    return answered(rotated, response)


def answered(made: Made, response: Response) -> MadeOut:
    if made.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return MadeOut.of(made)


@router.get(
    "/subscriptions/{subscription_id}/deliveries",
    response_model=AttemptsOut,
    responses=problems(404),
)
def list_deliveries(
    subscription_id: UUID,
    container: ContainerDep,
    viewer: Anyone,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> AttemptsOut:
    """The latest delivery attempts, newest first: time, status code, error."""
    rows = container.notifications.subscriptions.deliveries(viewer, subscription_id, limit)
    return AttemptsOut.of(rows)


@router.get("/notifications", response_model=FeedOut, responses=problems())
def list_notifications(
    container: ContainerDep,
    viewer: Anyone,
    after: Annotated[int | None, Query(ge=0, description="a position: items after it")] = None,
    cursor: Annotated[Token | None, Query(max_length=20, description="`next` of a page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> FeedOut:
    """The notifications the caller's agency may see, oldest first: the same items the
    webhooks carry (`type`, `timestamp`, `data`), each with its `position`. Pass `next` as
    `cursor` (or the last `position` as `after`) to read on; `next` is null at the head."""
    start = after or 0
    if cursor is not None:
        if not cursor.isdigit():
            raise InvalidInput("cursor is not one this service issued", field="cursor")
        start = int(cursor)
    shown = container.notifications.feed.page(viewer, start, limit)
    return FeedOut.of(container.reads.accounted(viewer, shown))
