"""`leadctl migrate`: alembic, programmatically, against the configured database."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from alembic import command
from infra.private_files import private_sqlite
from infra.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(settings: Settings) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.set_main_option(
        "sqlalchemy.url", settings.sqlalchemy_url(asynchronous=False).replace("%", "%%")
    )
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    if settings.is_sqlite:
        private_sqlite(settings.sqlite_path)
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)


class Unreachable(Exception):
    """Raised when the database does not answer (its first line says why)."""


def revision_behind(settings: Settings) -> str | None:
    """None when the database is at the newest revision; else what it is instead ("empty",
    "at revision X, not Y"). An embedded store that does not exist yet is empty, and is not
    created by asking."""
    head = ScriptDirectory.from_config(alembic_config(settings)).get_current_head()
    if settings.is_sqlite and not settings.sqlite_path.exists():
        return "not created yet"
    engine = create_engine(settings.sqlalchemy_url(asynchronous=False), hide_parameters=True)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise Unreachable(str(exc.orig).strip().splitlines()[0]) from None
    finally:
        engine.dispose()
    if current == head:
        return None
    return "empty" if current is None else f"at revision {current}, not {head}"
