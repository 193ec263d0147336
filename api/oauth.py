"""The token endpoint's request and answers by the book: OAuth 2.0 client credentials
(RFC 6749 §4.4), client authentication by HTTP Basic or form fields (§2.3.1, one method per
request), errors as §5.2 JSON with `error_description`, never cached (§5.1)."""

# No "from __future__ import annotations": FastAPI must see the dependency's Form fields.

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import unquote

from fastapi import Form, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from domain.text import CODE, TextRefused

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
BASIC_CHALLENGE = 'Basic realm="lead"'
PARAMETERS = ("grant_type", "client_id", "client_secret", "scope")
MAX_LENGTH = 256
ErrorCode = Literal["invalid_request", "invalid_client", "unsupported_grant_type", "slow_down"]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int


class TokenError(BaseModel):
    error: ErrorCode
    error_description: str


@dataclass(frozen=True)
class OAuthError:
    status: int
    error: ErrorCode
    description: str
    retry_after: int | None = None

    def response(self) -> JSONResponse:
        headers = dict(NO_STORE)
        if self.status == 401:
            headers["WWW-Authenticate"] = BASIC_CHALLENGE
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        body = TokenError(error=self.error, error_description=self.description)
        return JSONResponse(body.model_dump(), status_code=self.status, headers=headers)


def invalid_request(description: str) -> OAuthError:
    return OAuthError(400, "invalid_request", description)


def invalid_client(description: str) -> OAuthError:
    return OAuthError(401, "invalid_client", description)


def slow_down(reason: str, wait: int) -> OAuthError:
    return OAuthError(429, "slow_down", f"{reason}; retry after {wait} s", wait)


@dataclass(frozen=True)
class Credentials:
    client_id: str
    secret: str


@dataclass(frozen=True)
class BadTokenRequest:
    """Refused before any secret was checked; `client_id` as claimed, for the audit (None when
    no store could keep it: too long, or with a control character)."""

    error: OAuthError
    client_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "client_id", storable(self.client_id))


def storable(client_id: str | None) -> str | None:
    try:
        return None if client_id is None else CODE.clean(client_id)
    except TextRefused:
        return None


TokenRequest = Credentials | BadTokenRequest


Field = Annotated[str | None, Form()]


async def token_request(
    request: Request,
    grant_type: Field = None,
    client_id: Field = None,
    client_secret: Field = None,
    scope: Field = None,  # noqa: ARG001 (documented; client credentials ignore scopes)
) -> TokenRequest:
    form = await request.form()
    for name in PARAMETERS:
        if len(form.getlist(name)) > 1:
            return BadTokenRequest(invalid_request(f"{name} was sent more than once"), client_id)
    error = grant_error(grant_type)
    if error is None:
        return credentials(request.headers.get("authorization"), client_id, client_secret)
    return BadTokenRequest(error, client_id)


def grant_error(grant_type: str | None) -> OAuthError | None:
    if grant_type is None:
        return invalid_request("grant_type is required")
    if grant_type != "client_credentials":
        return OAuthError(
            400, "unsupported_grant_type", "only grant_type=client_credentials is supported"
        )
    return None


def credentials(
    authorization: str | None, client_id: str | None, client_secret: str | None
) -> TokenRequest:
    if authorization is not None:
        return by_basic(authorization, client_id, client_secret)
    if not client_id or not client_secret:
        return BadTokenRequest(invalid_client("client authentication is required"), client_id)
    return checked(client_id, client_secret)


def by_basic(authorization: str, client_id: str | None, client_secret: str | None) -> TokenRequest:
    basic = basic_credentials(authorization)
    if basic is None:
        return BadTokenRequest(invalid_client("HTTP Basic credentials expected"), client_id)
    if client_secret is not None:
        text = "authenticate with HTTP Basic or with client_secret, not both"
        return BadTokenRequest(invalid_request(text), basic[0])
    if client_id is not None and client_id != basic[0]:
        text = "client_id differs from the client of the HTTP Basic credentials"
        return BadTokenRequest(invalid_request(text), basic[0])
    return checked(*basic)


def checked(client_id: str, secret: str) -> TokenRequest:
    if len(client_id) > MAX_LENGTH or len(secret) > MAX_LENGTH:
        detail = f"client_id and client_secret are at most {MAX_LENGTH} characters"
        return BadTokenRequest(invalid_request(detail), client_id)
    if storable(client_id) is None:
        detail = f"client_id is 1-{CODE.max_length} characters, none of them a control"
        return BadTokenRequest(invalid_request(detail), None)
    return Credentials(storable(client_id) or client_id, secret)


def basic_credentials(authorization: str) -> tuple[str, str] | None:
    """RFC 6749 §2.3.1: both parts form-urlencoded, then `id:secret` in base64."""
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic" or len(encoded) > 4 * MAX_LENGTH:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (unquote(client_id), unquote(secret)) if sep and client_id else None
