"""Conditional requests (RFC 9110 §13): our ETags are a resource's version, `"5"`.

`If-Match` compares strongly, so a weak tag (`W/"5"`) never matches; `If-None-Match` compares
weakly, so `W/"5"` and `"5"` both match version 5."""

from __future__ import annotations

import re

from fastapi import Response

from domain.errors import InvalidInput, PreconditionFailed

ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e]*)"\s*(,|$)')
NOT_MODIFIED = 304


def etag(version: int) -> str:
    return f'"{version}"'


def entity_tags(value: str) -> list[tuple[bool, str]] | None:
    """(weak, opaque tag) for each tag of a list, or None when the value is not a list."""
    tags, at = [], 0
    while at < len(value):
        match = ENTITY_TAG.match(value, at)
        if match is None:
            return None
        tags.append((match.group(1) is not None, match.group(2)))
        at = match.end()
    return tags or None


def expected_version(if_match: str | None) -> int | None:
    """The version `If-Match` names; None for `*` (any) or no header."""
    if if_match is None or if_match.strip() == "*":
        return None
    tags = entity_tags(if_match)
    if tags is None:
        raise InvalidInput('If-Match is "*" or an ETag, e.g. "5"', field="If-Match")
    strong = {opaque for weak, opaque in tags if not weak}
    if len(strong) > 1:
        raise InvalidInput("If-Match names one ETag here", field="If-Match")
    version = strong.pop() if strong else ""
    if not version.isdigit() or len(version) > 18:
        raise PreconditionFailed("If-Match compares strongly: it names no version of this")
    return int(version)


def not_modified(if_none_match: str | None, version: int) -> bool:
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(opaque == str(version) for _, opaque in entity_tags(if_none_match) or [])


def unchanged(version: int) -> Response:
    return Response(status_code=NOT_MODIFIED, headers={"ETag": etag(version)})
