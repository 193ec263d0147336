"""Each leak issue 13 found, as a hostile partner agency would try it, named and closed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.container import Container
from tests.conftest import headers_for, register_agency
from tests.e2e.audit_helpers import all_pages, auditor
from tests.e2e.helpers import arrest_diversion, at, enroll, person, refer, set_policy
from tests.e2e.legal_helpers import case_manager, divert, head, open_matter

pytestmark = pytest.mark.e2e


async def view(
    http: httpx.AsyncClient, container: Container, pid: str, role: str, agency: str
) -> httpx.Response:
    return await http.get(f"/v1/participants/{pid}", headers=headers_for(container, role, agency))


async def post(
    http: httpx.AsyncClient, container: Container, pid: str, path: str, body: dict[str, Any]
) -> httpx.Response:
    url = f"/v1/participants/{pid}/{path}"
    return await http.post(url, json=body, headers=case_manager(container))


def community(n: int, identifiers: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "door": "community",
        "person": person(n) | {"given_name": "Fake", "identifiers": identifiers},
        "referred_at": at(hours=-1),
        "criteria": {"chronic_law_violations": True, "public_expectation_of_response": True},
        "referring_organization": "outreach",
    }


async def test_leak_a_revocation_ends_every_roi_in_force(
    http: httpx.AsyncClient, container: Container
) -> None:
    """ROI1 = {spd, engagement}, ROI2 = {evergreen, plan}: v1 revoked only the newest, so SPD
    kept engagement and could still receive shares."""
    await set_policy(http, container)
    pid = (await refer(http, container, arrest_diversion()))["participant_id"]
    register_agency(container, "evergreen")
    await enroll(http, container, pid, agencies=["spd"], categories=["engagement"])
    second = {"signed_at": at(minutes=-10), "agencies": ["evergreen"], "categories": ["plan"]}
    assert (await post(http, container, pid, "roi", second)).status_code == 201
    spd = (await view(http, container, pid, "police", "spd")).json()
    assert "engagement" in spd
    assert [r["agencies"] for r in spd["rois"]] == [["spd"]]
    revoked = await post(http, container, pid, "roi/revoke", {"revoked_at": at(minutes=-5)})
    assert len(revoked.json()["revoked"]) == 2  # by default, every ROI in force
    assert "engagement" not in (await view(http, container, pid, "police", "spd")).json()
    share = {"recipient_agency": "spd", "category": "engagement", "summary": "x", "shared_at": at()}
    refused = await post(http, container, pid, "information-shares", share)
    assert (refused.status_code, refused.json()["reason"]) == (403, "revoked")


async def test_leak_an_unrelated_prosecutor_lists_nobody(
    http: httpx.AsyncClient, container: Container
) -> None:
    """v1: a prosecutor office with no matter and no ROI listed every enrolled participant
    with name, date of birth and every identifier."""
    await set_policy(http, container)
    pid = (await refer(http, container, arrest_diversion()))["participant_id"]
    await enroll(http, container, pid)
    url = "/v1/participants"
    params = {"status": "enrolled", "min_position": head(container)}
    stranger = headers_for(container, "prosecutor", "city-atty")
    assert (await http.get(url, params=params, headers=stranger)).json()["items"] == []
    assert (await view(http, container, pid, "prosecutor", "city-atty")).status_code == 404


async def test_leak_active_is_engagement_and_the_arrest_location_is_the_referrers(
    http: httpx.AsyncClient, container: Container
) -> None:
    """v1 showed `active` to every role, and a community partner the police diversion's
    arrest location and `participant_status`."""
    await set_policy(http, container)
    pid = (await refer(http, container, arrest_diversion()))["participant_id"]
    register_agency(container, "cbo")
    await enroll(http, container, pid, agencies=["cbo"], categories=["plan"])
    police = (await view(http, container, pid, "police", "spd")).json()
    assert "active" not in police and "engagement" not in police
    partner = await view(http, container, pid, "community_partner", "cbo")
    assert partner.json()["status"] == "enrolled"  # the ROI names it: participation
    assert "non_return" not in partner.json()
    assert "3rd Ave" not in partner.text
    assert (await view(http, container, pid, "community_partner", "other-cbo")).status_code == 404


async def test_leak_a_referral_is_no_look_up_oracle(
    http: httpx.AsyncClient, container: Container
) -> None:
    """v1: a community partner's referral with someone's SSN answered with that person's
    participant id and `enrolled`."""
    await set_policy(http, container)
    ssn = [{"system": "ssn", "value": "123-45-6789"}]
    diverted = arrest_diversion(person=person(1) | {"identifiers": ssn})
    pid = (await refer(http, container, diverted))["participant_id"]
    await enroll(http, container, pid)
    answer = await refer(http, container, community(2, ssn), role="community_partner", agency="cbo")
    assert answer["participant_id"] != pid  # an unregistered system matches within its agency
    assert answer["participant_status"] == "referred"  # its own new record


async def test_leak_a_registered_system_cannot_be_hijacked(
    http: httpx.AsyncClient, container: Container
) -> None:
    """v1: a community partner claimed `spd-person P-2000` under a fake name, and SPD's later
    arrest diversion of the real person merged into it."""
    register_agency(container, "spd")
    await set_policy(
        http, container, identifier_systems=[{"system": "spd-person", "agency": "spd"}]
    )
    spd_id = [{"system": "spd-person", "value": "P-2000"}]
    before = head(container)
    hijack = await http.post(
        "/v1/referrals",
        json=community(3, spd_id),
        headers=headers_for(container, "community_partner", "cbo"),
    )
    assert hijack.status_code == 403
    assert hijack.json()["type"].endswith("/identifier-system-not-yours")
    assert head(container) == before
    real = arrest_diversion(person=person(4) | {"identifiers": spd_id})
    first = await refer(http, container, real)
    again = await refer(http, container, real)
    assert again["participant_id"] == first["participant_id"]  # SPD's own identifier matches


async def test_leak_an_agency_cannot_act_on_another_agencys_records(
    http: httpx.AsyncClient, container: Container
) -> None:
    """v1: a city attorney recorded a hold on the county prosecutor's matter; a sheriff's
    officer granted a non-return exception on SPD's diversion."""
    pid, matter = await divert(http, container)
    await open_matter(http, container, pid, "pending_case", office="city-atty")  # relates it
    hold = {"decision": "hold", "review_at": at(days=5), "note": "mine now"}
    city = headers_for(container, "prosecutor", "city-atty")
    taken = await http.post(f"/v1/legal-matters/{matter}/decisions", json=hold, headers=city)
    assert taken.status_code == 403
    exception = {"agreed_by": "deputy-1", "reason": "errand"}
    sheriff = headers_for(container, "police", "kcso")  # sees the request in force, no more
    url = f"/v1/participants/{pid}/non-return/exception"
    assert (await http.post(url, json=exception, headers=sheriff)).status_code == 403
    spd = headers_for(container, "police", "spd")
    assert (await http.post(url, json=exception, headers=spd)).status_code == 201


