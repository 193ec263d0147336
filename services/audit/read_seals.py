"""The read log sealed like the events: each flush of the access log is a batch whose link is
SHA-256 over the link of the batch before, its sequence number and its reads, signed with
the audit key. Deleting, editing or slipping in a read breaks its batch's link; rewriting the
links breaks the signatures. Pure except for the signer."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from infra.access_log import AccessRecord
from infra.signing import CheckpointSigner
from services.audit.chain import GENESIS, field
from services.audit.checkpoints import utc_text

READS_DOMAIN = b"lead-audit-reads/v1\n"

__all__ = ["GENESIS", "ReadSeals", "SealedBatch", "batch_link", "batch_message"]


@dataclass(frozen=True)
class SealedBatch:
    link: bytes
    key_id: str
    signature: bytes


def read_record(record: AccessRecord) -> bytes:
    values = (
        str(record.participant_id),
        utc_text(record.at),
        record.client_id,
        record.agency,
        record.role,
        record.actor,
        record.endpoint,
        record.categories,
        record.purpose,
        record.detail,
    )
    return b"".join(field(value) for value in values)


def batch_link(previous: bytes, seq: int, records: Sequence[AccessRecord]) -> bytes:
    """Order-free inside a batch: the store hands a batch's rows back in any order."""
    body = b"".join(sorted(read_record(record) for record in records))
    return hashlib.sha256(previous + field(seq) + body).digest()


def batch_message(seq: int, link: bytes) -> bytes:
    """What a batch's signature covers."""
    return READS_DOMAIN + f"{seq}\n{link.hex()}".encode()


class ReadSeals:
    def __init__(self, signer: CheckpointSigner) -> None:
        self.signer = signer

    def seal(self, previous: bytes, seq: int, records: Sequence[AccessRecord]) -> SealedBatch:
        link = batch_link(previous, seq, records)
        signature = self.signer.sign(batch_message(seq, link))
        return SealedBatch(link, self.signer.key_id, signature)

    def vouches(self, seq: int, link: bytes, signature: bytes) -> bool:
        return self.signer.verify(signature, batch_message(seq, link))
