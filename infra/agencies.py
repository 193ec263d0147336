"""The agencies the site knows: an agency is registered when a client is created for it
(`infra/clients.py`). ROIs and site policy may name only these."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from infra.tables import agencies


class Agencies:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Agencies are registered and never removed, so one known is known for good; one not
        # known yet is asked again (another process may have registered it since).
        self.registered: set[str] = set()

    def known(self, slugs: Iterable[str]) -> frozenset[str]:
        """Those of `slugs` that are registered."""
        wanted = set(slugs)
        unsure = sorted(wanted - self.registered)
        if unsure:
            with self.engine.connect() as conn:
                found = conn.execute(select(agencies.c.slug).where(agencies.c.slug.in_(unsure)))
                self.registered.update(found.scalars())
        return frozenset(wanted & self.registered)

    def every(self) -> frozenset[str]:
        with self.engine.connect() as conn:
            return frozenset(conn.execute(select(agencies.c.slug)).scalars())

    def register(self, slug: str, now: datetime) -> None:
        """For a site set up without the CLI (the seeder, tests); `clients create` does this."""
        postgres = self.engine.dialect.name == "postgresql"
        insert = pg_insert if postgres else sqlite_insert
        statement = insert(agencies).values(slug=slug, registered_at=now)
        with self.engine.begin() as conn:
            conn.execute(statement.on_conflict_do_nothing(index_elements=["slug"]))
