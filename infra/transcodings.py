"""How domain values are stored inside events (JSON via the eventsourcing transcoder)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain import base, legal_values, values
from domain.participant_state import Engagement, ReferralState, RoiState


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def _dataclass_transcoding(cls: type[Any]) -> Transcoding:
    """A transcoding for a frozen value dataclass; JSON lists come back as tuples."""

    class DataclassAsDict(Transcoding):
        type = cls
        name = cls.__name__

        def encode(self, obj: Any) -> dict[str, Any]:
            return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

        def decode(self, data: dict[str, Any]) -> Any:
            return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})

    return DataclassAsDict()


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

    def encode(self, obj: Engagement) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

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
    values.PolicyTerms,
    values.Referral,
    legal_values.Basis,
    legal_values.MatterDetails,
)
# Mutable state the aggregates keep: only snapshots store these.
STATE_TYPES: tuple[type[Any], ...] = (ReferralState, RoiState)


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    transcoder.register(SetAsList())
    transcoder.register(KeyedPairsAsList())
    transcoder.register(EngagementAsDict())
    for cls in VALUE_TYPES + STATE_TYPES:
        transcoder.register(_dataclass_transcoding(cls))
