"""Case managers join and leave (issue 16): the roster lists every one with `retired_at`; a
retired case manager takes no participants and leaves the capacity figures, on the write side
(the referral desk) and in the capacity view alike; retiring one who still carries
participants is a 409 naming how many."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from domain.roles import ROLES
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import refer, set_policy, social_contact
from tests.e2e.test_read_model_views import assign, case_manager

pytestmark = pytest.mark.e2e

SUPERVISOR = ("supervisor", "lead-cm")


async def staff(
    http: httpx.AsyncClient, container: Container, cm: str, action: str, role: str = "supervisor"
) -> httpx.Response:
    headers = headers_for(container, role, "lead-cm")
    return await http.post(f"/v1/case-managers/{cm}/{action}", headers=headers)


async def roster(http: httpx.AsyncClient, container: Container, position: int) -> Any:
    headers = headers_for(container, "police", "spd")
    response = await http.get(
        "/v1/case-managers", params={"min_position": position}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def capacity(http: httpx.AsyncClient, container: Container, position: int) -> Any:
    headers = headers_for(container, "police", "spd")
    response = await http.get("/v1/capacity", params={"min_position": position}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_retiring_needs_an_empty_caseload_and_leaves_the_figures(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    alex, sam = (
        await case_manager(http, container, "Alex"),
        await case_manager(http, container, "Sam"),
    )
    pid = (await refer(http, container, social_contact()))["participant_id"]
    await assign(http, container, pid, alex)
    busy = await staff(http, container, alex, "retire")
    assert busy.status_code == 409
    assert busy.json()["type"].endswith("/case-manager-has-participants")
    assert busy.json()["participants"] == 1
    assert "1 participant" in busy.json()["detail"]
    left = await staff(http, container, sam, "retire")
    assert left.status_code == 200, left.text
    assert left.json()["retired_at"] is not None
    listed = await roster(http, container, left.json()["position"])
    assert [(i["name"], i["caseload"], i["retired_at"] is None) for i in listed["items"]] == [
        ("Alex", 1, True),
        ("Sam", 0, False),
    ]
    figures = await capacity(http, container, left.json()["position"])
    assert [cm["name"] for cm in figures["case_managers"]] == ["Alex"]
    assert figures["average_caseload"] == 1  # not 0.5: Sam's empty caseload no longer counts
    other = (await refer(http, container, social_contact(n=2)))["participant_id"]
    refused = await http.post(
        f"/v1/participants/{other}/case-manager",
        json={"case_manager_id": sam},
        headers=headers_for(container, *SUPERVISOR),
    )
    assert (refused.status_code, refused.json()["type"].split("/")[-1]) == (
        409,
        "case-manager-retired",
    )
    assert (await staff(http, container, sam, "retire")).status_code == 409  # already
    back = await staff(http, container, sam, "reactivate", role="project_manager")
    assert (back.status_code, back.json()["retired_at"]) == (200, None)
    assert (await staff(http, container, sam, "reactivate")).status_code == 409  # active
    figures = await capacity(http, container, back.json()["position"])
    assert [cm["name"] for cm in figures["case_managers"]] == ["Alex", "Sam"]
    assert (await assign(http, container, other, sam)) > 0


async def test_a_departed_case_manager_no_longer_keeps_everyone_full_false(
    http: httpx.AsyncClient, container: Container
) -> None:
    """The toolkit's rule: decline when the average exceeds the threshold and a case manager
    would have to take more than the maximum. A departed case manager's empty caseload must
    not keep the site accepting."""
    await set_policy(http, container, caseload_max=2, caseload_average_threshold=1)
    alex = await case_manager(http, container, "Alex")
    sam = await case_manager(http, container, "Sam")
    for n in (1, 2):
        pid = (await refer(http, container, social_contact(n=n)))["participant_id"]
        await assign(http, container, pid, alex)
    accepted = await refer(http, container, social_contact(n=3))
    assert accepted["status"] == "referred"  # average 1 with Sam: not over the threshold
    left = await staff(http, container, sam, "retire")
    assert left.status_code == 200, left.text
    figures = await capacity(http, container, left.json()["position"])
    assert (figures["average_caseload"], figures["accepting_priority_referrals"]) == (2, False)
    declined = await refer(http, container, social_contact(n=4))
    assert (declined["status"], declined["decline_reason"]) == ("declined", "capacity")
    await staff(http, container, sam, "reactivate")
    assert (await refer(http, container, social_contact(n=5)))["status"] == "referred"


async def test_who_may_list_retire_and_reactivate(
    http: httpx.AsyncClient, container: Container
) -> None:
    cm = await case_manager(http, container, "Alex")
    for role in sorted(ROLES):
        listed = await http.get("/v1/case-managers", headers=headers_for(container, role, "x"))
        assert listed.status_code == (403 if role == "community_partner" else 200), role
        if role not in ("supervisor", "project_manager"):
            assert (await staff(http, container, cm, "retire", role=role)).status_code == 403
    unknown = "00000000-0000-4000-8000-000000000001"
    assert (await staff(http, container, unknown, "retire")).status_code == 404
    assert (await staff(http, container, "not-an-id", "retire")).status_code == 422
