"""The sealed batches of the read log and their reads, read back for verification."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from infra.access_log import AccessRecord, record_of
from infra.audit_tables import access_log, access_log_batches


@dataclass(frozen=True)
class StoredBatch:
    seq: int
    reads: int
    link: bytes
    signature: bytes


class ReadBatches:
    def __init__(self, engine: Engine, page_size: int = 500) -> None:
        self.engine = engine
        self.page_size = page_size

    def pages(self) -> Iterator[tuple[list[StoredBatch], dict[int, list[AccessRecord]]]]:
        """Batches in order, a page at a time, each page with the reads of its batches."""
        table, after = access_log_batches, 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(table.c.seq, table.c.reads, table.c.link, table.c.signature)
                    .where(table.c.seq > after)
                    .order_by(table.c.seq)
                    .limit(self.page_size)
                ).all()
            if not rows:
                return
            batches = [
                StoredBatch(int(r.seq), int(r.reads), bytes(r.link), bytes(r.signature))
                for r in rows
            ]
            after = batches[-1].seq
            yield batches, self.reads_in(batches[0].seq, after)

    def reads_in(self, first: int, last: int) -> dict[int, list[AccessRecord]]:
        table = access_log
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(table).where(table.c.batch >= first, table.c.batch <= last)
            ).all()
        grouped: dict[int, list[AccessRecord]] = defaultdict(list)
        for row in rows:
            grouped[int(row.batch)].append(record_of(row))
        return grouped

    def strays(self) -> tuple[int, int]:
        """Reads that no batch vouches for: (naming a batch that does not exist, written
        without a batch after sealing began). Reads from before sealing are neither."""
        table, batches = access_log, access_log_batches
        first_sealed = select(func.min(table.c.id)).where(table.c.batch.is_not(None))
        with self.engine.connect() as conn:
            unknown = conn.execute(
                select(func.count()).where(
                    table.c.batch.is_not(None), table.c.batch.not_in(select(batches.c.seq))
                )
            ).scalar_one()
            unbatched = conn.execute(
                select(func.count()).where(
                    table.c.batch.is_(None), table.c.id > first_sealed.scalar_subquery()
                )
            ).scalar_one()
        return int(unknown), int(unbatched)

    def legacy(self) -> int:
        """Reads written before batches were sealed (migration 0012)."""
        with self.engine.connect() as conn:
            count = conn.execute(
                select(func.count()).where(access_log.c.batch.is_(None))
            ).scalar_one()
        return int(count)
