"""Verify the read log: every batch in sequence, its reads hashed again into the chain, each
link signed by the audit key. The first disagreement is the finding: a missing batch, a batch
whose reads were deleted, edited or added, a rewritten seal, or reads no batch vouches for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.access_log import AccessRecord
from infra.read_batches import ReadBatches, StoredBatch
from services.audit.read_seals import GENESIS, ReadSeals, batch_link


class ReadFinding(Exception):
    """Raised at the first batch of the read log that is not as sealed."""

    def __init__(self, seq: int | None, text: str) -> None:
        super().__init__(text)
        self.seq = seq


@dataclass
class ReadWalk:
    previous: bytes = GENESIS
    batches: int = 0
    reads: int = 0

    def step(self, seals: ReadSeals, batch: StoredBatch, records: list[AccessRecord]) -> None:
        seq = batch.seq
        if seq != self.batches + 1:
            missing = self.batches + 1
            raise ReadFinding(missing, f"read batch {missing} is missing: reads were deleted")
        if len(records) != batch.reads:
            text = f"read batch {seq} holds {len(records)} reads, sealed with {batch.reads}"
            raise ReadFinding(seq, f"{text}: reads were deleted or added")
        link = batch_link(self.previous, seq, records)
        if link != batch.link:
            raise ReadFinding(seq, f"the reads of batch {seq} do not match their seal: edited")
        if not seals.vouches(seq, link, batch.signature):
            raise ReadFinding(seq, f"the seal of read batch {seq} was rewritten")
        self.previous, self.batches, self.reads = link, seq, self.reads + len(records)


class ReadVerifier:
    def __init__(self, batches: ReadBatches, seals: ReadSeals) -> None:
        self.batches = batches
        self.seals = seals

    def verify(self) -> dict[str, Any]:
        walk, finding = ReadWalk(), None
        try:
            for page, reads in self.batches.pages():
                for batch in page:
                    walk.step(self.seals, batch, reads.get(batch.seq, []))
            self.check_strays()
        except ReadFinding as found:
            finding = found
        return {
            "ok": finding is None,
            "batches_checked": walk.batches,
            "reads_checked": walk.reads,
            "unsealed_reads": self.batches.legacy(),
            "first_bad_batch": finding.seq if finding else None,
            "finding": str(finding) if finding else None,
        }

    def check_strays(self) -> None:
        unknown, unbatched = self.batches.strays()
        if unknown or unbatched:
            count = unknown + unbatched
            text = f"{count} reads are in no sealed batch: inserted behind the service's back"
            raise ReadFinding(None, text)
