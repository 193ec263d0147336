"""The notification catalogue and the pure rules under it: which event makes which type, the
alert window, the backoff, stable webhook ids and secrets."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise, product
from uuid import uuid4

import pytest

from domain import alerts
from domain.notifications import (
    MAKERS,
    NotificationType,
    backoff_seconds,
    new_secret,
    webhook_id,
)
from tests.unit.builders import T0

pytestmark = pytest.mark.unit
DAYS = [1, 7, 14]
# (offset from the deadline in hours, due?) for a threshold of d days: due from d days before
# the deadline up to (not including) the deadline itself.
OFFSETS = [(-1e6, False), (-1, True), (0, False), (1, False)]


def test_the_alert_window_as_a_matrix() -> None:
    cases = 0
    for days, (hours, expected) in product(DAYS, OFFSETS):
        deadline = T0 + timedelta(days=30)
        now = deadline + timedelta(hours=hours) if hours > -1e6 else T0
        assert alerts.due(deadline, days, now) is expected, (days, hours)
        edge = deadline - timedelta(days=days)
        assert alerts.due(deadline, days, edge) is True
        assert alerts.due(deadline, days, edge - timedelta(seconds=1)) is False
        cases += 1
    assert cases == len(DAYS) * len(OFFSETS) == 12


def test_a_moved_deadline_or_another_threshold_is_another_alert() -> None:
    subject = uuid4()
    key = alerts.alert_key("intake", subject, T0, 7)
    assert key == alerts.alert_key("intake", subject, T0, 7)
    assert key != alerts.alert_key("intake", subject, T0 + timedelta(days=1), 7)
    assert key != alerts.alert_key("intake", subject, T0, 3)


def test_backoff_doubles_to_its_cap_and_covers_three_days() -> None:
    waits = [backoff_seconds(n, 5, 43_200) for n in range(1, 40)]
    assert waits[:4] == [5, 10, 20, 40]
    assert max(waits) == 43_200
    assert all(a <= b for a, b in pairwise(waits))
    assert sum(waits[:25]) > 3 * 86_400  # 25 attempts span more than 3 days


def test_webhook_ids_are_stable_per_subscription_and_position() -> None:
    sub = uuid4()
    assert webhook_id(sub, 5) == webhook_id(sub, 5)
    assert webhook_id(sub, 5) != webhook_id(sub, 6)
    assert webhook_id(sub, 5) != webhook_id(uuid4(), 5)


def test_secrets_are_standard_webhooks_secrets_of_enough_randomness() -> None:
    assert new_secret(b"\x00" * 32).startswith("whsec_")
    with pytest.raises(ValueError, match="24 random bytes"):
        new_secret(b"\x00" * 16)


def test_the_catalogue_produces_every_type_but_those_without_an_event_yet() -> None:
    produced = {maker.__name__ for maker in MAKERS.values()}
    assert len(MAKERS) == 9 and len(produced) == 8
    assert len(NotificationType) == 11
