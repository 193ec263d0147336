"""How domain values are stored inside events (JSON via the eventsourcing transcoder)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID, SafeUUID

import orjson
from eventsourcing.persistence import (
    JSONTranscoder,
    Transcoding,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)

from domain import base, legal_values, values
from domain.participant_state import Engagement, ReferralState, RoiState

# Values orjson writes as the library's encoder does, left as they are.
VERBATIM = frozenset({str, int, bool, type(None)})
# What the stdlib encoder writes itself, subclasses too, before it asks `default`.
BUILTIN = (str, int, float, list, tuple, dict)


class Unfit(Exception):
    """A value whose JSON orjson might not write as the library's encoder would."""


class LeadTranscoder(JSONTranscoder):
    """The library's JSON transcoder with a leaner object hook (one dict look-up for the
    common case of a plain object): decoding is most of what a replay or a rebuild spends.
    Encoding writes the same bytes through orjson (the stdlib's C encoder alone took more
    than half of a referral's encoding). The store names it with the library's
    TRANSCODER_TOPIC setting."""

    def __init__(self) -> None:
        super().__init__()
        self.decoder = json.JSONDecoder(object_hook=self.decode_object)
        self.plain = plain_writer(self.types)

    def encode(self, obj: Any) -> bytes:
        """The library's bytes: its transcodings applied where its encoder's `default`
        would apply them, the rest written by orjson. Anything orjson might write
        otherwise (an exponent float, NaN, an integer past 64 bits, a key that is not a
        str, a subclass of a container, nesting past orjson's limit) goes the library's way,
        errors included."""
        try:
            return orjson.dumps(self.plain(obj))
        except (Unfit, TypeError, RecursionError):  # orjson's JSONEncodeError is a TypeError
            return super().encode(obj)

    def decode_object(self, value: dict[str, Any]) -> Any:
        if len(value) == 2:
            name = value.get("_type_")
            if name is not None and "_data_" in value:
                transcoding = self.names.get(name)
                if transcoding is None:
                    msg = f"no transcoding registered for {name!r}"
                    raise TranscodingNotRegisteredError(msg)
                return transcoding.decode(value["_data_"])
        return value


def plain_writer(types: dict[type, Transcoding]) -> Callable[[Any], Any]:
    """A value as what the library's encoder writes, in types orjson writes alike; `types`:
    the transcoder's registry (read at each call, so later registrations count). The
    checks follow the stdlib encoder's: a subclass of str is written as its value, whatever
    transcoding is registered for it. A closure: this runs for every value of every
    event written, and attribute look-ups were a tenth of it."""

    def plain(obj: Any) -> Any:
        kind = type(obj)
        if kind in VERBATIM:
            return obj
        if kind is dict:
            return {k: v if type(v) in VERBATIM else plain(v) for k, v in obj.items()}
        if kind is list or kind is tuple:
            return [v if type(v) in VERBATIM else plain(v) for v in obj]
        transcoding = types.get(kind)
        if transcoding is not None and not issubclass(kind, BUILTIN):
            return {"_type_": transcoding.name, "_data_": plain(transcoding.encode(obj))}
        if kind is float:
            written = float.__repr__(obj)
            if "e" in written or "n" in written:  # 1e-05, 1e+16, inf, nan: orjson differs
                raise Unfit
            return obj
        if isinstance(obj, str):
            return str.__str__(obj)
        raise Unfit  # another subclass, or a type the library's encoder refuses with its error

    return plain


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ValueAsDict(Transcoding):
    """A frozen value dataclass as a JSON object; JSON lists come back as tuples. Decoding
    sets the fields directly when the stored keys are exactly the fields (what `cls(**data)`
    does for a dataclass without `__post_init__`, for a fraction of its cost: every replay
    decodes millions of these); anything else goes through the constructor."""

    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = cls.__name__
        # In declaration order, read once: `dataclasses.fields` builds it anew on every call.
        self.names = tuple(field.name for field in dataclasses.fields(cls))
        self.fields = frozenset(self.names)
        self.direct = not hasattr(cls, "__post_init__")

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self.names}

    def decode(self, data: dict[str, Any]) -> Any:
        for key, item in data.items():
            if type(item) is list:
                data[key] = tuple(item)
        if not self.direct or data.keys() != self.fields:
            return self.type(**data)
        built: Any = object.__new__(self.type)
        built.__dict__.update(data)
        return built


class FastUUIDAsHex(UUIDAsHex):
    """The library's `uuid_hex`, decoded without `UUID.__init__`'s parsing of every form a
    UUID can be written in: stored ids are always 32 hex digits."""

    def decode(self, data: str) -> UUID:
        built = object.__new__(UUID)
        object.__setattr__(built, "int", int(data, 16))
        object.__setattr__(built, "is_safe", SafeUUID.unknown)
        return built


class SetAsList(Transcoding):
    type = set
    name = "set"

    def encode(self, obj: set[Any]) -> list[Any]:
        return list(obj)

    def decode(self, data: list[Any]) -> set[Any]:
        return set(data)


@dataclasses.dataclass(frozen=True)
class KeyedPairs:
    """A dict whose keys JSON cannot hold (UUIDs), carried as (key, value) pairs."""

    pairs: tuple[tuple[Any, Any], ...]


class KeyedPairsAsList(Transcoding):
    type = KeyedPairs
    name = "keyed_pairs"

    def encode(self, obj: KeyedPairs) -> list[list[Any]]:
        return [[key, value] for key, value in obj.pairs]

    def decode(self, data: list[list[Any]]) -> dict[Any, Any]:
        return dict(data)


def with_encodable_keys(value: Any) -> Any:
    """Aggregate state ready for JSON: snapshots hold dicts keyed by UUID (the caseloads)."""
    if isinstance(value, list):
        return [with_encodable_keys(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {key: with_encodable_keys(item) for key, item in value.items()}
    if all(isinstance(key, str) for key in converted):
        return converted
    return KeyedPairs(tuple(converted.items()))


class EngagementAsDict(Transcoding):
    type = Engagement
    name = "Engagement"
    names = tuple(field.name for field in dataclasses.fields(Engagement))

    def encode(self, obj: Engagement) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self.names}

    def decode(self, data: dict[str, Any]) -> Engagement:
        history = [tuple(contact) for contact in data.pop("history")]
        return Engagement(**data, history=history)


VALUE_TYPES: tuple[type[Any], ...] = (
    base.Meta,
    values.Identifier,
    values.Person,
    values.Demographics,
    values.Charge,
    values.Location,
    values.ExclusionOverride,
    values.Arrest,
    values.Criteria,
    values.IdentifierSystem,
    values.PolicyTerms,
    values.Referral,
    legal_values.Basis,
    legal_values.MatterDetails,
)
# Mutable state the aggregates keep: only snapshots store these.
STATE_TYPES: tuple[type[Any], ...] = (ReferralState, RoiState)


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(FastUUIDAsHex())  # in place of the library's, same name and form
    transcoder.register(DateAsISO())
    transcoder.register(SetAsList())
    transcoder.register(KeyedPairsAsList())
    transcoder.register(EngagementAsDict())
    for cls in VALUE_TYPES + STATE_TYPES:
        transcoder.register(ValueAsDict(cls))
