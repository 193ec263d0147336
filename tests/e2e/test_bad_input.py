"""Bad input gets a clear problem+json error and changes nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import arrest_diversion, at, refer, set_policy, social_contact

pytestmark = pytest.mark.e2e


def head(container: Container) -> int:
    return int(container.store.recorder.max_notification_id() or 0)


async def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"].endswith(f"/problems/{slug}")
    assert {"title", "status", "detail"} <= body.keys()
    return body


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b | {"unexpected": 1}, "body.unexpected"),
        (lambda b: b | {"referred_at": "2026-11-24T09:00:00"}, "body.referred_at"),
        (lambda b: b | {"referred_at": "yesterday"}, "body.referred_at"),
        (lambda b: b | {"door": "back_door"}, "body.door"),
        (
            lambda b: b | {"person": b["person"] | {"given_name": "x" * 200_000}},
            "body.person.given_name",
        ),
        (
            lambda b: (
                b
                | {
                    "criteria": {
                        "chronic_law_violations": "true",
                        "public_expectation_of_response": True,
                    }
                }
            ),
            "body.criteria.chronic_law_violations",
        ),
        (lambda b: b | {"participant_id": "not-a-uuid"}, "body.participant_id"),
    ],
)
async def test_invalid_referrals_are_422_and_record_nothing(
    http: httpx.AsyncClient, container: Container, mutate: Any, field: str
) -> None:
    before = head(container)
    response = await http.post(
        "/v1/referrals",
        json=mutate(social_contact()),
        headers=headers_for(container, "police", "spd"),
    )
    body = await assert_problem(response, 422, "validation-error")
    assert field in [error["field"] for error in body["errors"]]
    assert head(container) == before


async def test_business_time_in_the_future_is_422(
    http: httpx.AsyncClient, container: Container
) -> None:
    response = await http.post(
        "/v1/referrals",
        json=social_contact(referred_at=at(minutes=6)),
        headers=headers_for(container, "police", "spd"),
    )
    await assert_problem(response, 422, "business-time-in-future")
    assert head(container) == 0


@pytest.mark.parametrize("actor", [None, "", "   ", "x" * 65, "badge\x01", "badge\x7f"])
async def test_writes_need_an_actor(
    http: httpx.AsyncClient, container: Container, actor: str | None
) -> None:
    headers = headers_for(container, "police", "spd")
    del headers["X-Actor"]
    if actor is not None:
        headers["X-Actor"] = actor
    response = await http.post("/v1/referrals", json=social_contact(), headers=headers)
    await assert_problem(response, 400, "actor-required")
    assert head(container) == 0


async def test_malformed_json_and_ids(http: httpx.AsyncClient, container: Container) -> None:
    headers = headers_for(container, "police", "spd") | {"content-type": "application/json"}
    broken = await http.post("/v1/referrals", content=b'{"door": ', headers=headers)
    await assert_problem(broken, 400, "malformed-json")
    bad_id = await http.get("/v1/participants/12345", headers=headers)
    assert bad_id.status_code in (404, 422)
    unknown = await http.get(
        "/v1/participants/00000000-0000-4000-8000-000000000000", headers=headers
    )
    await assert_problem(unknown, 404, "not-found")


async def test_huge_body_is_413(http: httpx.AsyncClient, container: Container) -> None:
    response = await http.post(
        "/v1/referrals",
        content=b"{" + b" " * 10_000_000 + b"}",
        headers=headers_for(container, "police", "spd") | {"content-type": "application/json"},
    )
    await assert_problem(response, 413, "payload-too-large")


async def test_wrong_types_in_policy_are_not_coerced(
    http: httpx.AsyncClient, container: Container
) -> None:
    pm = headers_for(container, "project_manager", "pcg", **{"If-Match": '"0"'})
    patch = pm | {"Content-Type": "application/merge-patch+json"}
    for body in (
        {"caseload_max": "25"},
        {"caseload_max": 25.5},
        {"caseload_max": 0},
        {"caseload_max": 10, "caseload_average_threshold": 20},
        {"caseload_max": None},
    ):
        response = await http.patch("/v1/policy", content=json.dumps(body), headers=patch)
        assert response.status_code == 422, body
    assert (await http.put("/v1/policy", json={"caseload_max": 25}, headers=pm)).status_code == 422
    assert (await http.get("/v1/policy", headers=pm)).json()["version"] == 0


async def test_idempotency_key_replays_and_refuses_a_different_body(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    headers = headers_for(container, "police", "spd", **{"Idempotency-Key": "ref-0001"})
    first = await http.post("/v1/referrals", json=arrest_diversion(), headers=headers)
    again = await http.post("/v1/referrals", json=arrest_diversion(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert head(container) == first.json()["position"]
    other = await http.post("/v1/referrals", json=arrest_diversion(n=2), headers=headers)
    await assert_problem(other, 422, "idempotency-key-reused")
    assert head(container) == first.json()["position"]


async def test_conflict_is_409_and_changes_nothing(
    http: httpx.AsyncClient, container: Container
) -> None:
    pid = (await refer(http, container, social_contact()))["participant_id"]
    before = head(container)
    response = await http.post(
        f"/v1/participants/{pid}/readmit",
        headers=headers_for(container, "case_manager", "lead-cm"),
        json={"readmitted_at": at()},
    )
    await assert_problem(response, 409, "state-conflict")
    assert head(container) == before
