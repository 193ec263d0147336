"""Plain JSON values from domain values: the rows and pages the read side shapes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID


def jsonable(value: Any) -> Any:  # noqa: PLR0911 (one branch per JSON shape)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)  # a StrEnum member: the plain string it stands for
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    msg = f"not JSON-able: {type(value)!r}"
    raise TypeError(msg)


def json_object(value: dict[str, Any]) -> dict[str, Any]:
    """`jsonable` for a response body: a dict in, a JSON object out."""
    result: dict[str, Any] = jsonable(value)
    return result
