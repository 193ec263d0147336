"""AC-7 by delay as a table, and the per-request client check's cache: an answer is kept at
most its time to live, then the registry is asked again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from infra.client_checks import ClientChecks, still_allowed
from infra.clients import Client
from services.audit.throttle import delay_after, seconds_to_wait

pytestmark = pytest.mark.unit

WINDOW = timedelta(minutes=15)
T0 = datetime(2026, 12, 1, tzinfo=UTC)

# failures so far -> delay before the next try (5 free failures, 15-minute cap)
DELAYS = [
    (0, 0),
    (4, 0),
    (5, 1),
    (6, 2),
    (7, 4),
    (10, 32),
    (14, 512),
    (15, 900),
    (1000, 900),
]


@pytest.mark.parametrize(("failures", "seconds"), DELAYS)
def test_the_delay_doubles_after_the_free_failures_up_to_the_window(
    failures: int, seconds: int
) -> None:
    assert delay_after(failures, 5, WINDOW) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("failures", "elapsed", "wait"),
    [(4, 0, 0), (5, 0, 1), (5, 0.5, 1), (5, 1, 0), (6, 1, 1), (7, 3.2, 1), (7, 4, 0)],
)
def test_whole_seconds_to_wait_after_the_last_failure(
    failures: int, elapsed: float, wait: int
) -> None:
    now = T0 + timedelta(seconds=elapsed)
    assert seconds_to_wait(failures, T0, now, 5, WINDOW) == wait
    assert seconds_to_wait(failures, None, now, 5, WINDOW) == 0


class Registry:
    """A registry that counts how often it is asked."""

    def __init__(self) -> None:
        self.asked = 0
        self.client: Client | None = Client("c-1", "spd", "police")

    def get(self, client_id: str) -> Client | None:
        self.asked += 1
        return self.client if self.client and self.client.client_id == client_id else None


class Monotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_answer_is_kept_at_most_its_time_to_live() -> None:
    registry, monotonic = Registry(), Monotonic()
    checks = ClientChecks(registry, ttl=5, monotonic=monotonic)  # type: ignore[arg-type]
    assert checks.cached("c-1") is None
    assert checks.load("c-1").client == registry.client
    registry.client = Client("c-1", "spd", "police", disabled=True)  # disabled meanwhile
    monotonic.now += 4.9
    cached = checks.cached("c-1")
    assert cached is not None and cached.client is not None and not cached.client.disabled
    monotonic.now += 0.1
    assert checks.cached("c-1") is None  # 5 s on: asked again
    assert checks.load("c-1").client == registry.client
    assert registry.asked == 2


def test_the_cache_stays_bounded() -> None:
    registry = Registry()
    checks = ClientChecks(registry, ttl=5, max_entries=3)  # type: ignore[arg-type]
    for n in range(10):
        checks.load(f"forged-{n}")
    assert len(checks.known) <= 3


@pytest.mark.parametrize(
    ("client", "allowed"),
    [
        (None, False),
        (Client("c-1", "spd", "police"), True),
        (Client("c-1", "spd", "police", disabled=True), False),
        (Client("c-1", "spd", "police", generation=2), False),
        (Client("c-1", "kcso", "police"), False),
        (Client("c-1", "spd", "auditor"), False),
    ],
)
def test_what_a_token_must_agree_with(client: Client | None, allowed: bool) -> None:
    assert still_allowed(client, "spd", "police", 1) is allowed
