"""A participant's history (every context, global order, paged) and the participant as known
at a moment, over HTTP on both stores."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from domain.roles import ROLES
from infra.clock import SettableClock
from services.container import Container
from tests.conftest import START, headers_for
from tests.e2e.audit_helpers import all_pages, auditor, diverted_and_enrolled, get_json, share
from tests.e2e.helpers import iso, refer, social_contact

pytestmark = pytest.mark.e2e

HISTORY_ROLES = {"auditor", "project_manager", "defense"}


async def test_history_holds_every_context_in_global_order(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    participant_id = await diverted_and_enrolled(http, container, clock)
    other = (await refer(http, container, social_contact(n=2)))["participant_id"]
    assert (await share(http, container, participant_id, "spd", "engagement")).status_code == 201
    url = f"/v1/participants/{participant_id}/history"
    items = await all_pages(http, url, auditor(container))
    types = [item["type"] for item in items]
    for expected in (
        "Participant.Referred",
        "IdentifierClaim.Claimed",
        "LegalMatter.Opened",
        "Participant.IntakeCompleted",
        "Participant.RoiSigned",
        "Participant.Enrolled",
        "LegalMatter.ChargeNotFiled",
        "Coordination.InformationShared",
    ):
        assert expected in types, types
    assert types[0] == "Participant.Referred"
    positions = [item["position"] for item in items]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)
    assert all(item["stream_id"] != other for item in items)
    referred = items[0]
    assert referred["actor"] == "staff-1"
    assert (referred["client_id"], referred["agency"], referred["role"]) == (
        "spd-police",
        "spd",
        "police",
    )
    assert referred["occurred_at"].endswith("Z")
    assert referred["recorded_at"] == iso(START + timedelta(minutes=1))
    assert referred["data"]["person"]["given_name"] == "Test1"


async def test_history_pages_and_reads_the_same_from_the_index(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    participant_id = await diverted_and_enrolled(http, container, clock)
    url = f"/v1/participants/{participant_id}/history"
    live = await all_pages(http, url, auditor(container))  # index empty: all read live
    assert len(live) >= 7
    container.projector.run_until_caught_up()
    first = await get_json(http, url, auditor(container), limit=3)
    assert len(first["items"]) == 3
    assert first["next"] == str(first["items"][-1]["position"])
    assert await all_pages(http, url, auditor(container), limit=3) == live


async def test_history_is_for_auditors_project_managers_and_defense(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    """A defender with no relation to the person (no matter it is party to, no ROI, no Golden
    Rule flag) gets a 404, as for an unknown id; tests/e2e/test_disclosure_matrix.py holds
    what a related one sees."""
    participant_id = await diverted_and_enrolled(http, container, clock)
    for role in ROLES:
        response = await http.get(
            f"/v1/participants/{participant_id}/history",
            headers=headers_for(container, role, "some-agency"),
        )
        expected = 403 if role not in HISTORY_ROLES else 404 if role == "defense" else 200
        assert response.status_code == expected, role


async def test_history_refuses_bad_input_and_unknown_participants(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    participant_id = await diverted_and_enrolled(http, container, clock)
    url = f"/v1/participants/{participant_id}/history"
    for params in ({"limit": 0}, {"limit": 501}, {"cursor": "abc"}, {"cursor": "-1"}):
        response = await http.get(url, params=params, headers=auditor(container))
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"
    assert (
        await http.get("/v1/participants/not-a-uuid/history", headers=auditor(container))
    ).status_code == 422
    unknown = "/v1/participants/00000000-0000-4000-8000-000000000000/history"
    assert (await http.get(unknown, headers=auditor(container))).status_code == 404


async def test_as_of_shows_the_record_as_known_then(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    participant_id = await diverted_and_enrolled(http, container, clock)
    url = f"/v1/participants/{participant_id}"

    async def as_of(minutes: float) -> httpx.Response:
        moment = iso(START + timedelta(minutes=minutes))
        return await http.get(url, params={"as_of": moment}, headers=auditor(container))

    assert (await as_of(0.5)).status_code == 404  # before the referral was recorded
    referred = (await as_of(1.5)).json()
    assert referred["status"] == "referred"
    assert referred["plan"] is None
    assert [m["state"] for m in referred["legal_matters"]] == ["diverted"]
    enrolled = (await as_of(2.5)).json()
    assert enrolled["status"] == "enrolled"
    assert enrolled["plan"]["summary"] == "housing"
    assert [m["state"] for m in enrolled["legal_matters"]] == ["not_filed"]
    current = await get_json(http, url, auditor(container))
    assert current["version"] == enrolled["version"]
    police = await http.get(
        url, params={"as_of": iso(START)}, headers=headers_for(container, "police", "spd")
    )
    assert police.status_code == 403
    bad = await http.get(url, params={"as_of": "yesterday"}, headers=auditor(container))
    assert bad.status_code == 422
