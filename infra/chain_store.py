"""The stored links of the hash chain and the checkpoints the sealer signed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from infra.audit_tables import audit_chain, audit_checkpoints
from infra.stored_events import FIRST

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

    def stream(self, until: int, after: int = FIRST, batch: int = 5000) -> Iterator[Link]:
        """The stored links after `after` up to `until`, in order (plain DB-API: a verify reads
        them all). Bounded, so links a sealer adds while the events are read are not seen."""
        mark = "%s" if self.engine.dialect.name == "postgresql" else "?"
        sql = "SELECT position, link FROM audit_chain "
        sql += f"WHERE position > {mark} AND position <= {mark} ORDER BY position LIMIT {mark}"
        while True:
            connection = self.engine.raw_connection()
            try:
                cursor = connection.cursor()
                cursor.execute(sql, (after, until, batch))
                rows = cursor.fetchall()
                cursor.close()
            finally:
                connection.close()
            if not rows:
                return
            yield from ((int(position), bytes(link)) for position, link in rows)
            after = int(rows[-1][0])

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
