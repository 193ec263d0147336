"""The stored links of the hash chain and the checkpoints the sealer signed."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from infra.audit_tables import audit_chain, audit_checkpoints
from infra.raw_reads import placeholder, streamed

Link = tuple[int, bytes]
StoredCheckpoint = tuple[int, bytes, datetime, str, bytes]


class ChainStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def last(self) -> Link | None:
        chain = audit_chain
        with self.engine.connect() as conn:
            row = conn.execute(
                select(chain.c.position, chain.c.link).order_by(chain.c.position.desc()).limit(1)
            ).first()
        return None if row is None else (int(row.position), bytes(row.link))

    def sealed_head(self) -> int | None:
        with self.engine.connect() as conn:
            head = conn.execute(select(func.max(audit_chain.c.position))).scalar()
        return None if head is None else int(head)

    def link_pages(self, until: int, size: int = 2000) -> Generator[list[Link], None, None]:
        """The stored links up to `until`, in order, from one query: bounded, so links a
        sealer adds while a verify reads are not seen."""
        mark = placeholder(self.engine)
        sql = f"SELECT position, link FROM audit_chain WHERE position <= {mark} ORDER BY position"  # noqa: S608
        for rows in streamed(self.engine, sql, (until,), size):
            yield self.typed(rows)

    def typed(self, rows: list[tuple[Any, ...]]) -> list[Link]:
        if self.engine.dialect.name == "postgresql":
            return cast(list[Link], rows)  # bigint and bytea columns, NOT NULL
        # SQLite keeps whatever type a superuser stores in a column.
        return [(int(position), bytes(link)) for position, link in rows]

    def append(self, links: Sequence[Link], checkpoint: StoredCheckpoint) -> bool:
        """Store a batch of links and the checkpoint signed over its last one, atomically;
        False when another sealer stored these positions first."""
        position, head, signed_at, key_id, signature = checkpoint
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(audit_chain), [{"position": p, "link": link} for p, link in links]
                )
                conn.execute(
                    insert(audit_checkpoints).values(
                        position=position,
                        head=head,
                        signed_at=signed_at,
                        key_id=key_id,
                        signature=signature,
                    )
                )
        except IntegrityError:
            return False
        return True

    def checkpoints(self, until: int | None) -> list[StoredCheckpoint]:
        table = audit_checkpoints
        if until is None:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(table).where(table.c.position <= until).order_by(table.c.position)
            ).all()
        return [
            (
                int(row.position),
                bytes(row.head),
                row.signed_at if row.signed_at.tzinfo else row.signed_at.replace(tzinfo=UTC),
                row.key_id,
                bytes(row.signature),
            )
            for row in rows
        ]
