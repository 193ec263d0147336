"""Role by endpoint by method over every route the app serves, deny by default: a role the
contract does not name gets 403, no token (or a forged one) gets 401, a method a path does
not serve gets 405, and a route missing from tests/e2e/security_table.py fails the run."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from api.app import create_app
from domain.roles import ROLES
from infra.settings import Settings
from services.container import Container
from tests.conftest import TEST_SECRET, headers_for
from tests.e2e.helpers import arrest_diversion, refer, set_policy
from tests.e2e.legal_helpers import open_matter
from tests.e2e.security_table import ALLOWED, PUBLIC, allowed_roles, served_routes, url_of

pytestmark = pytest.mark.e2e

SPEC_APP = create_app(
    SimpleNamespace(settings=Settings(secret_key=TEST_SECRET)),  # type: ignore[arg-type]
    background=False,
)
SERVED = sorted(set(served_routes(SPEC_APP)))
PROTECTED = [route for route in SERVED if route not in PUBLIC]
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# What a route needs to be more than a 422 for a permitted caller.
QUERY = {
    "/v1/participants": "?identifier_system=spd-person&identifier_value=P-00001",
    "/v1/non-return-requests": "?location=pine",
}


def body_for(method: str) -> dict[str, Any] | None:
    """An empty JSON object: a permitted caller gets a 422 and nothing is written."""
    return {} if method in {"POST", "PUT", "PATCH"} else None


async def ids(http: httpx.AsyncClient, container: Container) -> dict[str, str]:
    await set_policy(http, container)
    participant_id = (await refer(http, container, arrest_diversion()))["participant_id"]
    matter = await open_matter(http, container, participant_id, "pending_case")
    return {"participant_id": participant_id, "matter_id": matter["matter_id"]}


def test_every_served_route_is_declared() -> None:
    undeclared = [route for route in SERVED if route not in PUBLIC and route not in ALLOWED]
    assert undeclared == [], "declare who may call these in tests/e2e/security_table.py"
    assert len(PROTECTED) >= 20  # the enumeration found the routers, not just the docs


async def test_only_the_declared_roles_pass(http: httpx.AsyncClient, container: Container) -> None:
    known = await ids(http, container)
    unexpected: list[str] = []
    for method, path in PROTECTED:
        url = url_of(path, **known) + QUERY.get(path, "")
        allowed = allowed_roles(method, path)
        for role in sorted(ROLES):
            headers = headers_for(container, role, f"agency-{role}")
            status = (
                await http.request(method, url, json=body_for(method), headers=headers)
            ).status_code
            if status in (401, 403) if role in allowed else status != 403:
                unexpected.append(f"{role} {method} {path} -> {status}")
    assert unexpected == []


@pytest.mark.parametrize("authorization", [None, "Bearer not.a.token", "Basic YTpi"])
async def test_no_valid_token_is_401_everywhere(
    http: httpx.AsyncClient, container: Container, authorization: str | None
) -> None:
    headers = {"X-Actor": "someone"} | ({"Authorization": authorization} if authorization else {})
    answered = {
        f"{method} {path}": (
            await http.request(method, url_of(path), json=body_for(method), headers=headers)
        ).status_code
        for method, path in PROTECTED
    }
    assert {route: status for route, status in answered.items() if status != 401} == {}


async def test_methods_a_path_does_not_serve_are_405(
    http: httpx.AsyncClient, container: Container
) -> None:
    known = await ids(http, container)
    served = set(SERVED)
    unexpected: list[str] = []
    for path in sorted({path for _, path in SERVED}):
        for method in METHODS:
            if (method, path) in served:
                continue
            headers = headers_for(container, "auditor", "pcg")
            url = url_of(path, **known)
            status = (
                await http.request(method, url, json=body_for(method), headers=headers)
            ).status_code
            if status != 405:
                unexpected.append(f"{method} {path} -> {status}")
    assert unexpected == []
