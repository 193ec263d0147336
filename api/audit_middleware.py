"""Records every permission-denied answer (403) in the authentication audit, with the caller
the token named, the source address and the route: after the answer has gone out."""

from __future__ import annotations

from typing import Any

import structlog
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.audit_deps import printable

log = structlog.get_logger(__name__)


class DeniedAudit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 0}

        async def watching(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watching)
        if status["code"] == 403:
            await self.record(scope)

    @staticmethod
    async def record(scope: Scope) -> None:
        caller: Any = scope.get("state", {}).get("caller")
        route = getattr(scope.get("route"), "path", scope.get("path", ""))
        client = scope.get("client")
        source = client[0] if client else "unknown"
        actor = dict(scope.get("headers") or []).get(b"x-actor", b"").decode("latin-1")
        try:
            audit = scope["app"].state.container.audit.authentication
            await run_in_threadpool(
                audit.denied,
                getattr(caller, "client_id", None) or "",
                getattr(caller, "agency", None) or "",
                getattr(caller, "role", None) or "",
                source,
                f"{scope.get('method', '')} {route}"[:200],
                printable(actor, 64),
            )
        except Exception:  # the answer is sent; a failed record must not break the server
            log.exception("denied_audit_failed")
