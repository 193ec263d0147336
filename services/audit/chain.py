"""The hash chain over the global event order: pure functions, no I/O.

link(n) = SHA-256(link(n-1) || record(n)), link(0) = 32 zero bytes, where record(n) is the
canonical encoding of the stored event record at position n: its position, originator id,
originator version, topic and state, each as a type tag, a length and the value as the
driver returned it (bytes as stored; a UUID as its 16 bytes; text as UTF-8). Any value
a superuser could put in a column encodes, so a mangled row is hashed, never an error."""

from __future__ import annotations

import hashlib
import struct
from uuid import UUID

from infra.stored_events import RawEvent

GENESIS = bytes(32)
CHECKPOINT_DOMAIN = b"lead-audit-checkpoint/v1\n"


def field(value: object) -> bytes:
    """Tag, length, value: unambiguous for every type a column can hand back."""
    if isinstance(value, bool) or value is None:
        tag, payload = b"n", repr(value).encode()
    elif isinstance(value, int):
        tag, payload = b"i", str(value).encode()
    elif isinstance(value, UUID):
        tag, payload = b"u", value.bytes
    elif isinstance(value, bytes | bytearray | memoryview):
        tag, payload = b"b", bytes(value)
    elif isinstance(value, str):
        tag, payload = b"s", value.encode("utf-8", "surrogatepass")
    else:
        tag, payload = b"r", repr(value).encode("utf-8", "surrogatepass")
    return tag + struct.pack(">Q", len(payload)) + payload


def record(event: RawEvent) -> bytes:
    return b"".join(
        field(value)
        for value in (
            event.position,
            event.originator_id,
            event.originator_version,
            event.topic,
            event.state,
        )
    )


def link(previous: bytes, event: RawEvent) -> bytes:
    return hashlib.sha256(previous + record(event)).digest()


def checkpoint_message(position: int, head: bytes, time: str) -> bytes:
    """What a checkpoint signature covers."""
    return CHECKPOINT_DOMAIN + f"{position}\n{head.hex()}\n{time}".encode()
