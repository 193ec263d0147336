"""The forgetting receipts as stored (`forgetting_receipts`): one row per forgotten person."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from infra.forgetting_tables import forgetting_receipts

Row = dict[str, Any]


class ReceiptStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, row: Row) -> None:
        """Kept once: a retried forgetting finds its receipt there already."""
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(forgetting_receipts).values(row))
        except IntegrityError:
            pass

    @staticmethod
    def utc(row: Row) -> Row:
        """SQLite hands times back naive: they were stored in UTC."""
        at = row["forgotten_at"]
        return row | {"forgotten_at": at if at.tzinfo else at.replace(tzinfo=UTC)}

    def get(self, participant_id: UUID) -> Row | None:
        table = forgetting_receipts
        with self.engine.connect() as conn:
            found = conn.execute(select(table).where(table.c.participant_id == participant_id))
            row = found.mappings().first()
        return None if row is None else self.utc(dict(row))

    def is_kept(self, participant_id: UUID) -> bool:
        return self.get(participant_id) is not None

    def every(self) -> list[Row]:
        table = forgetting_receipts
        with self.engine.connect() as conn:
            rows = conn.execute(select(table).order_by(table.c.position)).mappings().all()
        return [self.utc(dict(row)) for row in rows]
