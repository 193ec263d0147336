"""OAuth 2.0 client credentials (RFC 6749 §4.4): form fields or HTTP Basic."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.deps import ContainerDep
from api.oauth import (
    NO_STORE,
    BadTokenRequest,
    TokenError,
    TokenOut,
    TokenRequest,
    invalid_client,
    slow_down,
    token_request,
)
from api.rate_limit import token_wait
from services.audit.authentication import Refused, Throttled, TokenDecision
from services.container import Container

router = APIRouter(prefix="/v1/auth", tags=["authentication"])

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": TokenError, "description": text}
    for status, text in {
        400: "invalid_request or unsupported_grant_type (RFC 6749 §5.2)",
        401: "invalid_client: unknown client, wrong secret or disabled client",
        429: "slow_down: too many requests or failures from this address (Retry-After)",
    }.items()
}


@router.post("/token", response_model=TokenOut, responses=ERRORS)
def token(
    request: Request,
    container: ContainerDep,
    asked: Annotated[TokenRequest, Depends(token_request)],
) -> JSONResponse:
    """Exchange client credentials for a bearer token. Secrets are checked against argon2
    hashes (deliberately slow): exchange once and reuse the token until it expires. Every
    request is recorded; repeated failures slow down the address that makes them (429 with
    `Retry-After`), never the client's own agency elsewhere."""
    audit = container.audit.authentication
    source = request.client.host if request.client else "unknown"
    if (wait := token_wait(container, source)) > 0:
        return slow_down("too many requests from this address", wait).response()
    if isinstance(asked, BadTokenRequest):
        audit.refused(source, asked.error.description, asked.client_id)
        return asked.error.response()
    return answer(audit.authenticate(asked.client_id, asked.secret, source), container)


def answer(decision: TokenDecision, container: Container) -> JSONResponse:
    if isinstance(decision, Throttled):
        reason = "too many failed attempts from this address"
        return slow_down(reason, decision.retry_after).response()
    if isinstance(decision, Refused):
        return invalid_client("unknown client, wrong secret or disabled client").response()
    granted = TokenOut(
        access_token=container.tokens.issue(decision.client),
        token_type="Bearer",  # noqa: S106 (the scheme name, RFC 6750)
        expires_in=container.settings.token_lifetime_seconds,
    )
    return JSONResponse(granted.model_dump(), headers=NO_STORE)
