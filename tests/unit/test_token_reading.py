"""A token verified once is not verified again, but its times are checked on every call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.security import InvalidToken, issue_token, read_token
from infra.clients import Client
from infra.settings import Settings
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.unit

SETTINGS = Settings(database_url="sqlite:///unused.sqlite3", secret_key=TEST_SECRET)
CLIENT = Client("c-1", "spd", "police", "", locked=False)


def test_a_token_read_again_names_the_same_caller() -> None:
    token = issue_token(CLIENT, SETTINGS, datetime.now(tz=UTC) - timedelta(seconds=1))
    assert read_token(token, SETTINGS) == read_token(token, SETTINGS)
    assert read_token(token, SETTINGS).client_id == "c-1"


def test_a_token_read_before_is_refused_once_it_expires() -> None:
    issued = datetime.now(tz=UTC) - timedelta(seconds=1)
    token = issue_token(CLIENT, SETTINGS, issued)
    read_token(token, SETTINGS)
    expiry = issued + timedelta(seconds=SETTINGS.token_lifetime_seconds)
    with pytest.raises(InvalidToken, match="expired"):
        read_token(token, SETTINGS, now=expiry.timestamp())


def test_a_token_read_before_is_refused_before_it_is_valid() -> None:
    issued = datetime.now(tz=UTC) - timedelta(seconds=1)
    token = issue_token(CLIENT, SETTINGS, issued)
    read_token(token, SETTINGS)
    with pytest.raises(InvalidToken, match="not yet valid"):
        read_token(token, SETTINGS, now=(issued - timedelta(seconds=1)).timestamp())


def test_a_forged_copy_of_a_good_token_is_still_refused() -> None:
    token = issue_token(CLIENT, SETTINGS, datetime.now(tz=UTC) - timedelta(seconds=1))
    read_token(token, SETTINGS)
    header, payload, signature = token.split(".")
    with pytest.raises(InvalidToken):
        read_token(f"{header}.{payload}.{signature[:-4]}AAAA", SETTINGS)
