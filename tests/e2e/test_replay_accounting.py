"""An idempotent replay hands the first answer to whoever replays it: the replaying actor is
recorded (authentication audit) and, when the answer names a participant, so is the
disclosure, instead of crediting the first request's actor."""

from __future__ import annotations

import httpx
import pytest

from services.container import Container
from tests.conftest import headers_for
from tests.e2e.audit_helpers import all_pages, auditor
from tests.e2e.helpers import set_policy, social_contact

pytestmark = pytest.mark.e2e


async def test_a_replay_is_recorded_with_the_replaying_actor(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    body = social_contact()
    first = await http.post(
        "/v1/referrals",
        json=body,
        headers=headers_for(container, "police", "spd", "badge-1", **{"Idempotency-Key": "k-1"}),
    )
    again = await http.post(
        "/v1/referrals",
        json=body,
        headers=headers_for(container, "police", "spd", "badge-2", **{"Idempotency-Key": "k-1"}),
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()

    events = await all_pages(http, "/v1/audit/authentication", auditor(container))
    [replayed] = [e for e in events if e["outcome"] == "replayed"]
    assert (replayed["client_id"], replayed["actor"], replayed["source"]) == (
        "spd-police",
        "badge-2",
        "127.0.0.1",
    )
    assert replayed["detail"] == "POST /v1/referrals: the first answer replayed"

    participant_id = first.json()["participant_id"]
    disclosures = await all_pages(
        http, "/v1/audit/disclosures", auditor(container), participant_id=participant_id
    )
    [read] = [d for d in disclosures if d["kind"] == "read"]
    assert (read["actor"], read["detail"], read["endpoint"]) == (
        "badge-2",
        "idempotent replay",
        "POST /v1/referrals",
    )
    # The accounting's sections (issue 13): the referral, and the status its referrer may see.
    assert read["categories"] == ["participation", "referrals"]


async def test_a_first_answer_is_not_a_replay(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    headers = headers_for(container, "police", "spd", **{"Idempotency-Key": "k-2"})
    assert (
        await http.post("/v1/referrals", json=social_contact(), headers=headers)
    ).status_code == 201
    events = await all_pages(http, "/v1/audit/authentication", auditor(container))
    assert [e for e in events if e["outcome"] == "replayed"] == []
