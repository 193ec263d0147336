"""Where a webhook may point: https to a host the operator allowed for the agency
(`leadctl agencies allow-webhook-host`), resolving only to public addresses; http to a
loopback host only when `LEAD_WEBHOOK_ALLOW_HTTP_LOOPBACK` is set (development, tests). Checked
when a subscription is made and again before every delivery (a name may move), and every
address is screened again at the connect itself (`connectable`, `infra/webhook_http.py`)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.errors import WebhookUrlRefused

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str, int], Iterable[str]]  # host, port -> addresses
LOOPBACK_NAMES = frozenset({"localhost"})
MAX_URL = 2000


@dataclass(frozen=True)
class UrlPolicy:
    resolve: Resolve
    allow_http_loopback: bool = False

    def check(self, url: str, allowed_hosts: frozenset[str]) -> str:
        """The URL, if a subscription may send to it; else WebhookUrlRefused."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if len(url) > MAX_URL or not host or parts.username or parts.password:
            raise WebhookUrlRefused("the URL must be an absolute URL with a host and no user")
        if parts.scheme not in ("https", "http"):
            raise WebhookUrlRefused("a webhook URL is https")
        if host not in allowed_hosts:
            raise WebhookUrlRefused(
                f"the operator has not allowed the host {host!r} for this agency"
            )
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise WebhookUrlRefused("the URL's port is not a number") from None
        addresses = self.addresses(host, port)
        loopback = all(address.is_loopback for address in addresses)
        if parts.scheme == "http" and not (loopback and self.allow_http_loopback):
            raise WebhookUrlRefused("a webhook URL is https (http only to loopback, when allowed)")
        self.screened(addresses)
        return url

    def connectable(self, host: str, port: int) -> list[str]:
        """The addresses a delivery to an allowed host may open its socket to, resolved now:
        every one must pass, as at `check`; else WebhookUrlRefused."""
        return [str(address) for address in self.screened(self.addresses(host, port))]

    def screened(self, addresses: list[Address]) -> list[Address]:
        """Public addresses, or loopback ones only, when the site allows http to loopback."""
        if not (self.allow_http_loopback and all(a.is_loopback for a in addresses)):
            self.check_public(addresses)
        return addresses

    def addresses(self, host: str, port: int) -> list[Address]:
        try:
            found = [ipaddress.ip_address(a.split("%")[0]) for a in self.resolve(host, port)]
        except (OSError, ValueError):
            raise WebhookUrlRefused(f"the host {host!r} does not resolve") from None
        if not found:
            raise WebhookUrlRefused(f"the host {host!r} does not resolve")
        return found

    @staticmethod
    def check_public(addresses: list[Address]) -> None:
        for address in addresses:
            if not address.is_global or address.is_multicast:
                raise WebhookUrlRefused(
                    f"the host resolves to {address}, a private, loopback, link-local or "
                    "metadata address"
                )
