"""Signed checkpoints: (position, head, time, signature) that partners keep outside the
database. A superuser who rewrites events and recomputes every stored link still cannot
produce a head that matches a checkpoint signed before, nor sign a new one."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from infra.signing import CheckpointSigner
from services.audit.chain import checkpoint_message
from services.audit.errors import InvalidCheckpoint

ALGORITHM = "Ed25519"


def utc_text(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Checkpoint:
    position: int
    head: bytes
    time: str
    signature: bytes
    key_id: str

    @classmethod
    def sign(cls, signer: CheckpointSigner, position: int, head: bytes, at: datetime) -> Checkpoint:
        time = utc_text(at)
        signature = signer.sign(checkpoint_message(position, head, time))
        return cls(position, head, time, signature, signer.key_id)

    def signed_by(self, signer: CheckpointSigner) -> bool:
        return signer.verify(
            self.signature, checkpoint_message(self.position, self.head, self.time)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "head": self.head.hex(),
            "time": self.time,
            "signature": base64.b64encode(self.signature).decode(),
            "key_id": self.key_id,
            "algorithm": ALGORITHM,
        }

    @classmethod
    def from_json(cls, data: object) -> Checkpoint:
        if not isinstance(data, dict):
            raise InvalidCheckpoint("a checkpoint is a JSON object", field="checkpoint")
        try:
            position, head, time = data["position"], data["head"], data["time"]
            signature = base64.b64decode(data["signature"], validate=True)
            parsed_head = bytes.fromhex(head)
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise InvalidCheckpoint(f"malformed checkpoint: {exc}", field="checkpoint") from None
        if not isinstance(position, int) or isinstance(position, bool) or position < 0:
            raise InvalidCheckpoint("position must be a whole number", field="position")
        if len(parsed_head) != 32 or not isinstance(time, str) or len(signature) != 64:
            raise InvalidCheckpoint("head, time or signature has the wrong shape", field="head")
        return cls(position, parsed_head, time, signature, str(data.get("key_id", "")))


def public_key_document(signer: CheckpointSigner) -> dict[str, str]:
    """What a partner needs to check a checkpoint without asking this service."""
    return {
        "algorithm": ALGORITHM,
        "key_id": signer.key_id,
        "public_key": signer.public_base64,
        "public_key_pem": signer.public_pem,
        "signed_message": "UTF-8 of: lead-audit-checkpoint/v1 LF position LF head-hex LF time",
    }
