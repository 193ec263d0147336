"""The hash chain over the global event order: pure functions, no I/O.

link(n) = SHA-256(link(n-1) || record(n)), link(0) = 32 zero bytes, where record(n) is the
canonical encoding of the stored event record at position n: its position, originator id,
originator version, topic and state, each as a type tag, a length and the value as the
driver returned it (bytes as stored; a UUID as its 16 bytes; text as UTF-8). Any value
a superuser could put in a column encodes, so a mangled row is hashed, never an error."""

from __future__ import annotations

import hashlib
import struct
from typing import cast
from uuid import UUID

from infra.events_table.records import RawEvent

GENESIS = bytes(32)
LENGTH = struct.Struct(">Q")
CHECKPOINT_DOMAIN = b"lead-audit-checkpoint/v1\n"


def field(value: object) -> bytes:
    """Tag, length, value: unambiguous for every type a column can hand back. Exact types
    first (a verify hashes every record of the store), the odd ones after."""
    kind = type(value)
    if kind is bytes:
        tag, payload = b"b", cast(bytes, value)
    elif kind is int:
        tag, payload = b"i", str(value).encode()
    elif kind is str:
        tag, payload = b"s", cast(str, value).encode("utf-8", "surrogatepass")
    elif kind is UUID:
        tag, payload = b"u", cast(UUID, value).bytes
    else:
        tag, payload = unusual(value)
    return tag + LENGTH.pack(len(payload)) + payload


def unusual(value: object) -> tuple[bytes, bytes]:
    """Subclasses and the values only a superuser's edit leaves in a column."""
    if isinstance(value, bool) or value is None:
        return b"n", repr(value).encode()
    if isinstance(value, int):
        return b"i", str(value).encode()
    if isinstance(value, UUID):
        return b"u", value.bytes
    if isinstance(value, bytes | bytearray | memoryview):
        return b"b", bytes(value)
    if isinstance(value, str):
        return b"s", value.encode("utf-8", "surrogatepass")
    return b"r", repr(value).encode("utf-8", "surrogatepass")


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
