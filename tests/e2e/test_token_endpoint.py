"""The token endpoint by the book (RFC 6749 §2.3.1, §4.4, §5.1, §5.2): one client
authentication method per request, every refusal a §5.2 error with `error_description` that
is never cached, and a standard client library (Authlib) gets a token without adaptation."""

from __future__ import annotations

import base64
import warnings
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from uuid import uuid4

import authlib.deprecate  # its import sets an "always" filter that an "ignore" must follow
import httpx
import pytest

with warnings.catch_warnings():  # Authlib's notice about its own httpx module, at import
    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

from api.app import create_app
from infra.clients import Client, hash_secret
from services.container import Container

pytestmark = pytest.mark.e2e
SECRET = "a-client-secret-of-this-test-module"
SECRET_HASH = hash_secret(SECRET)  # once: each argon2 hash costs ~0.1 s

URL = "/v1/auth/token"
GRANT = {"grant_type": "client_credentials"}


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def new_client(container: Container) -> str:
    client = Client(str(uuid4()), "spd", "police", "patrol")
    container.clients.add(client, SECRET_HASH, datetime.now(tz=UTC))
    return client.client_id


def assert_no_store(response: httpx.Response) -> None:
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"


# name -> (form fields and headers for the client's id, status, error)
REFUSALS: dict[str, tuple[Any, int, str]] = {
    "no grant_type": (
        lambda i: ({"client_id": i, "client_secret": SECRET}, {}),
        400,
        "invalid_request",
    ),
    "empty grant_type": (
        lambda i: ({"grant_type": "", "client_id": i, "client_secret": SECRET}, {}),
        400,
        "invalid_request",
    ),
    "password grant": (
        lambda i: ({"grant_type": "password", "client_id": i, "client_secret": SECRET}, {}),
        400,
        "unsupported_grant_type",
    ),
    "client_id twice": (
        lambda i: (
            [*GRANT.items(), ("client_id", i), ("client_id", i), ("client_secret", SECRET)],
            {},
        ),
        400,
        "invalid_request",
    ),
    "grant_type twice": (
        lambda i: (
            [*GRANT.items(), *GRANT.items(), ("client_id", i), ("client_secret", SECRET)],
            {},
        ),
        400,
        "invalid_request",
    ),
    "Basic and client_secret": (
        lambda i: (GRANT | {"client_secret": SECRET}, basic(i, SECRET)),
        400,
        "invalid_request",
    ),
    "Basic and another client_id": (
        lambda i: (GRANT | {"client_id": "someone-else"}, basic(i, SECRET)),
        400,
        "invalid_request",
    ),
    "client_id too long": (
        lambda _: (GRANT | {"client_id": "x" * 257, "client_secret": SECRET}, {}),
        400,
        "invalid_request",
    ),
    "no credentials": (lambda _: (GRANT, {}), 401, "invalid_client"),
    "no secret": (lambda i: (GRANT | {"client_id": i}, {}), 401, "invalid_client"),
    "wrong secret in the form": (
        lambda i: (GRANT | {"client_id": i, "client_secret": SECRET + "x"}, {}),
        401,
        "invalid_client",
    ),
    "wrong secret by Basic": (lambda i: (GRANT, basic(i, SECRET + "x")), 401, "invalid_client"),
    "Basic not base64": (lambda _: (GRANT, {"Authorization": "Basic %%%"}), 401, "invalid_client"),
    "Basic without a colon": (
        lambda i: (GRANT, {"Authorization": "Basic " + base64.b64encode(i.encode()).decode()}),
        401,
        "invalid_client",
    ),
    "a Bearer token instead": (
        lambda _: (GRANT, {"Authorization": "Bearer x"}),
        401,
        "invalid_client",
    ),
}


def test_the_refusal_table_covers_each_error() -> None:
    assert len(REFUSALS) == 15
    assert {error for _, _, error in REFUSALS.values()} == {
        "invalid_request",
        "unsupported_grant_type",
        "invalid_client",
    }


@pytest.mark.parametrize("case", sorted(REFUSALS))
async def test_refusals_are_rfc_6749_errors(
    http: httpx.AsyncClient, container: Container, case: str
) -> None:
    build, status, error = REFUSALS[case]
    data, headers = build(new_client(container))
    if isinstance(data, list):  # repeated fields: encoded by hand
        headers |= {"Content-Type": "application/x-www-form-urlencoded"}
        response = await http.post(URL, content=urlencode(data), headers=headers)
    else:
        response = await http.post(URL, data=data, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "error_description"}
    assert body["error"] == error
    assert body["error_description"]
    assert_no_store(response)
    if status == 401:
        assert response.headers["www-authenticate"] == 'Basic realm="lead"'


async def test_a_json_body_is_an_invalid_request(
    http: httpx.AsyncClient, container: Container
) -> None:
    form = GRANT | {"client_id": new_client(container), "client_secret": SECRET}
    response = await http.post(URL, json=form)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


async def test_a_token_answer_is_typed_and_never_cached(
    http: httpx.AsyncClient, container: Container
) -> None:
    client_id = new_client(container)
    same_id = GRANT | {"client_id": client_id}  # allowed beside Basic when it agrees
    for data, headers in (
        (GRANT | {"client_id": client_id, "client_secret": SECRET}, {}),
        (same_id, basic(client_id, SECRET)),
    ):
        response = await http.post(URL, data=data, headers=headers)
        assert response.status_code == 200, response.text
        assert set(response.json()) == {"access_token", "token_type", "expires_in"}
        assert response.json()["token_type"] == "Bearer"
        assert_no_store(response)
    document = (await http.get("/openapi.json")).json()
    answer = document["paths"][URL]["post"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"]["$ref"].endswith("/TokenOut")


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
async def test_authlib_gets_a_token_unmodified(container: Container, method: str) -> None:
    transport = httpx.ASGITransport(app=create_app(container, background=False))
    async with AsyncOAuth2Client(
        new_client(container),
        SECRET,
        token_endpoint_auth_method=method,
        transport=transport,
        base_url="http://lead.test",
    ) as oauth:
        token = await oauth.fetch_token("http://lead.test" + URL, grant_type="client_credentials")
        assert token["token_type"] == "Bearer"
        policy = await oauth.get("/v1/policy", headers={"X-Actor": "badge-1"})
    assert policy.status_code == 200, policy.text
