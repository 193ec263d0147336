"""Adverse actions with their basis; cited shares and matters must be this participant's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import at, enroll, refer, set_policy, social_contact
from tests.e2e.legal_helpers import case_manager, head, open_matter, prosecutor, topic_at

pytestmark = pytest.mark.e2e


async def enrolled(http: httpx.AsyncClient, container: Container, n: int = 1) -> str:
    await set_policy(http, container)
    participant_id: str = (await refer(http, container, social_contact(n=n)))["participant_id"]
    await enroll(http, container, participant_id, ["spd", "kcpao"], ["engagement"])
    return participant_id


async def shared(http: httpx.AsyncClient, container: Container, participant_id: str) -> str:
    response = await http.post(
        f"/v1/participants/{participant_id}/information-shares",
        json={
            "recipient_agency": "spd",
            "category": "engagement",
            "summary": "missed two appointments",
            "shared_at": at(minutes=-1),
        },
        headers=case_manager(container),
    )
    assert response.status_code == 201, response.text
    share_id: str = response.json()["share_id"]
    return share_id


async def act(
    http: httpx.AsyncClient,
    container: Container,
    participant_id: str,
    basis: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> httpx.Response:
    body = {"kind": "booking", "taken_at": at(minutes=-3)} | fields
    if basis is not None:
        body["basis"] = basis
    return await http.post(
        f"/v1/participants/{participant_id}/adverse-actions",
        json=body,
        headers=headers or headers_for(container, "police", "spd"),
    )


@pytest.mark.parametrize(
    ("basis", "declared"),
    [
        ({"independent_source": "officer observed the offense"}, True),
        ({"exceptional_circumstances": "credible threat to a person's life"}, True),
        ({"lead_information_refs": "SHARE"}, True),
        ({}, False),
        (None, False),
    ],
)
async def test_each_basis_is_recorded_as_declared(
    http: httpx.AsyncClient,
    container: Container,
    basis: dict[str, Any] | None,
    declared: bool,
) -> None:
    participant_id = await enrolled(http, container)
    if basis and basis.get("lead_information_refs") == "SHARE":
        basis = {"lead_information_refs": [await shared(http, container, participant_id)]}
    response = await act(http, container, participant_id, basis)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["basis_declared"] is declared
    topic, event = topic_at(container, body["position"])
    assert topic.endswith("Coordination.AdverseActionRecorded")
    assert (str(event.action_id), event.kind, event.basis_declared) == (
        body["action_id"],
        "booking",
        declared,
    )
    assert [str(ref) for ref in event.basis.lead_information_refs] == (basis or {}).get(
        "lead_information_refs", []
    )


async def test_only_this_participants_shares_may_be_cited(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await enrolled(http, container, n=1)
    other = await enrolled(http, container, n=2)
    theirs = await shared(http, container, other)
    refused = await http.post(
        f"/v1/participants/{participant_id}/information-shares",
        json={
            "recipient_agency": "kcso",
            "category": "engagement",
            "summary": "x",
            "shared_at": at(minutes=-1),
        },
        headers=case_manager(container),
    )
    attempt = refused.json()["attempt_id"]
    before = head(container)
    for ref in [theirs, attempt, "00000000-0000-4000-8000-000000000001"]:
        response = await act(http, container, participant_id, {"lead_information_refs": [ref]})
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith("/problems/unknown-share")
        assert response.json()["errors"][0]["field"] == "basis.lead_information_refs"
    assert head(container) == before


async def test_a_named_matter_must_be_this_participants(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await enrolled(http, container, n=1)
    other = await enrolled(http, container, n=2)
    own = (await open_matter(http, container, participant_id, "pending_case"))["matter_id"]
    theirs = (await open_matter(http, container, other, "pending_case"))["matter_id"]
    police = headers_for(container, "police", "spd")
    ok = await act(http, container, participant_id, headers=prosecutor(container), matter_id=own)
    assert ok.status_code == 201, ok.text
    for matter_id in [theirs, "00000000-0000-4000-8000-000000000001"]:
        response = await act(http, container, participant_id, headers=police, matter_id=matter_id)
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith("/problems/unknown-matter")


async def test_a_subpoena_of_the_case_manager_is_recorded_like_any_adverse_action(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await enrolled(http, container)
    response = await act(
        http,
        container,
        participant_id,
        {"independent_source": "probation report"},
        headers=prosecutor(container),
        kind="case_manager_subpoena",
        note="revocation hearing",
    )
    assert response.status_code == 201, response.text
    _, event = topic_at(container, response.json()["position"])
    assert (event.kind, event.note, event.meta.role) == (
        "case_manager_subpoena",
        "revocation hearing",
        "prosecutor",
    )
