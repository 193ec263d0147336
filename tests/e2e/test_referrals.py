"""Referrals through every door, over HTTP."""

from __future__ import annotations

import httpx
import pytest

from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import (
    ASSAULT,
    arrest_diversion,
    refer,
    set_policy,
    social_contact,
)

pytestmark = pytest.mark.e2e


async def test_arrest_diversion_sets_deadline_and_non_return(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container, intake_deadline_days=30, non_return_hours=24)
    body = await refer(http, container, arrest_diversion())
    assert body["status"] == "referred"
    assert body["intake_deadline"] == "2026-12-24T10:00:00Z"  # referred_at + 30 days
    assert body["non_return"] == {
        "location": "3rd Ave and Pine St",
        "until": "2026-11-25T11:00:00Z",
    }  # released_at + 24 h
    assert body["position"] > 0


async def test_charge_not_divertible_is_a_422_and_records_nothing(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    before = container.store.recorder.max_notification_id()
    body = arrest_diversion()
    body["arrest"]["charges"] = [ASSAULT]
    response = await http.post(
        "/v1/referrals", json=body, headers=headers_for(container, "police", "spd")
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/problems/charge-not-divertible")
    assert container.store.recorder.max_notification_id() == before


async def test_exclusion_needs_an_override(http: httpx.AsyncClient, container: Container) -> None:
    await set_policy(http, container)
    body = arrest_diversion()
    body["arrest"]["exclusions"] = ["violent_felony_5y"]
    police = headers_for(container, "police", "spd")
    refused = await http.post("/v1/referrals", json=body, headers=police)
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/problems/exclusion-not-overridden")
    body["exclusion_override"] = {"by": "Sgt. Example #4411", "reason": "old conviction, stable"}
    accepted = await http.post("/v1/referrals", json=body, headers=police)
    assert accepted.status_code == 201
    assert accepted.json()["status"] == "referred"


async def test_social_contact_needs_both_criteria_and_has_no_deadline(
    http: httpx.AsyncClient, container: Container
) -> None:
    police = headers_for(container, "police", "spd")
    missing = social_contact(
        criteria={"chronic_law_violations": True, "public_expectation_of_response": False}
    )
    refused = await http.post("/v1/referrals", json=missing, headers=police)
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/problems/criteria-not-met")
    accepted = await refer(http, container, social_contact())
    assert accepted["intake_deadline"] is None
    assert accepted["non_return"] is None


async def test_community_referral_by_a_partner(
    http: httpx.AsyncClient, container: Container
) -> None:
    body = social_contact(door="community", referring_organization="Downtown Food Bank")
    result = await refer(http, container, body, role="community_partner", agency="foodbank")
    assert result["status"] == "referred"


async def test_door_must_match_role(http: httpx.AsyncClient, container: Container) -> None:
    body = social_contact(door="community", referring_organization="x")
    response = await http.post(
        "/v1/referrals", json=body, headers=headers_for(container, "police", "spd")
    )
    assert response.status_code == 403


async def test_re_referral_by_identifier_goes_to_the_same_participant(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    first = await refer(http, container, arrest_diversion(n=7))
    second = await refer(http, container, social_contact(n=7))
    assert second["participant_id"] == first["participant_id"]
    found = await http.get(
        "/v1/participants",
        headers=headers_for(container, "police", "spd"),
        params={"identifier_system": "spd-person", "identifier_value": "P-00007"},
    )
    assert [p["participant_id"] for p in found.json()["items"]] == [first["participant_id"]]
    assert found.json()["next"] is None


async def test_referral_for_unknown_participant_is_404(
    http: httpx.AsyncClient, container: Container
) -> None:
    body = social_contact(participant_id="00000000-0000-4000-8000-000000000000")
    response = await http.post(
        "/v1/referrals", json=body, headers=headers_for(container, "police", "spd")
    )
    assert response.status_code == 404


async def test_declined_for_capacity_is_still_recorded(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container, caseload_max=2, caseload_average_threshold=1)
    sup = headers_for(container, "supervisor", "lead-cm")
    cm = (await http.post("/v1/case-managers", json={"name": "Alex"}, headers=sup)).json()
    for n in (1, 2):
        taken = await refer(http, container, social_contact(n=n))
        assigned = await http.post(
            f"/v1/participants/{taken['participant_id']}/case-manager",
            json={"case_manager_id": cm["case_manager_id"]},
            headers=sup,
        )
        assert assigned.status_code == 200, assigned.text
        fresh = {"min_position": assigned.json()["position"]}  # read-your-writes
        if n == 1:  # average 1 is not above the threshold: post-filing already stopped
            capacity = (await http.get("/v1/capacity", headers=sup, params=fresh)).json()
            assert capacity["accepting_priority_referrals"] is True
            assert capacity["accepting_post_filing_referrals"] is False
    capacity = (await http.get("/v1/capacity", headers=sup, params=fresh)).json()
    assert capacity["average_caseload"] == 2
    assert capacity["accepting_priority_referrals"] is False
    declined = await refer(http, container, social_contact(n=3))
    assert declined["status"] == "declined"
    assert declined["decline_reason"] == "capacity"
    view = await http.get(
        f"/v1/participants/{declined['participant_id']}",
        headers=headers_for(container, "auditor", "audit"),
    )
    assert view.json()["status"] == "declined"
    assert view.json()["referrals"][0]["decline_reason"] == "capacity"