async def test_leak_defense_reads_no_plan_without_a_roi(
    http: httpx.AsyncClient, container: Container
) -> None:
    """v1: the history showed defense the whole plan text (health and substance-use details)
    with no ROI naming it."""
    pid, _ = await divert(http, container)
    await enroll(http, container, pid)  # plan "housing"
    await open_matter(http, container, pid, "pending_case", "PD-CASE-1", parties=["tdo"])
    defense = headers_for(container, "defense", "tdo")
    items = await all_pages(http, f"/v1/participants/{pid}/history", defense)
    [intake] = [i for i in items if i["type"] == "Participant.IntakeCompleted"]
    assert intake["withheld"] is True and "data" not in intake
    assert "housing" not in str(items)
    assert any("PD-CASE-1" in str(i.get("data")) for i in items)  # its own matter's events


async def test_leak_roi_agencies_and_categories_are_not_free_text(
    http: httpx.AsyncClient, container: Container
) -> None:
    """v1 took a typo (`spdd`) that silently withheld consent, and `everything`."""
    await set_policy(http, container)
    pid = (await refer(http, container, arrest_diversion()))["participant_id"]
    for agencies, categories, named in (
        (["spdd"], ["engagement"], "'spdd'"),
        (["spd"], ["everything"], "'everything'"),
    ):
        body = {"signed_at": at(minutes=-1), "agencies": agencies, "categories": categories}
        response = await post(http, container, pid, "roi", body)
        assert response.status_code == 422
        assert named in response.json()["detail"]


async def test_leak_a_late_dated_share_after_a_revocation_is_flagged(
    http: httpx.AsyncClient, container: Container
) -> None:
    """v1: a share recorded after a revocation but dated a minute before it passed silently."""
    await set_policy(http, container)
    pid = (await refer(http, container, arrest_diversion()))["participant_id"]
    await enroll(http, container, pid)
    assert (
        await post(http, container, pid, "roi/revoke", {"revoked_at": at(minutes=-2)})
    ).status_code == 201
    late = {
        "recipient_agency": "spd",
        "category": "engagement",
        "summary": "x",
        "shared_at": at(minutes=-3),
    }
    accepted = await post(http, container, pid, "information-shares", late)
    assert accepted.status_code == 201  # late paperwork may be true
    flags = await http.get(
        "/v1/compliance/golden-rule",
        params={"min_position": head(container)},
        headers=headers_for(container, "defense", "tdo"),
    )
    [flag] = flags.json()["items"]
    assert (flag["rule"], flag["status"]) == ("share_dated_before_roi_revocation", "review")


async def test_leak_reading_golden_rule_flags_is_accounted(
    http: httpx.AsyncClient, container: Container
) -> None:
    """v1: the Golden Rule flag list named participants without recording a read."""
    pid, _ = await divert(http, container)
    await http.post(
        f"/v1/participants/{pid}/adverse-actions",
        json={"kind": "booking", "taken_at": at(minutes=-1)},
        headers=headers_for(container, "police", "spd"),
    )
    defense = headers_for(container, "defense", "tdo", actor="pd-9")
    flags = await http.get(
        "/v1/compliance/golden-rule", params={"min_position": head(container)}, headers=defense
    )
    assert [f["participant_id"] for f in flags.json()["items"]] == [pid]
    reads = await all_pages(http, "/v1/audit/disclosures", auditor(container), participant_id=pid)
    [read] = [r for r in reads if r["actor"] == "pd-9"]
    assert (read["endpoint"], read["categories"]) == (
        "GET /v1/compliance/golden-rule",
        ["golden_rule"],
    )
