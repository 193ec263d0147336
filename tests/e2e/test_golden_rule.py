"""The Golden Rule compliance view over HTTP: one flag per rule, with the events behind it,
no flag for an independent source, reviews as events, roles and bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from infra.clock import SettableClock
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.audit_helpers import feed
from tests.e2e.helpers import at, enroll, refer, set_policy, social_contact
from tests.e2e.legal_helpers import case_manager, decide, divert, head, topic_at
from tests.e2e.test_legal_adverse_actions import act, enrolled, shared

pytestmark = pytest.mark.e2e

URL = "/v1/compliance/golden-rule"


def defender(container: Container, **extra: str) -> dict[str, str]:
    return headers_for(container, "defense", "tdo", actor="pd-3", **extra)


async def flags(
    http: httpx.AsyncClient, container: Container, **params: Any
) -> list[dict[str, Any]]:
    params.setdefault("min_position", head(container))
    response = await http.get(URL, params=params, headers=defender(container))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def told_flags(
    http: httpx.AsyncClient, container: Container, role: str = "defense", agency: str = "tdo"
) -> list[tuple[str, str, str, str]]:
    """The flags the caller's notification feed told of: (participant, flag, rule, status)."""
    items = await feed(http, headers_for(container, role, agency))
    return [
        (item["data"]["participant_id"], flag["flag_id"], flag["rule"], flag["status"])
        for item in items
        if item["type"] == "golden_rule.flag_raised"
        for flag in item["data"]["flags"]
    ]


def as_told(flag: dict[str, Any]) -> tuple[str, str, str, str]:
    return (flag["participant_id"], flag["flag_id"], flag["rule"], flag["status"])


