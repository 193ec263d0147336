"""Webhooks delivered to a real receiver on loopback, verified with `standardwebhooks`: signed,
thin, told only to whom may see, retried with the same id, disabled by a 410, and one
hanging receiver delays no other subscription."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator

import pytest
from standardwebhooks.webhooks import Webhook

from composition.bootstrap import build
from infra.clock import SettableClock
from infra.observability import REGISTRY
from infra.settings import Settings
from services.context import Viewer
from services.notifications.feed import NotificationFeed
from tests.conftest import METRICS, START, headers_for
from tests.e2e.audit_helpers import feed
from tests.e2e.helpers import arrest_diversion, enroll, refer, set_policy
from tests.e2e.notify_site import NotifySite, notify_site
from tests.e2e.test_forgetting import forget_body
from tests.integration.audit_support import Superuser

pytestmark = pytest.mark.e2e
PERSONAL = ("Test1", "Person", "1985-03-02", "P-00001", "housing", "3rd Ave", "Pine St")


@pytest.fixture
async def site(settings: Settings) -> AsyncIterator[NotifySite]:
    async with notify_site(settings) as built:
        yield built


async def diverted(site: NotifySite, n: int = 1) -> str:
    await set_policy(site.http, site.container)
    referral = await refer(site.http, site.container, arrest_diversion(n))
    return str(referral["participant_id"])


async def test_an_enrolment_reaches_the_referring_police_signed_thin_and_no_one_else(
    site: NotifySite,
) -> None:
    await site.subscribe("police", "spd", "/ok/spd", ["participant.enrolled"])
    await site.subscribe("police", "tpd", "/ok/tpd", ["participant.enrolled"])
    pid = await diverted(site)
    await enroll(site.http, site.container, pid)
    [got] = site.receiver.wait_for("/ok/spd", 1)
    site.caught_up()
    assert got.verified, got.headers
    assert got.json["type"] == "participant.enrolled"
    assert got.json["data"]["participant_id"] == pid
    assert got.json["data"]["diverted_charge_protected"] is True
    assert got.headers["webhook-id"].startswith("msg_")
    assert abs(int(got.headers["webhook-timestamp"]) - time.time()) < 60
    assert not any(name in got.body.decode() for name in PERSONAL)
    assert site.receiver.at("/ok/tpd", acknowledged=False) == []


async def test_a_receiver_answering_500_then_200_gets_the_same_webhook_id_again(
    site: NotifySite,
) -> None:
    made = await site.subscribe("police", "spd", "/flaky/spd", ["participant.enrolled"])
    pid = await diverted(site)
    await enroll(site.http, site.container, pid)
    site.receiver.wait_for("/flaky/spd", 1)
    tries = site.receiver.at("/flaky/spd", acknowledged=False)
    assert [t.status for t in tries] == [500, 200]
    assert tries[0].headers["webhook-id"] == tries[1].headers["webhook-id"]
    assert tries[0].body == tries[1].body
    spd = headers_for(site.container, "police", "spd")
    url = f"/v1/subscriptions/{made['subscription_id']}/deliveries"
    # The receiver sees the 200 before the service has written that attempt down.
    for _ in range(200):
        attempts = await site.http.get(url, headers=spd)
        assert attempts.status_code == 200, attempts.text
        if len(attempts.json()["items"]) == 2:
            break
        await asyncio.sleep(0.05)
    assert [a["status_code"] for a in attempts.json()["items"]] == [200, 500]


async def test_a_410_disables_the_subscription_and_nothing_more_is_sent(
    site: NotifySite,
) -> None:
    made = await site.subscribe("police", "spd", "/gone/spd", ["participant.enrolled"])
    pid = await diverted(site)
    await enroll(site.http, site.container, pid)
    spd = headers_for(site.container, "police", "spd")
    url = f"/v1/subscriptions/{made['subscription_id']}"
    for _ in range(200):
        state = (await site.http.get(url, headers=spd)).json()
        if state["status"] == "disabled":
            break
        await asyncio.sleep(0.05)
    assert state["status"] == "disabled", state
    other = await diverted(site, 2)
    await enroll(site.http, site.container, other)
    await asyncio.sleep(0.5)
    assert len(site.receiver.at("/gone/spd", acknowledged=False)) == 1


async def test_a_hanging_receiver_delays_no_other_subscription(site: NotifySite) -> None:
    site.receiver.hang_seconds = 10
    await site.subscribe("police", "spd", "/hang/spd", ["participant.enrolled"])
    await site.subscribe("police", "spd", "/ok/spd", ["participant.enrolled"])
    pid = await diverted(site)
    started = time.monotonic()
    await enroll(site.http, site.container, pid)
    [got] = site.receiver.wait_for("/ok/spd", 1, timeout=5)
    assert got.at - started < 1.5  # the hanging one waits its 2 s timeout, then retries
    assert site.receiver.at("/hang/spd") == []


async def test_during_a_rotation_both_secrets_sign(site: NotifySite) -> None:
    made = await site.subscribe("police", "spd", "/ok/spd", ["participant.enrolled"])
    spd = headers_for(site.container, "police", "spd")
    rotated = await site.http.post(
        f"/v1/subscriptions/{made['subscription_id']}/rotate-secret", headers=spd
    )
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != made["secret"]
    assert rotated.json()["rotating_until"] is not None
    pid = await diverted(site)
    await enroll(site.http, site.container, pid)
    [got] = site.receiver.wait_for("/ok/spd", 1)
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    for secret in (made["secret"], new):
        assert Webhook(secret).verify(got.body, got.headers)["type"] == "participant.enrolled"


async def test_the_pull_feed_carries_what_the_webhook_carried(site: NotifySite) -> None:
    await site.subscribe("police", "spd", "/ok/spd", ["participant.enrolled"])
    pid = await diverted(site)
    await enroll(site.http, site.container, pid)
    [got] = site.receiver.wait_for("/ok/spd", 1)
    spd = headers_for(site.container, "police", "spd")
    feed = await site.http.get("/v1/notifications", headers=spd)
    assert feed.status_code == 200, feed.text
    enrolled = [i for i in feed.json()["items"] if i["type"] == "participant.enrolled"]
    assert len(enrolled) == 1
    assert enrolled[0]["data"] == got.json["data"]
    assert enrolled[0]["timestamp"] == got.json["timestamp"]


async def test_the_pull_feed_pages_oldest_first_with_its_cursor(site: NotifySite) -> None:
    pid = await diverted(site)
    await enroll(site.http, site.container, pid)
    spd = headers_for(site.container, "police", "spd")
    seen, cursor = [], None
    for _ in range(3):
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = (await site.http.get("/v1/notifications", headers=spd, params=params)).json()
        seen += page["items"]
        cursor = page["next"]
        if cursor is None:
            break
    assert [i["type"] for i in seen] == ["legal_matter.opened", "participant.enrolled"]
    assert seen[0]["position"] < seen[1]["position"]
    assert cursor is None


async def test_metrics_count_deliveries_failures_and_lag_per_subscription(
    site: NotifySite,
) -> None:
    made = await site.subscribe("police", "spd", "/flaky/metrics", ["participant.enrolled"])
    pid = await diverted(site)
    await enroll(site.http, site.container, pid)
    site.receiver.wait_for("/flaky/metrics", 1)
    site.caught_up()
    text = (await site.http.get("/metrics", headers=METRICS)).text
    label = f'{{subscription="{made["subscription_id"]}"}}'
    assert f"lead_webhook_deliveries_total{label} 1.0" in text
    assert f"lead_webhook_failures_total{label} 1.0" in text
    assert f"lead_webhook_lag_seconds_count{label} 1.0" in text
    assert f"lead_webhook_position_lag{label}" in text


async def test_two_deliverers_share_the_subscriptions_and_send_each_once(
    site: NotifySite,
) -> None:
    """A second process (its own container and deliverer) on the same store: the leases let
    one deliverer at a time follow each subscription."""
    second = build(site.container.settings, clock=SettableClock(START))
    stopping = threading.Event()
    other = threading.Thread(
        target=second.notifications.deliverer.run_until, args=(stopping,), daemon=True
    )
    other.start()
    try:
        paths = [f"/ok/both-{n}" for n in range(4)]
        for path in paths:
            await site.subscribe("police", "spd", path, ["legal_matter.opened"])
        await set_policy(site.http, site.container)
        for n in range(1, 6):
            await refer(site.http, site.container, arrest_diversion(n))
        site.caught_up()
    finally:
        stopping.set()
        other.join(timeout=15)
        second.close()
    for path in paths:
        ids = [r.headers["webhook-id"] for r in site.receiver.at(path, acknowledged=False)]
        assert len(ids) == len(set(ids)) == 5, path


async def test_a_feed_page_out_of_time_still_moves_on_and_misses_nothing(
    site: NotifySite,
) -> None:
    for n in (1, 2, 3):
        pid = await diverted(site, n)
        await enroll(site.http, site.container, pid)
    notifications = site.container.notifications
    hurried = NotificationFeed(notifications.feed.log, notifications.feed.audience, 0)
    viewer = Viewer("spd-police", "spd", "police", "records-1")
    whole = notifications.feed.page(viewer, 0, 500).answer
    seen, cursor, pages = [], "0", 0
    while cursor is not None:
        page = hurried.page(viewer, int(cursor), 500).answer
        seen += page.items
        cursor, pages = page.next, pages + 1
    assert whole.next is None and len(whole.items) == 6
    assert [i.position for i in seen] == [i.position for i in whole.items]
    assert pages > 3  # each page ended early, each moved on


async def test_a_forgotten_persons_notification_is_never_sent_and_delivery_moves_on(
    site: NotifySite,
) -> None:
    """Owed but not yet acknowledged when the person is forgotten: never sent again, and the
    next person's notification is delivered (the step had failed on it for good)."""
    path = "/flaky/spd"
    site.receiver.flaky_failures[path] = 10**6  # the receiver is down
    await site.subscribe("police", "spd", path, ["participant.enrolled"])
    forgotten = await diverted(site)
    await enroll(site.http, site.container, forgotten)
    for _ in range(200):
        if site.receiver.at(path, acknowledged=False):
            break  # its first attempt failed
        await asyncio.sleep(0.05)
    assert site.receiver.at(path, acknowledged=False)
    pm = headers_for(site.container, "project_manager", "pcg", actor="pm-1")
    url = f"/v1/participants/{forgotten}/forget"
    done = await site.http.post(url, json=forget_body(), headers=pm)
    assert done.status_code == 201, done.text
    other = await diverted(site, 2)
    await enroll(site.http, site.container, other)
    with site.receiver.lock:
        site.receiver.flaky_failures[path] = 0  # the receiver is back
    [got] = site.receiver.wait_for(path, 1)
    site.caught_up()
    assert got.json["data"]["participant_id"] == other
    assert [r.json["data"]["participant_id"] for r in site.receiver.at(path)] == [other]


