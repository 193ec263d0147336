"""OAuth 2.0 client credentials (RFC 6749 §4.4): form fields or HTTP Basic."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Header, Request
from fastapi.responses import JSONResponse

from api.deps import ContainerDep
from api.problems import problem
from api.rate_limit import limit_token_requests
from api.responses import problems
from api.security import issue_token

router = APIRouter(prefix="/v1/auth", tags=["authentication"])
Field = Annotated[str | None, Form(max_length=256)]


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


def oauth_error(status: int, error: str, detail: str) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Basic realm="lead"'} if status == 401 else None
    return problem(status, error.replace("_", "-"), error, detail, headers, error=error)


@router.post(
    "/token",
    response_model=None,
    responses=problems(),
    dependencies=[Depends(limit_token_requests)],
)
def token(
    request: Request,
    container: ContainerDep,
    grant_type: Field = None,
    client_id: Field = None,
    client_secret: Field = None,
    authorization: Annotated[str | None, Header(max_length=1024)] = None,
) -> dict[str, Any] | JSONResponse:
    """Exchange client credentials for a bearer token. Secrets are checked against argon2
    hashes (deliberately slow): exchange once and reuse the token until it expires.
    Every request is recorded; 5 failures within 15 minutes lock the client."""
    audit = container.audit.authentication
    source = request.client.host if request.client else "unknown"
    if grant_type != "client_credentials":
        audit.refused(source, "unsupported grant_type", client_id)
        return oauth_error(400, "unsupported_grant_type", "grant_type must be client_credentials")
    credentials = basic_credentials(authorization) or (
        (client_id, client_secret) if client_id and client_secret else None
    )
    if credentials is None:
        audit.refused(source, "no client credentials", client_id)
        return oauth_error(401, "invalid_client", "client credentials are required")
    client = audit.authenticate(*credentials, source)
    if client is None:
        return oauth_error(401, "invalid_client", "unknown client, wrong secret, or locked")
    settings = container.settings
    return {
        "access_token": issue_token(client, settings, datetime.now(tz=UTC)),
        "token_type": "Bearer",
        "expires_in": settings.token_lifetime_seconds,
    }
