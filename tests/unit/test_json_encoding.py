"""The store writes events through orjson (infra/transcodings.py), and the bytes must be the
library's: the hash chain, the audit's verify and every reader of the stored JSON rely on
them. Here the store's transcoder and the library's own are given the same values, those
orjson writes differently above all, and must write the same bytes or raise the same error."""

from __future__ import annotations

import math
import sys
from collections import namedtuple
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any
from uuid import UUID

import orjson
import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Transcoding,
    UUIDAsHex,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.values import Identifier, Location, Person
from infra.transcodings import LeadTranscoder, register_domain_transcodings

pytestmark = pytest.mark.unit


def transcoders() -> tuple[JSONTranscoder, JSONTranscoder]:
    ours, theirs = LeadTranscoder(), JSONTranscoder()
    for transcoder in (ours, theirs):
        for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
            transcoder.register(transcoding)
        register_domain_transcodings(transcoder)
    return ours, theirs


OURS, THEIRS = transcoders()


def written(value: Any) -> bytes | str:
    """The library's bytes, or the name of the error it raises."""
    try:
        return THEIRS.encode(value)
    except Exception as error:  # noqa: BLE001 (the error is what is compared)
        return type(error).__name__


def ours(value: Any) -> bytes | str:
    try:
        return OURS.encode(value)
    except Exception as error:  # noqa: BLE001
        return type(error).__name__


class Door(StrEnum):
    ARREST = "arrest_diversion"


class Level(IntEnum):
    HIGH = 3


Pair = namedtuple("Pair", "left right")  # a tuple subclass, on purpose

CONTROL = "".join(chr(c) for c in range(32)) + '"\\/\x7f\u2028\u2029\U0001f600é'
EDGES: dict[str, Any] = {
    "control characters and escapes": {"note": CONTROL, CONTROL: [CONTROL]},
    "exponent floats": [1e-05, 1e16, -2.5e-300, 5e-324, 1.7976931348623157e308],
    "plain floats": [0.0, -0.0, 0.1, 47.61, -122.34, 1e15, 123456789012345.6, 2.0**53],
    "not finite": [math.nan, math.inf, -math.inf],
    "integers past 64 bits": [2**64, -(2**63) - 1, 2**200],
    "64-bit integers": [2**64 - 1, -(2**63), 0, -1],
    "keys that are not str": {1: "a", 2.5: "b", False: "c", None: "d"},
    "str and int subclasses": {"door": Door.ARREST, "level": Level.HIGH, Door.ARREST: 1},
    "a tuple subclass": Pair(1, UUID(int=1)),
    "a dict subclass": type("Ordered", (dict,), {})(a=1),
    "a set": {"only"},
    "values the library transcodes": {
        "id": UUID("12345678123456781234567812345678"),
        "at": datetime(2026, 11, 24, 9, 0, 0, 123456, tzinfo=UTC),
        "day": date(1980, 5, 1),
        "amount": Decimal("1.10"),
        "person": Person("Ada", "Example", date(1980, 5, 1), (Identifier("spd", "B-1"),)),
        "place": Location("3rd Ave", 47.61, -122.34),
        "far": Location("pole", 1e-05, None),
    },
    "an unregistered type": {"what": object()},
    "a lone surrogate": "\ud800",
    "empty": [{}, [], (), ""],
}


def deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


EDGES["nesting past orjson's limit"] = deep(300)


@pytest.mark.parametrize("name", list(EDGES))
def test_the_store_writes_what_the_library_writes(name: str) -> None:
    value = EDGES[name]
    assert ours(value) == written(value)


def test_a_str_subclass_is_written_as_a_str_whatever_is_registered_for_it() -> None:
    class DoorAsName(Transcoding):
        type = Door
        name = "door"

        def encode(self, obj: Door) -> str:
            return obj.name

        def decode(self, data: str) -> Door:
            return Door[data]

    ours, theirs = transcoders()
    for transcoder in (ours, theirs):
        transcoder.register(DoorAsName())
    assert ours.encode({"door": Door.ARREST}) == theirs.encode({"door": Door.ARREST})
    assert ours.encode(Door.ARREST) == b'"arrest_diversion"'


def test_nesting_past_the_interpreter_limit_fails_as_the_library_fails() -> None:
    value = deep(sys.getrecursionlimit() + 50)
    assert ours(value) == written(value)


@pytest.mark.parametrize(
    "name", ["exponent floats", "not finite", "integers past 64 bits", "keys that are not str"]
)
def test_the_edges_are_edges(name: str) -> None:
    """Values orjson alone writes otherwise, or refuses: the cases above test the way around
    it, not values that would pass anyway."""
    try:
        alone: bytes | None = orjson.dumps(EDGES[name])
    except TypeError:
        alone = None
    assert alone != THEIRS.encode(EDGES[name])


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.uuids()
    | st.datetimes(timezones=st.just(UTC))
    | st.dates()
    | st.sampled_from([Door.ARREST, Level.HIGH])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
        | st.builds(Location, st.text(max_size=6), st.floats() | st.none(), st.none())
    ),
    max_leaves=12,
)


@settings(max_examples=400, derandomize=True)
@given(VALUES)
def test_any_value_is_written_byte_for_byte_as_the_library_writes_it(value: Any) -> None:
    assert ours(value) == written(value)
