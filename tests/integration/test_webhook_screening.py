"""A delivery opens its socket only to an address the URL policy screened at the connect
itself: a name an agency controls cannot pass the check with a public address and then
resolve to a loopback, private or metadata one (DNS rebinding) when the webhook is sent.
A real receiver on loopback stands for the internal service such a name would reach."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.receiver import Receiver, receiving
from infra.webhook_http import WebhookSender
from services.notifications.urls import UrlPolicy

pytestmark = pytest.mark.integration
BODY = '{"type":"participant.enrolled"}'
HEADERS = {"content-type": "application/json"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as listening:
        yield listening


def rebinding(*answers: str) -> UrlPolicy:
    """A policy whose name server answers each lookup with the next address, then the last."""
    left = list(answers)

    def resolve(_host: str, _port: int) -> list[str]:
        return [left.pop(0) if len(left) > 1 else left[0]]

    return UrlPolicy(resolve)


def test_a_name_that_moves_to_loopback_after_the_check_is_never_connected_to(
    receiver: Receiver,
) -> None:
    """`localhost` stands for the agency's name: the system's resolver (which a sender that
    looked the name up again would use) sends it to the receiver."""
    policy = rebinding("93.184.215.14", "127.0.0.1")
    url = f"http://localhost:{receiver.port}/ok/rebound"
    policy.check(url.replace("http", "https"), frozenset({"localhost"}))  # public, then
    sender = WebhookSender(2.0, policy.connectable)
    try:
        answer = sender.post(url, HEADERS, BODY)
    finally:
        sender.close()
    assert answer.status_code is None and "refused" in (answer.error or ""), answer
    assert receiver.at("/ok/rebound", acknowledged=False) == []  # no request reached it


def test_the_socket_goes_to_the_address_screened_not_to_a_second_lookup(
    receiver: Receiver,
) -> None:
    """The control: where loopback is allowed (development), the same name is delivered to
    the address the policy resolved; the system's resolver has never heard of the name."""
    allowed = UrlPolicy(lambda _host, _port: ["127.0.0.1"], allow_http_loopback=True)
    sender = WebhookSender(2.0, allowed.connectable)
    try:
        answer = sender.post(f"http://rebound.invalid:{receiver.port}/ok/x", HEADERS, BODY)
    finally:
        sender.close()
    assert answer.status_code == 200, answer
    [got] = receiver.at("/ok/x")
    assert got.headers["host"] == f"rebound.invalid:{receiver.port}"  # the name, as sent
