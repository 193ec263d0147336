"""The reader of a participant's data, as the accounting of disclosures records it."""

# No "from __future__ import annotations": FastAPI must see the closures' Depends objects.

import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from api.deps import ActorHeader, allow
from api.security import Caller
from services.context import Viewer

NOT_PRINTABLE = re.compile(r"[^\x20-\x7e]")


def printable(value: str | None, limit: int) -> str:
    """Optional headers on reads are recorded as sent, never refused: a read must not fail
    over how its purpose was spelt."""
    return NOT_PRINTABLE.sub("?", value or "").strip()[:limit]


def viewer_for(*roles: str) -> Callable[..., Coroutine[Any, Any, Viewer]]:
    role_check = allow(*roles)

    async def build(
        request: Request,
        caller: Annotated[Caller, Depends(role_check)],
        actor: ActorHeader,
        x_purpose: Annotated[
            str | None,
            Header(description="Why the data is read (recorded with the read)"),
        ] = None,
    ) -> Viewer:
        route = getattr(request.scope.get("route"), "path", request.url.path)
        return Viewer(
            client_id=caller.client_id,
            agency=caller.agency,
            role=caller.role,
            actor=actor,
            purpose=printable(x_purpose, 200),
            endpoint=f"{request.method} {route}",
        )

    return build
