"""The verify's quick path agrees with its careful step: it hashes what `chain.link` hashes for
every form an id comes back in, stops at anything the careful step must judge, and its
decodability check never calls a record undecodable that the library decodes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from infra.events_table.records import RawEvent
from infra.eventstore import LeadStore
from services.audit.chain import GENESIS, link
from services.audit.decodability import Decodability
from services.audit.quick_path import LAST, QuickPath
from tests.unit.builders import cm_stamp, refer

pytestmark = pytest.mark.unit

STORE = LeadStore(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def decode(record: RawEvent) -> object:
    return STORE.mapper.to_domain_event(record.stored_event())


def stored_rows() -> list[RawEvent]:
    participant = refer()
    for kind in ("phone", "field", "phone"):
        participant.record_contact(participant.modified_on, kind, cm_stamp())
    events = [STORE.mapper.to_stored_event(e) for e in participant.collect_events()]
    return [
        RawEvent(10 + n, e.originator_id, e.originator_version, e.topic, e.state)
        for n, e in enumerate(events)
    ]


def as_rows(records: list[RawEvent], ids: str) -> list[tuple[Any, ...]]:
    """The rows a driver hands back: UUID objects, a UUID's 16 bytes, or SQLite's text."""
    rows = []
    for r in records:
        stream = r.originator_id
        assert isinstance(stream, UUID)
        ident = {"uuid": stream, "bytes": stream.bytes, "text": str(stream)}[ids]
        rows.append((r.position, ident, r.originator_version, r.topic, r.state))
    return rows


def chained(records: list[RawEvent]) -> list[tuple[int, bytes]]:
    previous, links = GENESIS, []
    for record in records:
        previous = link(previous, record)
        links.append((record.position, previous))
    return links


def quick(
    rows: list[tuple[Any, ...]],
    links: list[tuple[int, bytes]],
    limit: int = LAST,
    *,
    uuid_bytes: bool = False,
) -> tuple[int, bytes]:
    checked = Decodability(decode)
    fast = QuickPath(uuid_bytes=uuid_bytes)
    fast.learn([t for t in {r[3] for r in rows} if isinstance(t, str) and checked.plain(t)])
    return fast.run(GENESIS, rows, links, 0, limit)


@pytest.mark.parametrize("ids", ["uuid", "bytes", "text"])
def test_the_quick_path_hashes_what_the_chain_hashes(ids: str) -> None:
    records = stored_rows()
    careful = [RawEvent(*row) for row in as_rows(records, "text" if ids == "text" else "uuid")]
    links = chained(careful)
    done, head = quick(as_rows(records, ids), links, uuid_bytes=ids == "bytes")
    assert (done, head) == (3, links[-1][1])


ODDITIES: list[tuple[str, int, Any]] = [
    ("position a float", 0, float),
    ("version a float", 2, float),
    ("version a bool", 2, lambda _: True),
    ("no topic", 3, lambda _: None),
    ("a topic of no event class", 3, lambda _: "no.such:Topic"),
    ("state as text", 4, bytes.decode),
    ("state a bytearray", 4, bytearray),
    ("state not JSON", 4, lambda _: b"\x00not json"),
    ("state a JSON array", 4, lambda _: b"[1]"),
    ("state after a byte-order mark", 4, lambda state: b"\xef\xbb\xbf" + state),
    ("state with an integer beyond 64 bits", 4, lambda _: b'{"n": 123456789012345678901}'),
    ("state with a class version", 4, lambda _: b'{"class_version": 2}'),
    ("an id that is no UUID", 1, lambda _: "not-a-uuid"),
]


@pytest.mark.parametrize("sealed", ["as written", "after the change"])
@pytest.mark.parametrize(
    ("column", "change"), [(c, f) for _, c, f in ODDITIES], ids=[name for name, _, _ in ODDITIES]
)
def test_the_quick_path_stops_at_a_value_the_careful_step_must_judge(
    column: int, change: Any, sealed: str
) -> None:
    rows = as_rows(stored_rows(), "text")
    written = [RawEvent(*row) for row in rows]
    rows[1] = (*rows[1][:column], change(rows[1][column]), *rows[1][column + 1 :])
    links = chained(written if sealed == "as written" else [RawEvent(*row) for row in rows])
    assert quick(rows, links) == (1, links[0][1])


def test_the_quick_path_stops_at_a_mismatch_a_gap_and_a_signed_position() -> None:
    rows = as_rows(stored_rows(), "uuid")
    links = chained([RawEvent(*row) for row in rows])
    assert quick(rows, [links[0], (links[1][0], bytes(32)), *links[2:]])[0] == 1
    assert quick(rows, [links[0], (links[1][0] + 1, links[1][1]), *links[2:]])[0] == 1
    assert quick(rows, links, limit=rows[1][0])[0] == 1


def test_the_quick_check_never_calls_a_decodable_record_undecodable() -> None:
    record = stored_rows()[1]
    checked = Decodability(decode)
    assert checked.quick(record)
    nan = RawEvent(1, record.originator_id, 1, record.topic, b'{"x": NaN}')
    assert not checked.quick(nan)  # orjson refuses what json accepts
    assert checked(nan)
    assert not checked(RawEvent(1, record.originator_id, 1, record.topic, b"garbage"))
    assert not checked(RawEvent(1, record.originator_id, 1, "no.such:Topic", record.state))


def test_only_the_deep_check_sees_values_that_no_longer_construct() -> None:
    record = stored_rows()[1]
    assert isinstance(record.state, bytes)
    state = record.state.replace(b'"datetime_iso"', b'"no_such_type"', 1)
    assert state != record.state
    renamed = RawEvent(1, record.originator_id, 1, record.topic, state)
    assert Decodability(decode)(renamed)
    assert not Decodability(decode, deep=True)(renamed)
