"""Bearer authentication of each request (RFC 6750): the token (infra/tokens.py), then its
client as the registry knows it now (infra/client_checks.py). Refusals say what went wrong in
our words and in `WWW-Authenticate`, never in the JWT library's."""

from __future__ import annotations

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool

from infra.client_checks import still_allowed
from infra.tokens import Caller, InvalidToken
from services.container import Container

__all__ = ["Caller", "InvalidToken", "authenticated", "challenge"]

REVOKED = "the token's client is disabled, or its secret was rotated since"


def challenge(error: str | None = None, description: str = "") -> dict[str, str]:
    """RFC 6750 §3: no error code when no token was sent, `invalid_token` for a bad one."""
    value = 'Bearer realm="lead"'
    if error is not None:
        value += f', error="{error}", error_description="{description}"'
    return {"WWW-Authenticate": value}


def unauthorized(description: str) -> HTTPException:
    return HTTPException(401, description, headers=challenge("invalid_token", description))


async def authenticated(container: Container, token: str | None) -> Caller:
    if token is None:
        raise HTTPException(401, "a bearer token is required", headers=challenge())
    try:
        caller = container.tokens.read(token)
    except InvalidToken as exc:
        raise unauthorized(str(exc)) from None
    checks = container.client_checks
    known = checks.cached(caller.client_id)
    if known is None:
        known = await run_in_threadpool(checks.load, caller.client_id)
    if not still_allowed(known.client, caller.agency, caller.role, caller.generation):
        raise unauthorized(REVOKED)
    return caller
