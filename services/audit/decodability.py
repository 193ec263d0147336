"""Whether a stored record still decodes, as a verify judges it.

Decoding every record into its domain event costs ~9 µs a record, twice the rest of a verify.
The quick check vouches for a record whose topic the library turns into an event class that
needs no upcasting, whose state is a JSON object (checked by simdjson, four times cheaper than
building it), and whose other columns have the types the library reads back. What only the
full decode sees is whether the values inside the state (dates, value objects) still
construct: a record whose bytes match their seal was written by the service, so that changes
only when the code does, and `deep` checks it. A record the quick check cannot vouch for gets
the full decode, so it never calls a decodable record undecodable."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import simdjson

from infra.events_table.records import RawEvent

Decode = Callable[[RawEvent], object]
CLASS_VERSION = b'"class_version"'


class Decodability:
    def __init__(self, decode: Decode, *, deep: bool = False) -> None:
        self.decode = decode
        self.deep = deep
        self.plain_topics: set[str] = set()  # read by the verify's quick path
        self.judged_topics: set[str] = set()
        self.parser = simdjson.Parser()

    def __call__(self, record: RawEvent) -> bool:
        return (not self.deep and self.quick(record)) or self.full(record)

    def full(self, record: RawEvent) -> bool:
        try:
            self.decode(record)
        except Exception:  # noqa: BLE001 (whatever a mangled record raises is the finding)
            return False
        return True

    def quick(self, record: RawEvent) -> bool:
        topic, stream, state = record.topic, record.originator_id, record.state
        if not (isinstance(topic, str) and self.plain(topic)):
            return False
        if type(record.originator_version) is not int or type(state) is not bytes:
            return False
        if type(stream) is not UUID and not uuid_text(stream):
            return False
        return json_object(self.parser, state)

    def plain(self, topic: str) -> bool:
        """The topic names an event class the library maps without upcasting: an empty
        record of it decodes, and its class version is the first."""
        if topic not in self.judged_topics:
            self.judged_topics.add(topic)
            probe = RawEvent(0, UUID(int=0), 1, topic, b"{}")
            try:
                event = self.decode(probe)
            except Exception:  # noqa: BLE001 (an unknown topic is an undecodable record)
                return False
            if getattr(type(event), "class_version", 1) == 1:
                self.plain_topics.add(topic)
        return topic in self.plain_topics


def json_object(parser: simdjson.Parser, state: bytes) -> bool:
    """A JSON object as the service writes one: "{" first (simdjson takes a byte-order mark
    the library refuses), no class version anywhere in it (the library would upcast)."""
    if state[:1] != b"{" or CLASS_VERSION in state:
        return False
    try:
        return type(parser.parse(state)) is simdjson.Object
    except (ValueError, RuntimeError):  # RuntimeError: an integer beyond 64 bits
        return False


def uuid_text(value: object) -> bool:
    """SQLite keeps ids as text; the library reads them back through UUID()."""
    if type(value) is not str:
        return False
    try:
        UUID(value)
    except ValueError:
        return False
    return True
