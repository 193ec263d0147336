"""Pages of a list and their opaque cursors. A page is read with one row more than its limit:
the extra row says whether there is a next page. The cursor is the keyset of the last row
shown (whatever the list orders by), as base64url-encoded JSON."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from domain.errors import InvalidInput

T = TypeVar("T")
K = TypeVar("K")


@dataclass(frozen=True)
class Page(Generic[T]):
    shown: Sequence[T]
    next: str | None


def page_of(rows: Sequence[T], limit: int, keyset: Callable[[T], object]) -> Page[T]:
    """The first `limit` of `rows` (read with `limit + 1`) and the cursor of the next page."""
    shown = rows[:limit]
    more = len(rows) > limit
    return Page(shown, encode_cursor(keyset(shown[-1])) if more else None)


def encode_cursor(keyset: object) -> str:
    raw = json.dumps({"after": keyset}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, parse: Callable[[Any], K]) -> K:
    """The keyset a cursor carries, read by `parse`, which raises ValueError, TypeError or
    KeyError on anything this service would not have issued."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return parse(json.loads(raw)["after"])
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise InvalidInput("cursor is not one this service issued", field="cursor") from None


def position(keyset: Any) -> int:
    """A keyset that is a global position (a non-negative integer)."""
    if type(keyset) is not int or keyset < 0:
        raise ValueError(keyset)
    return keyset
