"""The accounting of disclosures: a scripted sequence of reads and shares, each accounted
for with who, when, what and why; nothing else, and nothing about anyone else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from domain.roles import ROLES
from infra.clock import SettableClock
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.audit_helpers import all_pages, auditor, diverted_and_enrolled, share
from tests.e2e.helpers import iso, refer, social_contact
from tests.e2e.legal_helpers import head, open_matter, queue

pytestmark = pytest.mark.e2e


async def scripted(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """Reads and shares a second apart; what the accounting must then say, in order."""
    pid = await diverted_and_enrolled(http, container, clock)
    await open_matter(http, container, pid, "pending_case", parties=["public-defender"])
    other = (await refer(http, container, social_contact(n=9)))["participant_id"]
    police = headers_for(container, "police", "spd", actor="badge-9", **{"X-Purpose": "field"})
    expected: list[tuple[str, dict[str, Any]]] = []

    async def step(action: Any, kind: str, **fields: Any) -> None:
        clock.advance(timedelta(seconds=1))
        response = await action
        assert response.status_code in (200, 201), response.text
        expected.append((kind, {"at": iso(clock.now())} | fields))

    await step(
        http.get(f"/v1/participants/{pid}", headers=police),
        "read",
        client_id="spd-police",
        agency="spd",
        role="police",
        actor="badge-9",
        purpose="field",
        endpoint="GET /v1/participants/{participant_id}",
        detail="",
    )
    lookup = {"identifier_system": "spd-person", "identifier_value": "P-00001"}
    cm = headers_for(container, "case_manager", "lead-cm", actor="cm-3")
    await step(
        http.get("/v1/participants", params=lookup, headers=cm),
        "read",
        role="case_manager",
        actor="cm-3",
        endpoint="GET /v1/participants",
    )
    moment = iso(clock.now())
    await step(
        http.get(f"/v1/participants/{pid}", params={"as_of": moment}, headers=auditor(container)),
        "read",
        role="auditor",
        detail=f"as_of={moment.replace('Z', '.000000Z')}",
    )
    defense = headers_for(container, "defense", "public-defender", actor="pd-2")
    await step(
        http.get(f"/v1/participants/{pid}/history", headers=defense),
        "read",
        role="defense",
        endpoint="GET /v1/participants/{participant_id}/history",
    )
    await step(
        share(http, container, pid, "spd", "engagement"),
        "share",
        role="case_manager",
        recipient_agency="spd",
        category="engagement",
    )
    refused = await share(http, container, pid, "kcso", "engagement")
    assert refused.status_code == 403  # the refused attempt disclosed nothing
    await http.get(f"/v1/participants/{other}", headers=police)  # someone else's record
    anonymous = headers_for(container, "project_manager", "pcg")
    del anonymous["X-Actor"]  # a read nobody answers for is refused, and discloses nothing
    refused_read = await http.get(f"/v1/participants/{pid}", headers=anonymous)
    assert refused_read.status_code == 400
    assert refused_read.json()["type"].endswith("/actor-required")
    await step(
        http.get(
            f"/v1/participants/{pid}", headers=headers_for(container, "project_manager", "pcg")
        ),
        "read",
        role="project_manager",
        actor="staff-1",
        purpose="",
    )
    return pid, expected


async def test_every_read_and_share_is_accounted_for(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    pid, expected = await scripted(http, container, clock)
    items = await all_pages(http, "/v1/audit/disclosures", auditor(container), participant_id=pid)
    assert [item["kind"] for item in items] == [kind for kind, _ in expected]
    for item, (_, fields) in zip(items, expected, strict=True):
        assert {k: item[k] for k in fields} == fields, item
    police_read = items[0]
    assert {"participation", "identity", "engagement", "referrals"} <= set(
        police_read["categories"]
    )
    assert "plan" not in police_read["categories"]  # the ROI does not give spd the plan
    assert "legal" not in police_read["categories"]  # nor the legal status
    defense_read = items[3]
    assert defense_read["categories"] == ["legal"]  # party to the pending case: that alone
    assert defense_read["detail"].startswith("history ")
    shared = items[4]
    assert shared["share_id"] and shared["summary"]
    assert isinstance(shared["position"], int)


async def test_the_accounting_pages(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    pid, expected = await scripted(http, container, clock)
    container.projector.run_until_caught_up()
    url = "/v1/audit/disclosures"
    whole = await all_pages(http, url, auditor(container), participant_id=pid)
    paged = await all_pages(http, url, auditor(container), participant_id=pid, limit=2)
    assert paged == whole
    assert len(whole) == len(expected)


async def test_the_accounting_is_for_auditors_and_checks_its_input(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    pid = await diverted_and_enrolled(http, container, clock)
    url = "/v1/audit/disclosures"
    for role in ROLES - {"auditor"}:
        response = await http.get(
            url, params={"participant_id": pid}, headers=headers_for(container, role, "x")
        )
        assert response.status_code == 403, role
    for params in (
        {},
        {"participant_id": "nope"},
        {"participant_id": pid, "cursor": "7"},
        {"participant_id": pid, "limit": 501},
    ):
        response = await http.get(url, params=params, headers=auditor(container))
        assert response.status_code == 422, params
    unknown = {"participant_id": "00000000-0000-4000-8000-000000000000"}
    assert (await http.get(url, params=unknown, headers=auditor(container))).status_code == 404


async def test_queue_entries_are_reads_of_the_participants_they_name(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    pid = (await refer(http, container, social_contact(n=3)))["participant_id"]
    await open_matter(http, container, pid, "pending_case")
    clock.advance(timedelta(seconds=1))
    page = await queue(http, container, min_position=head(container))
    assert [entry["participant_id"] for entry in page["items"]] == [pid]
    [read] = await all_pages(http, "/v1/audit/disclosures", auditor(container), participant_id=pid)
    assert read["endpoint"] == "GET /v1/queues/liaison-prosecutor"
    assert (read["role"], read["actor"]) == ("prosecutor", "dpa-7")
    assert read["categories"] == ["legal"]
