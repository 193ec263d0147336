"""A real webhook receiver on loopback (tests, R11, the bench): a threaded HTTP server that
verifies every delivery with the `standardwebhooks` package (which nobody on this project
wrote) and answers as each path is told to: `/ok` 200, `/flaky` 500 then 200, `/gone` 410,
`/hang` never in time."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    verified: bool
    at: float  # monotonic
    wall: float  # time.time(), to compare with the event's commit time

    @property
    def json(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded


@dataclass
class Receiver:
    port: int = 0
    secrets: dict[str, str] = field(default_factory=dict)  # path -> whsec_ secret
    received: list[Received] = field(default_factory=list)
    flaky_failures: dict[str, int] = field(default_factory=dict)
    hang_seconds: float = 5.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def at(self, path: str, *, acknowledged: bool = True) -> list[Received]:
        with self.lock:
            return [
                r
                for r in self.received
                if r.path == path and (not acknowledged or 200 <= r.status < 300)
            ]

    def wait_for(self, path: str, count: int, timeout: float = 20) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.at(path)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return self.at(path)

    def answer(self, path: str) -> int:
        base = "/" + path.strip("/").split("/")[0]
        if base == "/gone":
            return 410
        if base == "/hang":
            self.release.wait(self.hang_seconds)
            return 200
        if base == "/flaky":
            with self.lock:
                left = self.flaky_failures.get(path, 1)
                self.flaky_failures[path] = left - 1
            return 500 if left > 0 else 200
        return 200

    def verify(self, path: str, headers: dict[str, str], body: bytes) -> bool:
        secret = self.secrets.get(path)
        if secret is None:
            return False
        try:
            Webhook(secret).verify(body, headers)
        except WebhookVerificationError:
            return False
        return True


def handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            # A sender killed mid-request (R11) leaves a body shorter than it announced: a
            # broken request, never an acknowledged delivery (nobody is there to read a 2xx).
            status = receiver.answer(self.path) if len(body) == length else 400
            verified = receiver.verify(self.path, headers, body)
            with receiver.lock:
                receiver.received.append(
                    Received(
                        self.path, headers, body, status, verified, time.monotonic(), time.time()
                    )
                )
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            return

    return Handler


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
