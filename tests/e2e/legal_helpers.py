"""Request builders shared by the legal coordination e2e tests."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx

from domain.legal_matter import diverted_matter_id
from services.container import Container
from tests.conftest import headers_for, register_agency
from tests.e2e.helpers import arrest_diversion, at, refer, set_policy

PROSECUTOR_AGENCY = "kcpao"


def prosecutor(container: Container, **extra: str) -> dict[str, str]:
    return headers_for(container, "prosecutor", PROSECUTOR_AGENCY, actor="dpa-7", **extra)


def case_manager(container: Container, **extra: str) -> dict[str, str]:
    return headers_for(container, "case_manager", "lead-cm", **extra)


def head(container: Container) -> int:
    return int(container.store.recorder.max_notification_id() or 0)


async def divert(http: httpx.AsyncClient, container: Container, n: int = 1) -> tuple[str, str]:
    """An accepted arrest diversion: (participant_id, the diverted charge's matter_id)."""
    await set_policy(http, container)
    referral = await refer(http, container, arrest_diversion(n))
    assert referral["status"] == "referred"
    matter_id = diverted_matter_id(UUID(referral["referral_id"]))
    return referral["participant_id"], str(matter_id)


async def decide(
    http: httpx.AsyncClient, container: Container, matter_id: str, decision: str, **fields: Any
) -> httpx.Response:
    return await http.post(
        f"/v1/legal-matters/{matter_id}/decisions",
        json={"decision": decision, "note": f"{decision}: see the file"} | fields,
        headers=prosecutor(container),
    )


async def open_matter(
    http: httpx.AsyncClient,
    container: Container,
    participant_id: str,
    kind: str,
    case_number: str = "26-1-00042-1",
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """By default case management records the matter for the prosecutor office (which may not
    know the person yet); with a prosecutor's headers, that office opens it itself."""
    for agency in [fields.get("office", PROSECUTOR_AGENCY), *fields.get("parties", [])]:
        register_agency(container, agency)
    response = await http.post(
        f"/v1/participants/{participant_id}/legal-matters",
        json={
            "kind": kind,
            "case_number": case_number,
            "court": "King County Superior Court",
            "charges": [{"code": "9A.56.050", "description": "theft in the third degree"}],
            "incident_at": at(days=-20),
        }
        | ({} if headers else {"office": PROSECUTOR_AGENCY})
        | fields,
        headers=headers or case_manager(container),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def queue(http: httpx.AsyncClient, container: Container, **params: Any) -> dict[str, Any]:
    response = await http.get(
        "/v1/queues/liaison-prosecutor", params=params, headers=prosecutor(container)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def matters_seen(
    http: httpx.AsyncClient, participant_id: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    response = await http.get(f"/v1/participants/{participant_id}", headers=headers)
    assert response.status_code == 200, response.text
    matters: list[dict[str, Any]] = response.json()["legal_matters"]
    return matters


def topic_at(container: Container, position: int) -> tuple[str, Any]:
    """The event recorded at a global position: its topic and the decoded event."""
    [notification] = container.store.recorder.select_notifications(position, 1)
    assert notification.id == position
    return notification.topic, container.store.mapper.to_domain_event(notification)
