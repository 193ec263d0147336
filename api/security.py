"""Bearer tokens: HS256 JWTs with pinned algorithm, audience, issuer and expiry."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

import jwt

from domain.roles import ROLES
from infra.clients import Client
from infra.settings import Settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "sub"]


@dataclass(frozen=True)
class Caller:
    client_id: str
    agency: str
    role: str


class InvalidToken(Exception):
    """Raised when a bearer token is missing, forged, expired or not for this service."""


def issue_token(client: Client, settings: Settings, now: datetime) -> str:
    claims = {
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "sub": client.client_id,
        "agency": client.agency,
        "role": client.role,
        "jti": uuid4().hex,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(seconds=settings.token_lifetime_seconds),
    }
    return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)


def read_token(token: str, settings: Settings, now: float | None = None) -> Caller:
    """The caller a token names. A token verified before is not verified again (signature,
    algorithm, audience, issuer and claims cannot change for the same string): only its
    times are checked again, as PyJWT checks them."""
    caller, valid_from, expires = verified(
        token,
        settings.secret_key.get_secret_value(),
        settings.token_audience,
        settings.token_issuer,
    )
    now = time.time() if now is None else now
    if now >= expires:
        raise InvalidToken("Signature has expired")
    if now < valid_from:
        raise InvalidToken("The token is not yet valid (iat or nbf)")
    return caller


@functools.lru_cache(maxsize=1024)
def verified(token: str, secret: str, audience: str, issuer: str) -> tuple[Caller, float, float]:
    """The caller, and the times between which the token is valid. Raises (and caches
    nothing) unless the token is valid now."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    role, agency, sub = claims.get("role"), claims.get("agency"), claims.get("sub")
    if role not in ROLES or not isinstance(agency, str) or not isinstance(sub, str):
        msg = "token claims are incomplete"
        raise InvalidToken(msg)
    valid_from = max(float(claims["nbf"]), float(claims["iat"]))
    return Caller(client_id=sub, agency=agency, role=role), valid_from, float(claims["exp"])
