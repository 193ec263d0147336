"""Information shares: checked against the ROI in force at share time; a refused attempt is
answered 403 `roi-does-not-cover` and still recorded as an event."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import at, enroll, refer, set_policy, social_contact
from tests.e2e.legal_helpers import case_manager, head, topic_at

pytestmark = pytest.mark.e2e


def share(agency: str = "spd", category: str = "engagement", **fields: Any) -> dict[str, Any]:
    return {
        "recipient_agency": agency,
        "category": category,
        "summary": "engaged this week; nothing helpful to report at this time",
        "shared_at": at(minutes=-1),
    } | fields


async def participant(
    http: httpx.AsyncClient, container: Container, roi: dict[str, Any] | None = None
) -> str:
    await set_policy(http, container)
    participant_id: str = (await refer(http, container, social_contact()))["participant_id"]
    if roi is None:
        await enroll(http, container, participant_id, ["spd"], ["engagement", "legal_status"])
    elif roi:
        response = await http.post(
            f"/v1/participants/{participant_id}/roi", headers=case_manager(container), json=roi
        )
        assert response.status_code == 201, response.text
    return participant_id


async def post_share(
    http: httpx.AsyncClient, container: Container, participant_id: str, body: dict[str, Any]
) -> httpx.Response:
    return await http.post(
        f"/v1/participants/{participant_id}/information-shares",
        json=body,
        headers=case_manager(container),
    )


async def test_a_covered_share_is_recorded_with_its_id_and_roi(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await participant(http, container)
    response = await post_share(http, container, participant_id, share())
    assert response.status_code == 201, response.text
    body = response.json()
    topic, event = topic_at(container, body["position"])
    assert topic.endswith("Coordination.InformationShared")
    assert str(event.share_id) == body["share_id"]
    assert str(event.roi_id) == body["roi_id"]
    assert (event.recipient_agency, event.category, event.meta.role) == (
        "spd",
        "engagement",
        "case_manager",
    )


async def assert_refused(
    http: httpx.AsyncClient,
    container: Container,
    participant_id: str,
    body: dict[str, Any],
    reason: str,
) -> None:
    before = head(container)
    response = await post_share(http, container, participant_id, body)
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"].endswith("/problems/roi-does-not-cover")
    assert problem["reason"] == reason
    assert problem["position"] == head(container) > before  # the refused attempt, recorded
    topic, event = topic_at(container, problem["position"])
    assert topic.endswith("Coordination.InformationShareRefused")
    assert (event.reason, str(event.attempt_id)) == (reason, problem["attempt_id"])


async def test_a_share_to_an_agency_the_roi_does_not_name_is_refused(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await participant(http, container)
    await assert_refused(http, container, participant_id, share("kcso"), "agency_not_named")


async def test_a_category_the_roi_does_not_cover_is_refused(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await participant(http, container)
    await assert_refused(
        http, container, participant_id, share(category="health"), "category_not_covered"
    )


async def test_nothing_is_shared_after_revocation(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await participant(http, container)
    revoked = await http.post(
        f"/v1/participants/{participant_id}/roi/revoke",
        headers=case_manager(container),
        json={"revoked_at": at(minutes=-5)},
    )
    assert revoked.status_code == 201, revoked.text
    await assert_refused(http, container, participant_id, share(), "revoked")
    before = await post_share(
        http, container, participant_id, share(shared_at=at(minutes=-10))
    )  # late paperwork: shared while the ROI was still in force
    assert before.status_code == 201, before.text


async def test_nothing_is_shared_under_an_expired_roi(
    http: httpx.AsyncClient, container: Container
) -> None:
    roi = {
        "signed_at": at(days=-10),
        "agencies": ["spd"],
        "categories": ["engagement"],
        "expires_at": at(days=-1),
    }
    participant_id = await participant(http, container, roi)
    await assert_refused(http, container, participant_id, share(), "expired")


async def test_without_any_roi_nothing_is_shared(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await participant(http, container, roi={})
    await assert_refused(http, container, participant_id, share(), "no_roi")


async def test_a_replayed_refusal_answers_the_same_and_records_nothing_more(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await participant(http, container)
    headers = case_manager(container, **{"Idempotency-Key": "share-1"})
    url = f"/v1/participants/{participant_id}/information-shares"
    first = await http.post(url, json=share("kcso"), headers=headers)
    after_first = head(container)
    second = await http.post(url, json=share("kcso"), headers=headers)
    assert first.status_code == second.status_code == 403
    assert first.json() == second.json()
    assert head(container) == after_first


async def test_only_case_managers_share(http: httpx.AsyncClient, container: Container) -> None:
    participant_id = await participant(http, container)
    before = head(container)
    for role in ("police", "prosecutor", "supervisor", "auditor"):
        response = await http.post(
            f"/v1/participants/{participant_id}/information-shares",
            json=share(),
            headers=headers_for(container, role, "spd"),
        )
        assert response.status_code == 403, role
        assert response.json()["type"].endswith("/problems/forbidden")
    assert head(container) == before


async def test_unknown_participant_is_404(http: httpx.AsyncClient, container: Container) -> None:
    unknown = "00000000-0000-4000-8000-000000000001"
    response = await post_share(http, container, unknown, share())
    assert response.status_code == 404
