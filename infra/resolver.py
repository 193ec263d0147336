"""Name resolution for the webhook URL policy (services/notifications/urls.py)."""

from __future__ import annotations

import socket


def resolve(host: str, port: int) -> list[str]:
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in found})
