"""The edge: every `/v1` answer is `no-store` and `nosniff` (errors, 401s, 413s and the token
answer too); 422 bodies list at most 50 errors; a body of thousands of keys is refused before
validation; X-Actor is required on every read of participant information."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from api.app import create_app
from infra.audit_tables import access_log
from infra.settings import Settings
from services.container import Container
from tests.conftest import TEST_SECRET, headers_for
from tests.e2e.helpers import arrest_diversion, refer, set_policy
from tests.e2e.security_table import PUBLIC, allowed_roles, served_routes, url_of

pytestmark = pytest.mark.e2e

SPEC_APP = create_app(
    SimpleNamespace(settings=Settings(secret_key=TEST_SECRET)),  # type: ignore[arg-type]
    background=False,
)
V1 = sorted(route for route in set(served_routes(SPEC_APP)) if route[1].startswith("/v1"))
PARTICIPANT_READS = [
    ("GET", "/v1/participants/{participant_id}"),
    ("GET", "/v1/participants/{participant_id}/history"),
    ("GET", "/v1/participants"),
    ("GET", "/v1/queues/liaison-prosecutor"),
    ("GET", "/v1/compliance/golden-rule"),
    ("GET", "/v1/audit/disclosures"),
]


def assert_private(response: httpx.Response, what: str) -> None:
    assert response.headers.get("cache-control") == "no-store", what
    assert response.headers.get("x-content-type-options") == "nosniff", what


def test_the_route_tables_cover_the_api() -> None:
    assert len(V1) >= 25
    assert set(PARTICIPANT_READS) <= set(V1)


async def test_every_v1_route_answers_no_store_and_nosniff(
    http: httpx.AsyncClient, container: Container
) -> None:
    """Each route as nobody (401, or the public answer), and as its own caller (2xx or 4xx)."""
    checked = 0
    for method, path in V1:
        body = {} if method in {"POST", "PUT", "PATCH"} else None
        anonymous = await http.request(method, url_of(path), json=body)
        assert_private(anonymous, f"{method} {path} {anonymous.status_code}")
        role = min(allowed_roles(method, path), default="auditor")
        headers = headers_for(container, role, "pcg")
        answered = await http.request(method, url_of(path), json=body, headers=headers)
        assert_private(answered, f"{method} {path} {answered.status_code}")
        checked += 2
    assert checked == 2 * len(V1)
    health = await http.get("/healthz")
    assert health.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in health.headers.get("cache-control", "")


@pytest.mark.parametrize(
    ("name", "status"),
    [("too large", 413), ("unknown id", 404), ("no actor", 400), ("wrong method", 405)],
)
async def test_errors_are_no_store_too(
    http: httpx.AsyncClient, container: Container, name: str, status: int
) -> None:
    police = headers_for(container, "police", "spd")
    requests: dict[str, Any] = {
        "too large": ("POST", "/v1/referrals", {"content": b"{" + b" " * 2_000_000 + b"}"}),
        "unknown id": ("GET", url_of("/v1/participants/{participant_id}"), {}),
        "no actor": ("GET", url_of("/v1/participants/{participant_id}"), {}),
        "wrong method": ("DELETE", "/v1/policy", {}),
    }
    method, url, extra = requests[name]
    headers = police if name != "no actor" else {"Authorization": police["Authorization"]}
    response = await http.request(method, url, headers=headers, **extra)
    assert response.status_code == status
    assert_private(response, name)


def unknown_keys(count: int) -> bytes:
    return json.dumps({f"k{n:06d}": 1 for n in range(count)}, separators=(",", ":")).encode()


async def test_a_body_of_sixty_thousand_keys_is_refused_before_validation(
    http: httpx.AsyncClient, container: Container
) -> None:
    body = unknown_keys(60_000)
    assert 700_000 < len(body) < container.settings.max_body_bytes
    headers = headers_for(container, "police", "spd") | {"content-type": "application/json"}
    response = await http.post("/v1/referrals", content=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["type"].endswith("/body-too-complex")
    assert len(response.content) < 1000


async def test_a_422_lists_at_most_fifty_errors(
    http: httpx.AsyncClient, container: Container
) -> None:
    headers = headers_for(container, "police", "spd") | {"content-type": "application/json"}
    response = await http.post("/v1/referrals", content=unknown_keys(3_000), headers=headers)
    assert response.status_code == 422
    problem = response.json()
    assert len(problem["errors"]) == 50
    assert "the first 50 of" in problem["detail"]


async def test_the_largest_policy_is_not_too_complex(
    http: httpx.AsyncClient, container: Container
) -> None:
    """The largest document the schemas admit (2,000 charges, 200 exclusions) stays under
    the member limit."""
    charges = [{"code": f"C{n:04d}", "description": f"charge {n}"} for n in range(2000)]
    exclusions = [{"code": f"X{n:03d}", "description": f"exclusion {n}"} for n in range(200)]
    await set_policy(http, container, divertible_charges=charges, exclusion_criteria=exclusions)


def reads_recorded(container: Container) -> int:
    container.audit.access_log.flush()
    with container.sql.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(access_log)).scalar_one())


@pytest.mark.parametrize(("method", "path"), PARTICIPANT_READS)
@pytest.mark.parametrize("actor", [None, "", " ", "x" * 65, "tab\there"])
async def test_reads_of_participant_information_need_an_actor(
    http: httpx.AsyncClient, container: Container, method: str, path: str, actor: str | None
) -> None:
    await set_policy(http, container)
    participant_id = (await refer(http, container, arrest_diversion()))["participant_id"]
    before = reads_recorded(container)
    role = min(allowed_roles(method, path))
    headers = headers_for(container, role, "spd")
    del headers["X-Actor"]
    if actor is not None:
        headers["X-Actor"] = actor
    params = {"participant_id": participant_id} if "audit" in path else {}
    url = url_of(path, participant_id=participant_id)
    response = await http.request(method, url, params=params, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["type"].endswith("/actor-required")
    assert reads_recorded(container) == before  # refused: nothing disclosed, nothing recorded


def test_the_actor_matrix_size() -> None:
    assert len(PARTICIPANT_READS) * 5 == 30
    assert not set(PARTICIPANT_READS) & PUBLIC
