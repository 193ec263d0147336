"""Clients that can be cut off: every request checks its token's client against the registry,
so a disabled or rotated client's tokens stop working; `leadctl clients` changes are in the
authentication audit; a token signed with the old published constant is refused."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from typer.testing import CliRunner

from api.app import create_app
from api.security import REVOKED
from cli.main import app as leadctl_app
from composition.bootstrap import build
from infra.clients import Client
from infra.clock import SettableClock
from infra.settings import Settings
from services.container import Container
from tests.conftest import TEST_SECRET, registered
from tests.e2e.audit_helpers import auditor, get_json

pytestmark = pytest.mark.e2e

OLD_PUBLISHED_CONSTANT = "dev-only-insecure-secret-change-me-0123456789"


def leadctl(settings: Settings, *args: str) -> list[dict[str, Any]]:
    env = {"LEAD_DATABASE_URL": settings.database_url, "LEAD_SECRET_KEY": TEST_SECRET}
    result = CliRunner().invoke(leadctl_app, ["clients", *args], env=env)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def strict(settings: Settings, clock: SettableClock) -> Iterator[Container]:
    """The registry asked on every request (no 5-second cache), so each change shows at once."""
    container = build(settings.model_copy(update={"client_check_seconds": 0}), clock=clock)
    yield container
    container.close()


@pytest.fixture
async def served(strict: Container) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(strict, background=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as client:
        yield client


async def token(http: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return await http.post("/v1/auth/token", data=form)


async def policy(http: httpx.AsyncClient, access_token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {access_token}", "X-Actor": "badge-1"}
    return await http.get("/v1/policy", headers=headers)


def assert_revoked(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    challenge = response.headers["www-authenticate"]
    assert challenge == f'Bearer realm="lead", error="invalid_token", error_description="{REVOKED}"'


async def test_disable_enable_and_rotate_cut_off_and_restore_a_client(
    served: httpx.AsyncClient, strict: Container
) -> None:
    [created] = leadctl(strict.settings, "create", "--agency", "spd", "--role", "police")
    client_id, secret = created["client_id"], created["client_secret"]
    issued = (await token(served, client_id, secret)).json()["access_token"]
    assert (await policy(served, issued)).status_code == 200

    [disabled] = leadctl(strict.settings, "disable", client_id)
    assert disabled["disabled"] is True
    assert_revoked(await policy(served, issued))
    assert (await token(served, client_id, secret)).status_code == 401

    leadctl(strict.settings, "enable", client_id)
    assert (await policy(served, issued)).status_code == 200  # not rotated: still good

    [rotated] = leadctl(strict.settings, "rotate-secret", client_id)
    assert rotated["secret_generation"] == 2
    assert_revoked(await policy(served, issued))
    assert (await token(served, client_id, secret)).status_code == 401
    fresh = await token(served, client_id, rotated["client_secret"])
    assert (await policy(served, fresh.json()["access_token"])).status_code == 200

    [listed] = [c for c in leadctl(strict.settings, "list") if c["client_id"] == client_id]
    assert (listed["disabled"], listed["secret_generation"], listed["agency"]) == (
        False,
        2,
        "spd",
    )
    assert "client_secret" not in listed
    events = await get_json(
        served, "/v1/audit/authentication", auditor(strict), client_id=client_id
    )
    lifecycle = [
        e for e in events["items"] if e["outcome"] in {"created", "disabled", "enabled", "rotated"}
    ]
    assert [e["outcome"] for e in lifecycle] == ["created", "disabled", "enabled", "rotated"]
    assert all(e["source"].startswith("leadctl:") for e in lifecycle)
    assert [e["outcome"] for e in events["items"]].count("locked") == 1  # the disabled request


@pytest.mark.parametrize("command", ["disable", "enable", "rotate-secret"])
def test_an_unknown_client_is_an_error_and_changes_nothing(strict: Container, command: str) -> None:
    env = {"LEAD_DATABASE_URL": strict.settings.database_url, "LEAD_SECRET_KEY": TEST_SECRET}
    result = CliRunner().invoke(leadctl_app, ["clients", command, "no-such-client"], env=env)
    assert result.exit_code != 0
    assert strict.audit.authentication.page(0, 10, None, None)["items"] == []


async def test_a_token_of_a_client_that_does_not_exist_is_refused(
    served: httpx.AsyncClient, strict: Container
) -> None:
    client = registered(strict, "auditor", "sao")
    forged = strict.tokens.issue(Client("never-registered", "sao", "auditor"))
    assert_revoked(await policy(served, forged))
    other_role = strict.tokens.issue(Client(client.client_id, "sao", "police"))
    assert_revoked(await policy(served, other_role))  # the registry's role, not the token's


async def test_a_token_signed_with_the_old_published_constant_is_401(
    settings: Settings, clock: SettableClock
) -> None:
    """The attack of issue 12: `make run` started with a secret published in the source, and
    a token signed with it read any participant as an auditor. Keys are now generated."""
    generated = build(settings.model_copy(update={"secret_key": None}), clock=clock)
    try:
        client = registered(generated, "auditor", "state-audit")
        now = datetime.now(tz=UTC)
        claims = {
            "iss": generated.settings.token_issuer,
            "aud": generated.settings.token_audience,
            "sub": client.client_id,
            "agency": client.agency,
            "role": client.role,
            "gen": client.generation,
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(minutes=5),
        }
        forged = jwt.encode(claims, OLD_PUBLISHED_CONSTANT, "HS256")
        transport = httpx.ASGITransport(app=create_app(generated, background=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as http:
            refused = await policy(http, forged)
            assert refused.status_code == 401
            assert "invalid_token" in refused.headers["www-authenticate"]
            genuine = generated.tokens.issue(client)
            assert (await policy(http, genuine)).status_code == 200
    finally:
        generated.close()
