"""ASGI middleware: request ids, a body-size limit, access logs and request metrics."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_BASE
from infra.observability import LATENCY, REQUESTS

log = structlog.get_logger("lead.access")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class BodyTooLarge(Exception):
    """Raised inside the receive channel when a body passes the configured limit."""


class RequestMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        declared = headers.get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await self.too_large(send, request_id, scope)
            return
        status = {"code": 500}
        started = time.perf_counter()
        received = 0
        exceeded = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                exceeded = True
                raise BodyTooLarge
            return message

        async def send_with_id(message: Message) -> None:
            # A body without Content-Length passes the limit inside the app, which may catch
            # the error (FastAPI answers 400 "error parsing the body"): the answer is 413.
            if exceeded:
                if message["type"] == "http.response.start" and status["code"] != 413:
                    await self.too_large(send, request_id, scope)
                    status["code"] = 413
                return
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        except BodyTooLarge:
            if status["code"] != 413:
                await self.too_large(send, request_id, scope)
                status["code"] = 413
        finally:
            self.observe(scope, status["code"], time.perf_counter() - started)

    async def too_large(self, send: Send, request_id: str, scope: Scope) -> None:
        problem = {
            "type": PROBLEM_BASE + "payload-too-large",
            "title": "Payload too large",
            "status": 413,
            "detail": f"the request body exceeds {self.max_body_bytes} bytes",
            "instance": scope.get("path", ""),
        }
        body = json.dumps(problem).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-request-id", request_id.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def observe(scope: Scope, status: int, seconds: float) -> None:
        route: Any = scope.get("route")
        template = getattr(route, "path", "unmatched")
        method = scope.get("method", "")
        REQUESTS.labels(method, template, str(status)).inc()
        LATENCY.labels(method, template).observe(seconds)
        log.info(
            "request", method=method, path=template, status=status, ms=round(seconds * 1000, 2)
        )
