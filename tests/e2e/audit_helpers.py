"""Request builders shared by the audit e2e tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from infra.clock import SettableClock
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import arrest_diversion, at, enroll, refer, set_policy


def auditor(container: Container, **extra: str) -> dict[str, str]:
    return headers_for(container, "auditor", "state-audit", actor="aud-1", **extra)


async def get_json(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = await http.get(url, headers=headers, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def all_pages(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = await get_json(
            http, url, headers, **params, **({"cursor": cursor} if cursor else {})
        )
        items += page["items"]
        cursor = page["next"]
        if cursor is None:
            return items


async def feed(http: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    """The caller's whole notification feed, oldest first."""
    items: list[dict[str, Any]] = []
    after: str | None = "0"
    while after is not None:
        page = await get_json(http, "/v1/notifications", headers, after=after)
        items += page["items"]
        after = page["next"]
    return items


async def share(
    http: httpx.AsyncClient, container: Container, participant_id: str, agency: str, category: str
) -> httpx.Response:
    return await http.post(
        f"/v1/participants/{participant_id}/information-shares",
        headers=headers_for(container, "case_manager", "lead-cm"),
        json={
            "recipient_agency": agency,
            "category": category,
            "summary": "engaged with housing case management",
            "shared_at": at(minutes=-1),
        },
    )


async def diverted_and_enrolled(
    http: httpx.AsyncClient, container: Container, clock: SettableClock, n: int = 1
) -> str:
    """An arrest diversion (which opens a diverted-charge matter), then intake and ROI
    (enrollment closes the matter), a minute apart each."""
    await set_policy(http, container)
    clock.advance(timedelta(minutes=1))
    participant_id: str = (await refer(http, container, arrest_diversion(n)))["participant_id"]
    clock.advance(timedelta(minutes=1))
    await enroll(http, container, participant_id, agencies=["spd"], categories=["engagement"])
    clock.advance(timedelta(minutes=1))
    return participant_id
