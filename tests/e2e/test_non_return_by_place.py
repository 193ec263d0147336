"""Police ask whether a 24-hour non-return request is in force at a place (issue 16; toolkit:
"for a person or a location"): by coordinates and a radius of at most 5 km, or by words of the
location; only requests in force now; each answer through the disclosure table and accounted;
a query without a place, or a radius over 5 km, is a 422."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from infra.clock import SettableClock
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.audit_helpers import all_pages, auditor
from tests.e2e.helpers import arrest_diversion, refer, set_policy
from tests.e2e.legal_helpers import case_manager

pytestmark = pytest.mark.e2e

URL = "/v1/non-return-requests"
PINE = {"latitude": 47.61, "longitude": -122.34}  # the helper's arrest location


async def ask(
    http: httpx.AsyncClient, container: Container, agency: str = "tpd", **params: Any
) -> httpx.Response:
    headers = headers_for(container, "police", agency, actor="ofc-9")
    return await http.get(URL, params=params, headers=headers)


async def found(http: httpx.AsyncClient, container: Container, **params: Any) -> list[Any]:
    response = await ask(http, container, **params)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


async def diverted(http: httpx.AsyncClient, container: Container) -> dict[str, Any]:
    await set_policy(http, container)
    return await refer(http, container, arrest_diversion())


async def test_a_request_in_force_is_found_by_coordinates_and_by_words(
    http: httpx.AsyncClient, container: Container
) -> None:
    referral = await diverted(http, container)
    pid, position = referral["participant_id"], referral["position"]
    near = {"latitude": 47.612, "longitude": -122.341, "radius_m": 400, "min_position": position}
    [item] = await found(http, container, **near)
    assert item["participant_id"] == pid
    assert item["location"] == "3rd Ave and Pine St"
    assert item["person"] == {"given_name": "Test1", "family_name": "Person"}
    assert item["until"][:19] == referral["non_return"]["until"][:19]
    assert await found(http, container, latitude=47.70, longitude=-122.34, radius_m=5000) == []
    assert await found(http, container, latitude=47.612, longitude=-122.341, radius_m=100) == []
    assert [i["participant_id"] for i in await found(http, container, location="PINE st")] == [pid]
    assert await found(http, container, location="%") == []  # the words, not a pattern
    assert await found(http, container, location="Main St") == []
    disclosed = await all_pages(
        http, "/v1/audit/disclosures", auditor(container), participant_id=pid
    )
    by_place = [d for d in disclosed if d.get("detail") == "non-return at a place"]
    assert [(d["agency"], d["categories"]) for d in by_place] == [("tpd", ["non_return"])] * 2


async def test_only_requests_in_force_now(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    referral = await diverted(http, container)
    pid, position = referral["participant_id"], referral["position"]
    assert len(await found(http, container, location="pine", min_position=position)) == 1
    lifted = await http.post(
        f"/v1/participants/{pid}/non-return/exception",
        json={"agreed_by": "sgt-12", "reason": "medical appointment nearby"},
        headers=case_manager(container),
    )
    assert lifted.status_code == 201, lifted.text
    position = lifted.json()["position"]
    assert await found(http, container, location="pine", min_position=position) == []
    again = await refer(http, container, arrest_diversion(n=2))
    assert (
        len(await found(http, container, **PINE, radius_m=50, min_position=again["position"])) == 1
    )
    clock.advance(timedelta(hours=24))
    assert await found(http, container, **PINE, radius_m=50) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "location"),
        ({"latitude": 47.61, "longitude": -122.34}, "radius_m"),
        ({"latitude": 47.61, "radius_m": 100}, "longitude"),
        ({**PINE, "radius_m": 5001}, "radius_m"),
        ({**PINE, "radius_m": 0}, "radius_m"),
        ({**PINE, "radius_m": 100, "location": "pine"}, "location"),
        ({"location": "   "}, "location"),
    ],
)
async def test_a_place_is_required_and_the_radius_at_most_5_km(
    http: httpx.AsyncClient, container: Container, params: dict[str, Any], field: str
) -> None:
    response = await ask(http, container, **params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field


async def test_only_police_ask(http: httpx.AsyncClient, container: Container) -> None:
    for role in ("case_manager", "prosecutor", "community_partner", "defense", "court"):
        response = await http.get(
            URL, params={"location": "pine"}, headers=headers_for(container, role, "x")
        )
        assert response.status_code == 403, role
