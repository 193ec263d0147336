"""The signed receipt of a forgetting: who asked, who approved, why and when, signed with the
audit key so anyone holding its public half can check it. Pure except for the signer."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from uuid import UUID

from infra.signing import CheckpointSigner
from services.audit.checkpoints import utc_text

RECEIPT_DOMAIN = b"lead-forgetting-receipt/v1\n"


@dataclass(frozen=True)
class Receipt:
    participant_id: UUID
    forgotten_at: datetime
    reason: str
    reference: str
    requested_by: str
    approved_by: str
    key_id: str = ""
    signature: str = ""  # base64 Ed25519 over `receipt_message`


def receipt_message(receipt: Receipt) -> bytes:
    """Canonical JSON of every field but the signature, after a domain tag."""
    fields = asdict(receipt) | {
        "participant_id": str(receipt.participant_id),
        "forgotten_at": utc_text(receipt.forgotten_at),
    }
    fields.pop("signature")
    return RECEIPT_DOMAIN + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def signed(receipt: Receipt, signer: CheckpointSigner) -> Receipt:
    unsigned = Receipt(**{**asdict(receipt), "key_id": signer.key_id, "signature": ""})
    signature = base64.b64encode(signer.sign(receipt_message(unsigned))).decode()
    return Receipt(**{**asdict(unsigned), "signature": signature})


def verified(receipt: Receipt, signer: CheckpointSigner) -> bool:
    try:
        signature = base64.b64decode(receipt.signature, validate=True)
    except ValueError:
        return False
    return receipt.key_id == signer.key_id and signer.verify(signature, receipt_message(receipt))
