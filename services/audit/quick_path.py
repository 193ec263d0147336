"""The common case of a verify at the pace of the driver, hashlib and simdjson: a run of records
that are sealed, match their links and pass the quick decodability check.

It hashes exactly what `chain.record` does for the column types the drivers hand back, and
checks exactly what `Decodability.quick` does. The first record that is anything else (of an
unexpected type, unsealed, mismatched, at a signed position) ends the run and goes through the
verifier's careful step, so this loop can only ever agree with it, sooner."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from contextlib import suppress
from itertools import islice
from uuid import UUID

import simdjson

from infra.chain_store import Link
from infra.events_table.records import Row
from services.audit.chain import LENGTH, field
from services.audit.decodability import CLASS_VERSION, uuid_text

LAST = 2**63  # above any position
UUID_TAG = b"u" + LENGTH.pack(16)
RECORD = b"%bi%b%b%bi%b%b%bb%b%b"  # previous link, then chain.record's five fields


def text_id(value: object) -> bytes:
    """SQLite's text ids: `chain.field` of the text, when the library can read it back."""
    if not uuid_text(value):
        raise ValueError(value)
    return field(value)


class QuickPath:
    """One walk's quick path: its JSON parser and the encoded fields of the topics it may
    vouch for (those the careful step found plain so far)."""

    def __init__(self, *, uuid_bytes: bool) -> None:
        self.uuid_bytes = uuid_bytes  # rows hold ids as a UUID's 16 bytes
        self.parser = simdjson.Parser()
        self.topics: dict[str, bytes] = {}

    def learn(self, plain_topics: Collection[str]) -> None:
        if len(plain_topics) != len(self.topics):
            self.topics = {topic: field(topic) for topic in plain_topics}

    def run(
        self, previous: bytes, rows: Sequence[Row], links: Sequence[Link], start: int, limit: int
    ) -> tuple[int, bytes]:
        """The index of the first row from `start` this path cannot vouch for (positions
        below `limit` only), and the link of the row before it."""
        pack, sha256, parse, done = LENGTH.pack, hashlib.sha256, self.parser.parse, start
        topics, uuid_bytes = self.topics, self.uuid_bytes
        with suppress(TypeError, ValueError, RuntimeError):  # for the careful step to judge
            for (position, stream, version, topic, state), (sealed_at, stored) in zip(
                islice(rows, start, None), islice(links, start, None), strict=False
            ):
                topic_field = topics.get(topic)
                if position != sealed_at or position >= limit or topic_field is None:
                    break
                if type(position) is not int or type(version) is not int:
                    break
                if type(state) is not bytes:
                    break
                if uuid_bytes:
                    ident = UUID_TAG + stream
                else:
                    ident = UUID_TAG + stream.bytes if type(stream) is UUID else text_id(stream)
                p, v = b"%d" % position, b"%d" % version
                computed = sha256(
                    RECORD % (previous, pack(len(p)), p, ident, pack(len(v)), v, topic_field,
                              pack(len(state)), state)
                ).digest()  # fmt: skip
                if computed != stored or state[:1] != b"{" or CLASS_VERSION in state:
                    break
                if type(parse(state)) is not simdjson.Object:  # as `json_object`, inlined
                    break
                previous, done = computed, done + 1
        return done, previous