async def test_a_refused_share_is_flagged_with_the_attempt(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await enrolled(http, container)
    refused = await http.post(
        f"/v1/participants/{participant_id}/information-shares",
        json={
            "recipient_agency": "dept-corrections",
            "category": "engagement",
            "summary": "x",
            "shared_at": at(minutes=-1),
        },
        headers=case_manager(container),
    )
    assert refused.status_code == 403
    [flag] = await flags(http, container)
    assert flag["rule"] == "information_shared_outside_roi"
    assert flag["participant_id"] == participant_id
    assert flag["events"] == [refused.json()["position"]]
    assert (flag["status"], flag["detail"]["reason"]) == ("open", "agency_not_named")
    assert flag["raised_at"].endswith("Z")


async def test_adverse_actions_by_basis(http: httpx.AsyncClient, container: Container) -> None:
    participant_id = await enrolled(http, container)
    share_id = await shared(http, container, participant_id)
    share_position = head(container)
    cases = {
        "lead": {"lead_information_refs": [share_id]},
        "claimed": {"lead_information_refs": [share_id], "exceptional_circumstances": "threat"},
        "beside": {"lead_information_refs": [share_id], "independent_source": "911 call"},
        "independent": {"independent_source": "911 call"},
        "none": None,
    }
    positions = {}
    for name, basis in cases.items():
        response = await act(http, container, participant_id, basis)
        assert response.status_code == 201, response.text
        positions[name] = response.json()["position"]
    found = {f["events"][-1]: f for f in await flags(http, container)}
    flagged = {positions[name] for name in ("lead", "claimed", "beside", "none")}
    assert set(found) == flagged  # an independent source alone raises nothing
    lead, claimed, beside = (found[positions[n]] for n in ("lead", "claimed", "beside"))
    assert {f["rule"] for f in (lead, claimed, beside)} == {"adverse_action_cites_lead_information"}
    assert lead["events"] == [share_position, positions["lead"]]
    # DOMAIN.md, "How a flag reads": citing LEAD information is for a person's judgment, even
    # with an independent source beside it; no basis at all is a violation on its face.
    assert {f["status"] for f in (lead, claimed, beside)} == {"review"}
    assert beside["detail"]["independent_source_claimed"] is True
    none = found[positions["none"]]
    assert (none["rule"], none["status"]) == ("adverse_action_without_basis", "open")


async def test_a_case_manager_subpoena_is_flagged(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await enrolled(http, container)
    basis = {"independent_source": "probation file"}
    response = await act(http, container, participant_id, basis, kind="case_manager_subpoena")
    assert response.status_code == 201, response.text
    [flag] = await flags(http, container, rule="case_manager_subpoenaed")
    assert flag["events"] == [response.json()["position"]]


async def test_a_diverted_charge_filed_then_the_person_enrolled(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    participant_id, matter_id = await divert(http, container)
    clock.advance(timedelta(days=31))
    assert container.deadlines.tick() == 1
    filing = await decide(
        http, container, matter_id, "file", basis={"independent_source": "victim statement"}
    )
    assert filing.status_code == 201, filing.text
    assert await flags(http, container) == []
    await enroll(http, container, participant_id)
    [flag] = await flags(http, container)
    assert flag["rule"] == "diverted_charge_filed_for_enrolled_person"
    assert flag["participant_id"] == participant_id
    assert flag["events"][0] == filing.json()["position"]
    assert flag["detail"]["matter_id"] == matter_id
    # told as the view reads it: to defense, not to the police
    assert await told_flags(http, container) == [as_told(flag)]
    assert await told_flags(http, container, "police", "spd") == []


async def test_a_post_filing_referral_taken_while_priority_ones_were_declined(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container, caseload_max=2, caseload_average_threshold=1)
    sup = headers_for(container, "supervisor", "lead-cm")
    cm = (await http.post("/v1/case-managers", json={"name": "Alex"}, headers=sup)).json()
    for n in (1, 2):
        taken = await refer(http, container, social_contact(n=n))
        await http.post(
            f"/v1/participants/{taken['participant_id']}/case-manager",
            json={"case_manager_id": cm["case_manager_id"]},
            headers=sup,
        )
    declined = await refer(http, container, social_contact(n=3))
    assert declined["status"] == "declined"
    await set_policy(http, container, caseload_max=25, caseload_average_threshold=20)
    post_filing = await refer(
        http, container, social_contact(n=4, door="prosecutor"), role="prosecutor", agency="kcpao"
    )
    assert post_filing["status"] == "referred"
    [flag] = await flags(http, container)
    assert flag["rule"] == "post_filing_accepted_while_priority_declined"
    assert flag["participant_id"] == declined["participant_id"]
    declined_at, accepted_at = flag["events"]  # the referral events (their write ended later)
    assert declined_at <= declined["position"] < accepted_at <= post_filing["position"]
    for position in flag["events"]:
        assert topic_at(container, position)[0].endswith("Participant.Referred")
    assert await told_flags(http, container) == [as_told(flag)]
    assert await told_flags(http, container, "prosecutor", "kcpao") == []
    priority_again = await refer(http, container, social_contact(n=5))
    await refer(http, container, social_contact(n=6, door="prosecutor"), "prosecutor", "kcpao")
    assert priority_again["status"] == "referred"
    assert len(await flags(http, container)) == 1  # no longer crowding out


async def test_a_flag_is_reviewed_once_by_a_defender_or_project_manager(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await enrolled(http, container)
    await act(http, container, participant_id, None)
    [flag] = await flags(http, container)
    url = f"{URL}/{flag['flag_id']}/review"
    for role in ("police", "prosecutor", "auditor", "case_manager"):
        denied = await http.post(url, json={}, headers=headers_for(container, role, "x"))
        assert denied.status_code == 403, role
    assert (
        await http.post(url, json={"note": "n" * 2001}, headers=defender(container))
    ).status_code == 422
    no_actor = {"Authorization": defender(container)["Authorization"]}
    assert (await http.post(url, json={}, headers=no_actor)).status_code == 400
    reviewed = await http.post(
        url, json={"note": "booked on a warrant"}, headers=defender(container)
    )
    assert reviewed.status_code == 201, reviewed.text
    [seen] = await flags(http, container, min_position=reviewed.json()["position"])
    assert (seen["status"], seen["reviewed_by"], seen["review_note"]) == (
        "reviewed",
        "tdo/pd-3",
        "booked on a warrant",
    )
    pm = headers_for(container, "project_manager", "pcg")
    again = await http.post(url, json={}, headers=pm)
    assert again.status_code == 409
    unknown = f"{URL}/00000000-0000-4000-8000-000000000001/review"
    assert (await http.post(unknown, json={}, headers=pm)).status_code == 404
    assert (await http.post(f"{URL}/not-a-uuid/review", json={}, headers=pm)).status_code in (
        404,
        422,
    )


async def test_flags_page_filter_roles_and_bad_input(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id = await enrolled(http, container)
    for _ in range(3):
        await act(http, container, participant_id, None)
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2, "min_position": head(container)}
    while True:
        page = (await http.get(URL, params=params, headers=defender(container))).json()
        seen += [flag["flag_id"] for flag in page["items"]]
        if page["next"] is None:
            break
        params = {"limit": 2, "cursor": page["next"]}
    assert len(set(seen)) == 3
    assert len(await flags(http, container, participant_id=participant_id, status="open")) == 3
    assert await flags(http, container, status="reviewed") == []
    for role in ("police", "community_partner", "case_manager", "supervisor", "prosecutor"):
        response = await http.get(URL, headers=headers_for(container, role, "x"))
        assert response.status_code == 403, role
    for role in ("defense", "project_manager", "auditor"):
        assert (await http.get(URL, headers=headers_for(container, role, "x"))).status_code == 200
    for bad in ({"rule": "nope"}, {"status": "closed"}, {"limit": 501}, {"cursor": "@@"}):
        response = await http.get(URL, params=bad, headers=defender(container))
        assert response.status_code == 422, bad
