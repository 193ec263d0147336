"""How domain values are stored inside events (JSON via the eventsourcing transcoder)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain import base, values


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
)


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for cls in VALUE_TYPES:
        transcoder.register(_dataclass_transcoding(cls))
