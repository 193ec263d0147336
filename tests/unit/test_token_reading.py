"""Tokens: a token verified once is not verified again, but its times are checked on every
call against the wall clock; lifetimes are capped, `iat` may not lie in the future, and the
library's words never reach the caller."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from infra.clients import Client
from infra.tokens import LEEWAY_SECONDS, NOT_VALID, InvalidToken, Tokens
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LIFETIME = 3600
CLIENT = Client("c-1", "spd", "police", generation=3)


class Wall:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at.timestamp()


def tokens(wall: Wall | None = None) -> Tokens:
    return Tokens(TEST_SECRET, "lead-service", "lead-api", LIFETIME, wall or Wall(NOW))


def signed(**overrides: Any) -> str:
    claims = {
        "iss": "lead-service",
        "aud": "lead-api",
        "sub": "c-1",
        "agency": "spd",
        "role": "police",
        "gen": 1,
        "iat": NOW,
        "nbf": NOW,
        "exp": NOW + timedelta(seconds=LIFETIME),
    } | overrides
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, TEST_SECRET, "HS256")


def test_a_token_names_its_client_and_the_generation_of_its_secret() -> None:
    token = tokens().issue(CLIENT)
    caller = tokens().read(token)
    assert (caller.client_id, caller.agency, caller.role, caller.generation) == (
        "c-1",
        "spd",
        "police",
        3,
    )
    assert tokens().read(token) == caller  # the second read comes from the cache


def test_a_token_read_before_is_refused_once_it_expires() -> None:
    wall = Wall(NOW)
    token = tokens(wall).issue(CLIENT)
    tokens(wall).read(token)
    wall.at = NOW + timedelta(seconds=LIFETIME)
    with pytest.raises(InvalidToken, match="expired"):
        tokens(wall).read(token)


# (claims, wall clock offset in seconds, accepted?): the time rules as a table
TIME_RULES = [
    ({}, 0, True),
    ({}, LIFETIME - 1, True),
    ({}, LIFETIME, False),  # expired
    ({"iat": NOW + timedelta(seconds=LEEWAY_SECONDS)}, 0, True),  # skew between hosts
    ({"iat": NOW + timedelta(seconds=LEEWAY_SECONDS + 1)}, 0, False),  # issued in the future
    ({"nbf": NOW + timedelta(seconds=LEEWAY_SECONDS + 1)}, 0, False),
    ({"exp": NOW + timedelta(seconds=LIFETIME + 1)}, 0, False),  # outlives the cap
    ({"exp": NOW + timedelta(days=365)}, 0, False),
    ({"iat": NOW - timedelta(days=2), "nbf": NOW - timedelta(days=2)}, 0, False),  # too old
    ({"iat": None}, 0, False),
    ({"gen": None}, 0, False),
    ({"gen": "1"}, 0, False),
    ({"gen": True}, 0, False),
    ({"iat": "yesterday"}, 0, False),
    ({"role": "root"}, 0, False),
    ({"agency": 7}, 0, False),
]


@pytest.mark.parametrize(("claims", "offset", "accepted"), TIME_RULES)
def test_time_and_claim_rules(claims: dict[str, Any], offset: int, accepted: bool) -> None:
    wall = Wall(NOW + timedelta(seconds=offset))
    token = signed(**claims)
    if accepted:
        assert tokens(wall).read(token).client_id == "c-1"
    else:
        with pytest.raises(InvalidToken):
            tokens(wall).read(token)


def test_the_rules_table_has_every_case() -> None:
    assert len(TIME_RULES) == 16
    assert sum(accepted for *_, accepted in TIME_RULES) == 3


def test_a_forged_copy_of_a_good_token_is_refused_in_our_words() -> None:
    token = tokens().issue(CLIENT)
    tokens().read(token)
    header, payload, signature = token.split(".")
    for forged in (f"{header}.{payload}.{signature[:-4]}AAAA", f"{header}.{payload}.!!", "x"):
        with pytest.raises(InvalidToken) as refused:
            tokens().read(forged)
        assert str(refused.value) == NOT_VALID
