"""Webhook figures (issue 17), on PostgreSQL with a real receiver on loopback: the lag from
an event's commit to the receiver's 2xx (p50/p99) while referrals arrive one at a time, and
deliveries per second when a backlog of notifications is owed. One subscription (the
referring police, `legal_matter.opened`: one notification per arrest diversion)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from bench.harness import Figure
from bench.receiver import Receiver, receiving
from bench.site import percentile
from bench.write import META, adopt_policy, referral
from composition.bootstrap import build
from domain.notifications import NotificationType
from infra.settings import Settings
from services.container import Container
from services.context import RequestContext, Viewer
from services.notifications.subscriptions import NewSubscription
from services.referrals.referrals import ReferralCommand

PATH = "/ok/bench"


def subscribe(container: Container, receiver: Receiver) -> None:
    now = datetime.now(tz=UTC)
    container.agencies.register("spd", now)
    container.notifications.rows.allow_host("spd", "127.0.0.1", now)
    viewer = Viewer("bench-police", "spd", "police", "bench")
    wanted = NewSubscription(receiver.url(PATH), (NotificationType.LEGAL_MATTER_OPENED,))
    receiver.secrets[PATH] = container.notifications.subscriptions.create(viewer, wanted).secret


def refer(container: Container, n: str) -> None:
    person, value = referral(n)
    container.referrals.refer(RequestContext(META), ReferralCommand(person, value))


def lags_ms(receiver: Receiver) -> list[float]:
    found = []
    for got in receiver.at(PATH):
        committed = datetime.fromisoformat(got.json["timestamp"].replace("Z", "+00:00"))
        found.append((got.wall - committed.timestamp()) * 1000)
    return found


def live_lag(container: Container, receiver: Receiver, count: int, rate: float) -> list[float]:
    for n in range(count):
        refer(container, f"live-{n}")
        time.sleep(1 / rate)
    receiver.wait_for(PATH, count, timeout=60)
    return lags_ms(receiver)


def backlog_rate(container: Container, receiver: Receiver, count: int) -> float:
    """Notifications owed while no deliverer ran, then delivered as fast as it can."""
    before = len(receiver.at(PATH))
    for n in range(count):
        refer(container, f"backlog-{n}")
    with delivering(container):
        started = time.monotonic()
        receiver.wait_for(PATH, before + count, timeout=300)
        seconds = time.monotonic() - started
    return (len(receiver.at(PATH)) - before) / seconds


class delivering:  # noqa: N801 (a context manager used as a verb)
    def __init__(self, container: Container) -> None:
        self.stopping = threading.Event()
        deliverer = container.notifications.deliverer
        self.thread = threading.Thread(target=deliverer.run_until, args=(self.stopping,))

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)


def measure(
    settings: Settings, label: str = "1x", live: int = 200, backlog: int = 400
) -> list[Figure]:
    fast = {"webhook_allow_http_loopback": True, "notifier_poll_seconds": 0.05}
    container = build(settings.model_copy(update=fast))
    adopt_policy(settings)
    try:
        with receiving() as receiver:
            subscribe(container, receiver)
            with delivering(container):
                lags = live_lag(container, receiver, live, rate=10)
            rate = backlog_rate(container, receiver, backlog)
    finally:
        container.close()
    return [
        Figure(f"notification_lag_{label}_p50", percentile(lags, 0.5), "ms"),
        Figure(f"notification_lag_{label}_p99", percentile(lags, 0.99), "ms"),
        Figure(f"notification_deliveries_{label}", rate, "deliveries/s"),
    ]


if __name__ == "__main__":
    from bench.harness import postgres_database, print_table

    with postgres_database() as chosen:
        print_table(measure(chosen))
