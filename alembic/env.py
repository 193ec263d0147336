"""Alembic runs against LEAD_DATABASE_URL (or a URL the caller put in the config)."""

from __future__ import annotations

from sqlalchemy import create_engine

from alembic import context
from infra.settings import Settings
from infra.tables import metadata
from projections.tables import metadata as projection_metadata  # noqa: F401 (same metadata)

url = context.config.get_main_option("sqlalchemy.url") or Settings().sqlalchemy_url(
    asynchronous=False
)


def run_migrations_online() -> None:
    engine = create_engine(url, hide_parameters=True)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
