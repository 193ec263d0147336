"""ASGI middleware at the edge: security headers on every answer, and bodies with absurdly
many JSON members refused before validation.

`Cache-Control: no-store` on every `/v1` answer (participant data, tokens, errors, 304s and
413s alike: nothing here belongs in a shared or browser cache) and `nosniff` everywhere.

A 1 MB body of 60,000 unknown keys made pydantic build 60,000 errors (0.7 s of CPU, a 5.5 MB
answer). A cheap upper bound on the members (object keys and array items) — the count of
`:`, `,` and `[` bytes — lets almost every body through untouched; only a body over the
bound is parsed and counted exactly, and refused with one short 422 when it is really over."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = [(b"x-content-type-options", b"nosniff")]
        if scope["path"].startswith("/v1"):
            added.append((b"cache-control", b"no-store"))
        replaced = {name for name, _ in added}

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                kept = [(name, value) for name, value in headers if name.lower() not in replaced]
                message["headers"] = kept + added
            await send(message)

        await self.app(scope, receive, with_headers)


class JsonMemberLimit:
    def __init__(self, app: ASGIApp, max_members: int) -> None:
        self.app = app
        self.max_members = max_members

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS or not is_json(scope):
            await self.app(scope, receive, send)
            return
        body = await whole_body(receive)
        if too_many_members(body, self.max_members):
            detail = f"the JSON body has more than {self.max_members} members (keys and items)"
            refusal = problem(
                422,
                "body-too-complex",
                "Request body too complex",
                detail,
                errors=[{"field": "body", "message": detail, "type": "too_many_members"}],
            )
            await refusal(scope, receive, send)
            return
        await self.app(scope, replaying(body, receive), send)


def is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers") or []:
        if name == b"content-type":
            return b"json" in value.lower()
    return False


async def whole_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def too_many_members(body: bytes, limit: int) -> bool:
    if body.count(b":") + body.count(b",") + body.count(b"[") <= limit:
        return False
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return False  # not JSON this limit can judge: the app answers 400 or 422
    return members(document, limit) > limit


def members(document: Any, limit: int) -> int:
    """Object keys and array items at every depth; stops counting past `limit`."""
    count, stack = 0, [document]
    while stack and count <= limit:
        node = stack.pop()
        if isinstance(node, dict):
            count += len(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            count += len(node)
            stack.extend(node)
    return count
