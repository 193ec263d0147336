"""A stored event as an auditor reads it: position, a readable type, both times, who, data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from infra.events_table.records import RawEvent
from services.jsonable import jsonable

ENVELOPE = frozenset(
    {"originator_id", "originator_version", "originator_topic", "timestamp", "meta", "occurred_at"}
)
Decode = Callable[[RawEvent], object]


def readable_type(topic: object) -> str:
    """`domain.participant:Participant.Referred` → `Participant.Referred`."""
    return str(topic).rpartition(":")[2]


UNDECODABLE = object()


def decoded(record: RawEvent, decode: Decode) -> object:
    """The event, or UNDECODABLE (GET /v1/audit/verify says more)."""
    try:
        return decode(record)
    except Exception:  # noqa: BLE001 (shown as undecodable, never a 500)
        return UNDECODABLE


def describe(record: RawEvent, decode: Decode) -> dict[str, Any]:
    return describe_event(record, decoded(record, decode))


def describe_event(record: RawEvent, event: object) -> dict[str, Any]:
    base: dict[str, Any] = {
        "position": record.position,
        "type": readable_type(record.topic),
        "stream_id": str(record.originator_id),
        "stream_version": jsonable_or_text(record.originator_version),
    }
    if event is UNDECODABLE:
        return base | {"undecodable": True, "data": None}
    meta = getattr(event, "meta", None)
    data = {k: v for k, v in vars(event).items() if k not in ENVELOPE}
    shaped: dict[str, Any] = base | {
        "stream_id": getattr(event, "originator_id", base["stream_id"]),
        "occurred_at": getattr(event, "occurred_at", None),
        "recorded_at": getattr(event, "timestamp", None),
        "actor": getattr(meta, "actor", None),
        "client_id": getattr(meta, "client_id", None),
        "agency": getattr(meta, "agency", None),
        "role": getattr(meta, "role", None),
        "correlation_id": getattr(meta, "correlation_id", None),
        "data": data,
    }
    result: dict[str, Any] = jsonable(shaped)
    return result


def jsonable_or_text(value: object) -> object:
    return value if isinstance(value, int | str) else repr(value)
