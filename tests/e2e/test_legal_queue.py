"""The liaison prosecutor's queue: a projection, read with the async engine, urgent first."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from infra.clock import SettableClock
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import at, enroll, refer, set_policy, social_contact
from tests.e2e.legal_helpers import decide, divert, head, open_matter, prosecutor, queue

pytestmark = pytest.mark.e2e


async def test_an_expired_diversion_enters_the_queue_and_an_enrolled_one_never_does(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    lapsing, matter_id = await divert(http, container, n=1)
    enrolled, _ = await divert(http, container, n=2)
    await enroll(http, container, enrolled)
    assert (await queue(http, container, min_position=head(container)))["items"] == []
    clock.advance(timedelta(days=31))
    assert container.deadlines.tick() == 1  # it catches up the deadlines only (issue 11)
    [entry] = (await queue(http, container, min_position=head(container)))["items"]
    assert (entry["matter_id"], entry["participant_id"]) == (matter_id, lapsing)
    assert (entry["kind"], entry["state"]) == ("diverted_charge", "referred_for_filing")
    assert (entry["reason"], entry["due_at"]) == ("intake_deadline_expired", at(days=30, hours=-2))
    filed = await decide(
        http, container, matter_id, "file", basis={"independent_source": "arrest report"}
    )
    assert filed.status_code == 201, filed.text
    assert (await queue(http, container, min_position=filed.json()["position"]))["items"] == []


async def test_a_hold_reappears_when_its_review_date_comes(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    await set_policy(http, container)
    participant_id = (await refer(http, container, social_contact()))["participant_id"]
    case = await open_matter(http, container, participant_id, "pending_case")
    [entry] = (await queue(http, container, min_position=case["position"]))["items"]
    assert entry["reason"] == "awaiting_decision"
    held = await decide(http, container, case["matter_id"], "hold", review_at=at(days=14))
    position = held.json()["position"]
    assert (await queue(http, container, min_position=position))["items"] == []
    clock.advance(timedelta(days=13, hours=23))
    assert (await queue(http, container))["items"] == []
    clock.advance(timedelta(hours=1))
    [entry] = (await queue(http, container))["items"]
    assert (entry["reason"], entry["due_at"], entry["state"]) == (
        "hold_review_due",
        at(days=14),
        "held",
    )
    released = await decide(http, container, case["matter_id"], "release_hold")
    [entry] = (await queue(http, container, min_position=released.json()["position"]))["items"]
    assert (entry["reason"], entry["state"]) == ("awaiting_decision", "awaiting_decision")


async def test_a_warrant_leaves_the_queue_once_quashed(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    participant_id = (await refer(http, container, social_contact()))["participant_id"]
    warrant = await open_matter(http, container, participant_id, "warrant", "W-26-0042")
    [entry] = (await queue(http, container, min_position=warrant["position"]))["items"]
    assert (entry["reason"], entry["case_number"]) == ("warrant_active", "W-26-0042")
    supported = await decide(http, container, warrant["matter_id"], "support_quash")
    assert supported.status_code == 201, supported.text
    [entry] = (await queue(http, container, min_position=supported.json()["position"]))["items"]
    assert (entry["state"], entry["reason"]) == ("quash_supported", "warrant_active")
    quashed = await decide(http, container, warrant["matter_id"], "quashed")
    assert quashed.json()["state"] == "quashed"
    assert (await queue(http, container, min_position=quashed.json()["position"]))["items"] == []


async def test_filters_and_cursor_paging(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    await set_policy(http, container)
    first = (await refer(http, container, social_contact(n=1)))["participant_id"]
    second = (await refer(http, container, social_contact(n=2)))["participant_id"]
    opened = []
    for n in range(5):
        clock.advance(timedelta(minutes=1))
        kind = "warrant" if n % 2 else "pending_case"
        owner = first if n < 3 else second
        opened.append((await open_matter(http, container, owner, kind, f"C-{n}"))["matter_id"])
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await queue(http, container, min_position=head(container), **params)
        assert len(page["items"]) <= 2
        seen += [item["matter_id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == opened  # longest due first
    only_second = await queue(http, container, participant_id=second)
    assert [i["matter_id"] for i in only_second["items"]] == opened[3:]
    warrants = await queue(http, container, reason="warrant_active")
    assert [i["matter_id"] for i in warrants["items"]] == [opened[1], opened[3]]


async def test_bad_queries_are_422(http: httpx.AsyncClient, container: Container) -> None:
    for params in [
        {"limit": 501},
        {"limit": 0},
        {"cursor": "not-a-cursor"},
        {"reason": "bored"},
        {"participant_id": "nope"},
        {"min_position": -1},
    ]:
        response = await http.get(
            "/v1/queues/liaison-prosecutor", params=params, headers=prosecutor(container)
        )
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_position_not_reached_in_time_is_503_with_retry_after(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    await refer(http, container, social_contact())
    container.read_side.freshness.wait_seconds = 0  # no time to catch up
    response = await http.get(
        "/v1/queues/liaison-prosecutor",
        params={"min_position": head(container)},
        headers=prosecutor(container),
    )
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"]
    assert response.json()["type"].endswith("/problems/projection-not-caught-up")


async def test_only_prosecutors_read_the_queue(
    http: httpx.AsyncClient, container: Container
) -> None:
    for role in ("police", "case_manager", "defense", "auditor", "project_manager"):
        response = await http.get(
            "/v1/queues/liaison-prosecutor", headers=headers_for(container, role, "x")
        )
        assert response.status_code == 403, role