async def test_an_event_tampered_with_is_told_to_no_one_and_delivery_moves_on(
    site: NotifySite,
) -> None:
    """A superuser garbled a person's first event and their enrolment: the feed and the
    webhooks (which failed on it for good) skip what cannot be read, count it, and tell the
    next person's enrolment; the audit chain reports the tampering."""
    path = "/flaky/spd"
    site.receiver.flaky_failures[path] = 10**6  # the receiver is down
    await site.subscribe("police", "spd", path, ["participant.enrolled"])
    garbled = await diverted(site)
    await enroll(site.http, site.container, garbled)
    spd = headers_for(site.container, "police", "spd")
    before = await feed(site.http, spd)
    assert [i["type"] for i in before] == ["legal_matter.opened", "participant.enrolled"]
    recorder = site.container.store.recorder
    referred = next(
        n.id
        for n in recorder.select_notifications(1, 100)
        if str(n.originator_id) == garbled and n.originator_version == 1
    )
    superuser = Superuser(site.container.settings)
    for position in (referred, before[1]["position"]):
        superuser.set_state(position, b"garbage")
    unreadable = skipped()
    other = await diverted(site, 2)
    await enroll(site.http, site.container, other)
    with site.receiver.lock:
        site.receiver.flaky_failures[path] = 0  # the receiver is back
    site.receiver.wait_for(path, 1)
    site.caught_up()
    assert [r.json["data"]["participant_id"] for r in site.receiver.at(path)] == [other]
    after = await feed(site.http, spd)
    assert [(i["type"], i["data"]["participant_id"]) for i in after] == [
        ("legal_matter.opened", other),
        ("participant.enrolled", other),
    ]
    assert skipped() > unreadable
    pcg = await feed(site.http, headers_for(site.container, "project_manager", "pcg"))
    told = [i["data"]["participant_id"] for i in pcg if i["type"] == "participant.enrolled"]
    assert told == [other]


def skipped() -> float:
    """Events the notification log could not read, in this process so far."""
    where = {"where": "notification_event"}
    counted = REGISTRY.get_sample_value("lead_items_set_aside_total", where)
    return counted or 0.0
