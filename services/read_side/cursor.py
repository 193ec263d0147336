"""Opaque list cursors: the keyset of the last item shown, base64url-encoded."""

from __future__ import annotations

import base64
import binascii
import json

from domain.errors import InvalidInput


def encode_cursor(position: int) -> str:
    raw = json.dumps({"after": position}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after = json.loads(raw)["after"]
    except (ValueError, TypeError, KeyError, binascii.Error):
        after = None
    if type(after) is not int or after < 0:
        raise InvalidInput("cursor is not one this service issued", field="cursor")
    return after
