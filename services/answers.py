"""Typed results in and out of the JSON an idempotency record keeps: the first answer to a
key is encoded once, and a replay decodes it into the same type the use case returned."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import TypeAdapter


@functools.cache
def adapter(answer_type: Any) -> TypeAdapter[Any]:
    """Built once per type: building one costs far more than using it."""
    return TypeAdapter(answer_type)


def encode(result: object) -> Any:
    result_type: Any = type(result)
    return adapter(result_type).dump_python(result, mode="json")


def decode(answer: Any, answer_type: Any) -> Any:
    """`answer_type` may be a union (a share: recorded, or refused)."""
    return adapter(answer_type).validate_python(answer)
