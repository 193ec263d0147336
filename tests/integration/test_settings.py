"""Settings refuse to run on PostgreSQL with the development secret."""

from __future__ import annotations

import pytest

from infra.settings import DEV_SECRET, Settings
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.integration

POSTGRES_URL = "postgresql://lead@db.example:5432/lead"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what each test sets: no LEAD_ variables from the shell, no .env file."""
    monkeypatch.delenv("LEAD_SECRET_KEY", raising=False)
    monkeypatch.delenv("LEAD_DATABASE_URL", raising=False)


def test_the_development_secret_with_postgresql_refuses_to_start() -> None:
    with pytest.raises(ValueError, match="development default"):
        Settings(_env_file=None, database_url=POSTGRES_URL)


def test_the_same_refusal_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAD_DATABASE_URL", POSTGRES_URL)
    monkeypatch.setenv("LEAD_SECRET_KEY", DEV_SECRET)
    with pytest.raises(ValueError, match="development default"):
        Settings(_env_file=None)


def test_a_real_secret_with_postgresql_starts() -> None:
    settings = Settings(_env_file=None, database_url=POSTGRES_URL, secret_key=TEST_SECRET)
    assert settings.is_postgres


def test_the_development_secret_is_accepted_on_sqlite() -> None:
    settings = Settings(_env_file=None, database_url="sqlite:///./var/dev.sqlite3")
    assert settings.secret_key.get_secret_value() == DEV_SECRET
