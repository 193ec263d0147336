"""Deny by default: every role by endpoint is either allowed (never 401/403) or exactly 403."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from domain.roles import ROLES
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import refer, social_contact

pytestmark = pytest.mark.e2e

CASE = {"case_manager"}
COMMANDS: dict[str, set[str]] = {
    "intake": CASE,
    "roi": CASE,
    "roi/revoke": CASE,
    "contacts": CASE,
    "readmit": CASE,
    "intake-deadline/extend": {"police"},
    "case-manager": {"supervisor", "project_manager"},
    "non-return/exception": {"case_manager", "police"},
    "non-return/violation": {"police"},
    "discharge": {"case_manager", "supervisor"},
    "warm-handoff": {"case_manager", "police"},
}


def endpoints(pid: str) -> list[tuple[str, str, set[str], dict[str, Any] | None]]:
    everyone = set(ROLES)
    listed: list[tuple[str, str, set[str], dict[str, Any] | None]] = [
        ("GET", "/v1/policy", everyone, None),
        ("PUT", "/v1/policy", {"project_manager"}, {"caseload_max": "25"}),
        ("POST", "/v1/case-managers", {"project_manager", "supervisor"}, {}),
        ("GET", "/v1/capacity", everyone - {"community_partner"}, None),
        (
            "POST",
            "/v1/referrals",
            {"police", "community_partner", "prosecutor", "court", "case_manager"},
            {},
        ),
        ("GET", f"/v1/participants/{pid}", everyone, None),
        (
            "GET",
            "/v1/participants?identifier_system=spd-person&identifier_value=P-00001",
            {"police", "case_manager", "supervisor", "project_manager", "prosecutor"},
            None,
        ),
    ]
    listed += [
        ("POST", f"/v1/participants/{pid}/{path}", roles, {}) for path, roles in COMMANDS.items()
    ]
    return listed


async def test_every_role_on_every_endpoint(http: httpx.AsyncClient, container: Container) -> None:
    pid = (await refer(http, container, social_contact()))["participant_id"]
    unexpected: list[str] = []
    for method, url, allowed, body in endpoints(pid):
        for role in sorted(ROLES):
            headers = headers_for(container, role, f"agency-{role}")
            response = await http.request(method, url, json=body, headers=headers)
            denied = response.status_code == 403
            if denied == (role in allowed) or response.status_code == 401:
                unexpected.append(f"{role} {method} {url} -> {response.status_code}")
    assert unexpected == []


async def test_police_not_named_on_the_roi_never_see_plan_or_engagement(
    http: httpx.AsyncClient, container: Container
) -> None:
    pid = (await refer(http, container, social_contact()))["participant_id"]
    cm = headers_for(container, "case_manager", "lead-cm")
    await http.post(
        f"/v1/participants/{pid}/intake",
        headers=cm,
        json={"completed_at": "2026-11-24T11:00:00Z", "plan_summary": "detox bed"},
    )
    await http.post(
        f"/v1/participants/{pid}/roi",
        headers=cm,
        json={
            "signed_at": "2026-11-24T11:05:00Z",
            "agencies": ["spd"],
            "categories": ["engagement"],
        },
    )
    named = (
        await http.get(f"/v1/participants/{pid}", headers=headers_for(container, "police", "spd"))
    ).json()
    other = await http.get(
        f"/v1/participants/{pid}", headers=headers_for(container, "police", "kcso")
    )
    assert named["status"] == "enrolled"
    assert "engagement" in named
    assert "plan" not in named  # the ROI covers engagement only
    assert "demographics" not in named
    assert named["roi"] == {"in_force": True}
    assert named["rois"] == [
        {
            "roi_id": named["rois"][0]["roi_id"],
            "signed_at": "2026-11-24T11:05:00Z",
            "agencies": ["spd"],
            "categories": ["engagement"],
            "expires_at": None,
        }
    ]
    # v1.1: an agency that did not refer the person, holds no matter and is not named in a ROI
    # does not learn that the person is a participant (v1 showed it the status).
    assert other.status_code == 404
    assert "detox" not in other.text
    await http.post(
        f"/v1/participants/{pid}/roi/revoke",
        headers=cm,
        json={"revoked_at": "2026-11-24T11:30:00Z"},
    )
    revoked = (
        await http.get(f"/v1/participants/{pid}", headers=headers_for(container, "police", "spd"))
    ).json()
    assert "engagement" not in revoked
