"""OAuth 2.0 client credentials and bearer-token abuse."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest

from services.container import Container
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.e2e


def new_client(container: Container, role: str = "police") -> tuple[str, str]:
    client, secret = container.clients.create("spd", role, "field unit", datetime.now(tz=UTC))
    return client.client_id, secret


async def test_token_by_form_fields_and_by_basic(
    http: httpx.AsyncClient, container: Container
) -> None:
    client_id, secret = new_client(container)
    form = await http.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert form.status_code == 200
    assert form.json()["token_type"] == "Bearer"
    assert form.json()["expires_in"] == container.settings.token_lifetime_seconds
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    by_basic = await http.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert by_basic.status_code == 200
    token = by_basic.json()["access_token"]
    policy = await http.get("/v1/policy", headers={"Authorization": f"Bearer {token}"})
    assert policy.status_code == 200


async def test_bad_credentials_are_401(http: httpx.AsyncClient, container: Container) -> None:
    client_id, _ = new_client(container)
    wrong = await http.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "nope"},
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    grant = await http.post("/v1/auth/token", data={"grant_type": "password"})
    assert grant.status_code == 400
    assert grant.json()["error"] == "unsupported_grant_type"


def forged(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(tz=UTC)
    return {
        "iss": "lead-service",
        "aud": "lead-api",
        "sub": "c-1",
        "agency": "spd",
        "role": "auditor",
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(minutes=5),
    } | overrides


TOKENS = {
    "garbage": "not.a.token",
    "alg none": jwt.encode(forged(), key=None, algorithm="none"),  # type: ignore[arg-type]
    "wrong key": jwt.encode(forged(), "another-secret-of-sufficient-length!", "HS256"),
    "wrong audience": jwt.encode(forged(aud="other-api"), TEST_SECRET, "HS256"),
    "wrong issuer": jwt.encode(forged(iss="someone"), TEST_SECRET, "HS256"),
    "expired": jwt.encode(
        forged(exp=datetime.now(tz=UTC) - timedelta(seconds=5)), TEST_SECRET, "HS256"
    ),
    "not yet valid": jwt.encode(
        forged(nbf=datetime.now(tz=UTC) + timedelta(hours=1)), TEST_SECRET, "HS256"
    ),
    "unknown role": jwt.encode(forged(role="root"), TEST_SECRET, "HS256"),
    "no expiry": jwt.encode(
        {k: v for k, v in forged().items() if k != "exp"}, TEST_SECRET, "HS256"
    ),
}


@pytest.mark.parametrize("name", sorted(TOKENS))
async def test_abused_tokens_are_401(http: httpx.AsyncClient, name: str) -> None:
    response = await http.get("/v1/policy", headers={"Authorization": f"Bearer {TOKENS[name]}"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_no_token_is_401(http: httpx.AsyncClient) -> None:
    assert (await http.get("/v1/policy")).status_code == 401
