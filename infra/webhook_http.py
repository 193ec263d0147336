"""Sending one webhook (Standard Webhooks 1.0): signed by the `standardwebhooks` package with
every secret in force (two during a rotation), posted with bounded timeouts, redirects never
followed (a 3xx is a failure: a receiver must not steer the service elsewhere), and the socket
opened only to an address the URL policy screened at that moment (`ScreenedBackend`)."""

from __future__ import annotations

import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import httpcore
import httpx
from standardwebhooks.webhooks import Webhook

# host, port -> the addresses a delivery may open a socket to; raises when it may open none
Screen = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no answer (timeout, refused, reset)
    error: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signed_headers(
    secrets: Sequence[str], message_id: str, at: datetime, body: str
) -> dict[str, str]:
    signatures = " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
        "user-agent": "lead-service-webhooks/1",
    }


class ScreenedBackend(httpcore.SyncBackend):
    """Each connection resolves its host here, once, has every address screened, and opens
    the socket to a screened address. A name that moves between the policy's check and the
    connect (DNS rebinding) cannot steer a delivery to a private, loopback or metadata
    address. TLS still verifies the certificate against the name: httpcore sends the URL's
    host as SNI, whatever address the socket was opened to."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self.screen(host, port)
        except Exception as refused:  # noqa: BLE001 (a refusal is a failed connect)
            raise httpcore.ConnectError(f"refused: {refused}") from None
        failed: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failed = exc
        raise failed or httpcore.ConnectError(f"no address to connect to for {host!r}")


class ScreenedTransport(httpx.HTTPTransport):
    """httpx's own transport (its request and response mapping) over a pool whose every
    connection goes through `ScreenedBackend`."""

    def __init__(self, screen: Screen) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=ScreenedBackend(screen),
        )


class WebhookSender:
    def __init__(self, timeout_seconds: float, screen: Screen) -> None:
        timeout = httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 5.0))
        self.client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            transport=ScreenedTransport(screen),
        )

    def post(self, url: str, headers: dict[str, str], body: str) -> Answer:
        try:  # streamed and never read: a receiver's answer body is not the service's load
            with self.client.stream(
                "POST", url, content=body.encode(), headers=headers
            ) as response:
                status = response.status_code
        except httpx.TimeoutException:
            return Answer(None, "timed out")
        except httpx.HTTPError as exc:
            return Answer(None, f"{type(exc).__name__}: {str(exc)[:200]}")
        error = None if 200 <= status < 300 else f"HTTP {status}"
        return Answer(status, error)

    def close(self) -> None:
        self.client.close()
