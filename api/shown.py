"""The answers of reads of participant information: the sectioned views the disclosure policy
built, with only the fields it set (a section the caller may not see is absent, not null)."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def shown(view: BaseModel, headers: dict[str, str] | None = None) -> Response:
    """Serialised here, once; the route's `response_model` documents it."""
    body = view.model_dump_json(exclude_unset=True)
    return Response(body, media_type="application/json", headers=headers)
