"""Bearer tokens: HS256 JWTs with pinned algorithm, audience and issuer, a capped lifetime,
and the client's secret generation (a rotated secret retires every token issued before).

Token times are checked against the wall clock (`time.time`), like any relying party checks
a JWT; the business clock tests move across months is not the one that ages a token."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import jwt

from domain.roles import ROLES
from infra.clients import Client

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "sub", "gen"]
LEEWAY_SECONDS = 30  # clock skew between hosts that share the secret
NOT_VALID = "the token is not valid for this service"


@dataclass(frozen=True)
class Caller:
    client_id: str
    agency: str
    role: str
    generation: int = 1


class InvalidToken(Exception):
    """Raised when a bearer token is forged, expired, too old or not for this service; the
    message is ours to show (never the JWT library's)."""


@dataclass(frozen=True)
class Validity:
    caller: Caller
    issued_at: float
    not_before: float
    expires: float


class Tokens:
    def __init__(
        self,
        secret: str,
        issuer: str,
        audience: str,
        lifetime_seconds: int,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret
        self.issuer = issuer
        self.audience = audience
        self.lifetime_seconds = lifetime_seconds
        self.wall_clock = wall_clock

    def issue(self, client: Client) -> str:
        now = datetime.fromtimestamp(self.wall_clock(), tz=UTC)
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": client.client_id,
            "agency": client.agency,
            "role": client.role,
            "gen": client.generation,
            "jti": uuid4().hex,
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=self.lifetime_seconds),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def read(self, token: str) -> Caller:
        """The caller a token names. A token verified before is not verified again (its
        signature and claims cannot change for the same string): only its times are."""
        validity = verified(token, self._secret, self.audience, self.issuer)
        self.check_times(validity, self.wall_clock())
        return validity.caller

    def check_times(self, validity: Validity, now: float) -> None:
        if now >= validity.expires:
            raise InvalidToken("the token has expired")
        if validity.expires - validity.issued_at > self.lifetime_seconds:
            raise InvalidToken("the token outlives the lifetime this service grants")
        if max(validity.issued_at, validity.not_before) > now + LEEWAY_SECONDS:
            raise InvalidToken("the token is not valid yet (iat or nbf lies in the future)")


@functools.lru_cache(maxsize=1024)
def verified(token: str, secret: str, audience: str, issuer: str) -> Validity:
    """Signature, algorithm, audience, issuer and claims; raises (caching nothing) otherwise."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            options={
                "require": REQUIRED_CLAIMS,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(NOT_VALID) from exc
    return Validity(
        caller_of(claims),
        number(claims, "iat"),
        number(claims, "nbf"),
        number(claims, "exp"),
    )


def caller_of(claims: dict[str, Any]) -> Caller:
    role, agency, sub, gen = (claims.get(name) for name in ("role", "agency", "sub", "gen"))
    if (
        role not in ROLES
        or not isinstance(agency, str)
        or not isinstance(sub, str)
        or type(gen) is not int
    ):
        raise InvalidToken(NOT_VALID)
    return Caller(client_id=sub, agency=agency, role=str(role), generation=gen)


def number(claims: dict[str, Any], name: str) -> float:
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken(NOT_VALID)
    return float(value)
