"""Every event type the service declares, found from its own modules (a new event type is
covered without touching the tests); a strategy that builds arbitrary instances of one from
its type hints; the store's mapper and the library's plain one, to decode them both ways."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import typing
from datetime import UTC
from functools import cache
from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    Transcoding,
    UUIDAsHex,
)
from hypothesis import strategies as st

import domain
import services
from infra.transcodings import (
    STATE_TYPES,
    VALUE_TYPES,
    DateAsISO,
    EngagementAsDict,
    KeyedPairsAsList,
    LeadTranscoder,
    SetAsList,
    register_domain_transcodings,
)

OURS = ("domain.", "services.")
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


@cache
def stored_event_classes() -> tuple[type[Aggregate.Event], ...]:
    """The event classes nested in every aggregate the service declares (in `domain/`, and
    the idempotency record in `services/`), bases included."""
    for package in (domain, services):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    found: set[type[Aggregate.Event]] = set()
    for aggregate in subclasses(Aggregate):
        found.update(
            nested
            for nested in vars(aggregate).values()
            if isinstance(nested, type)
            and issubclass(nested, Aggregate.Event)
            and nested.__module__.startswith(OURS)
        )
    return tuple(sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}"))


def subclasses(cls: type[Any]) -> set[type[Any]]:
    direct = set(cls.__subclasses__())
    return direct.union(*(subclasses(sub) for sub in direct))


def mentions_any(hint: object) -> bool:
    return hint is Any or any(mentions_any(arg) for arg in typing.get_args(hint))


def events_of(cls: type[Aggregate.Event]) -> st.SearchStrategy[Aggregate.Event]:
    """Instances with any values their type hints admit; JSON values where a hint says Any."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, st.SearchStrategy[Any]] = {
        "originator_id": st.uuids(),
        "originator_version": st.integers(1, 2**31),
        "timestamp": st.datetimes(timezones=st.just(UTC)),
    }
    if issubclass(cls, Aggregate.Created):
        fields["originator_topic"] = st.just(f"{cls.__module__}:{cls.__qualname__}")
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.name not in fields and mentions_any(hints[field.name]):
            fields[field.name] = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3)
    return st.builds(cls, **fields)


def typed(value: object) -> object:
    """The value with the type of everything inside it, so that a list is not a tuple, a
    bool is not an int and a dataclass is not a dict of the same fields."""
    if isinstance(value, dict):
        return ("dict", sorted((repr(k), typed(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        items = [typed(item) for item in value]
        return (type(value).__name__, sorted(items, key=repr) if isinstance(value, set) else items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__, typed(vars(value)))
    return (type(value).__qualname__, value)


LIBRARY_DEFAULTS = (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO())  # what an Application registers


class PlainValue(Transcoding):
    """A value dataclass the obvious way: through its constructor, lists as tuples."""

    def __init__(self, cls: type[Any]) -> None:
        self.type, self.name = cls, cls.__name__

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def store_mapper() -> Mapper[Any]:
    transcoder = LeadTranscoder()
    for transcoding in LIBRARY_DEFAULTS:
        transcoder.register(transcoding)
    register_domain_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


def library_mapper() -> Mapper[Any]:
    transcoder = JSONTranscoder()
    plain = [DateAsISO(), SetAsList(), KeyedPairsAsList(), EngagementAsDict()]
    for transcoding in [*LIBRARY_DEFAULTS, *plain]:
        transcoder.register(transcoding)
    for cls in VALUE_TYPES + STATE_TYPES:
        transcoder.register(PlainValue(cls))
    return Mapper(transcoder=transcoder)
