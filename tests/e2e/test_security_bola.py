"""Object-level access across agencies (BOLA): what each role of each agency reads of one
participant, against the contract's rule (v1.1), written here independently of the views
code: the site's own staff and auditors see the whole record; anyone else sees the plan, the
engagement or the legal matters only while a ROI in force names their agency and that
category, except that the office holding a matter sees that matter (v1: every prosecutor saw
every matter). An agency with no relation to the person gets a 404 (v1: the status). Secrets
planted in the record must never appear in an answer that may not carry them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from domain.roles import ROLES
from infra.clock import SettableClock
from services.container import Container
from tests.conftest import headers_for, register_agency
from tests.e2e.helpers import arrest_diversion, at, refer, set_policy
from tests.e2e.legal_helpers import open_matter

pytestmark = pytest.mark.e2e

WHOLE_RECORD = frozenset({"auditor", "project_manager", "case_manager", "supervisor"})
AGENCIES = ("spd", "kcso", "kcpao", "lead-cm")
REFERRER, OFFICE = "spd", "kcpao"  # spd's arrest diversion; kcpao holds both matters
PLAN_SECRET = "PLAN-SECRET-detox-bed"
CASE_SECRET = "CASE-SECRET-26-1-00077-1"


@dataclass(frozen=True)
class Roi:
    """A release as signed: every agency it names may receive every category it names."""

    agencies: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()

    def covers(self, agency: str, category: str) -> bool:
        return agency in self.agencies and category in self.categories


NO_ROI = Roi()
ENGAGEMENT_TO_SPD = Roi(frozenset({"spd"}), frozenset({"engagement"}))


async def record(http: httpx.AsyncClient, container: Container, roi: Roi, n: int = 1) -> str:
    """A participant referred by spd, enrolled with a plan, a contact and a pending case."""
    await set_policy(http, container)
    for agency in AGENCIES:  # each has clients: a ROI may name it
        register_agency(container, agency)
    pid: str = (await refer(http, container, arrest_diversion(n)))["participant_id"]
    cm = headers_for(container, "case_manager", "lead-cm")
    signed = {
        "signed_at": at(minutes=-40),
        "agencies": sorted(roi.agencies),
        "categories": sorted(roi.categories),
        "expires_at": at(hours=1),
    }
    steps = [
        ("intake", {"completed_at": at(minutes=-50), "plan_summary": PLAN_SECRET}),
        ("roi", signed),
        ("contacts", {"contacted_at": at(minutes=-30), "kind": "field"}),
    ]
    for path, body in steps:
        response = await http.post(f"/v1/participants/{pid}/{path}", json=body, headers=cm)
        assert response.status_code == 201, response.text
    await open_matter(http, container, pid, "pending_case", case_number=f"{CASE_SECRET}-{n}")
    return pid


def may_see(role: str, agency: str, category: str, roi: Roi) -> bool:
    if role in WHOLE_RECORD:
        return True
    if category == "legal_status" and agency == OFFICE:
        return True
    if category in ("plan", "engagement") and role in ("court", "probation"):
        return False  # they never supervise participants through LEAD, whatever a ROI says
    return roi.covers(agency, category)


def may_know_of(role: str, agency: str, roi: Roi) -> bool:
    """Referred them, holds a matter (as a prosecutor office), named in a ROI in force, sees a
    matter, or is police while the 24-hour non-return request is in force."""
    return (
        role in WHOLE_RECORD
        or agency in (REFERRER, OFFICE)
        or bool(roi.categories and agency in roi.agencies)
        or role == "police"
    )


def leaks(view: dict[str, Any], role: str, agency: str, roi: Roi) -> list[str]:
    """What this answer shows that the rule forbids (and what it hides that the rule allows,
    so the test cannot pass by showing nobody anything)."""
    if "participant_id" not in view:  # a 404
        return [] if not may_know_of(role, agency, roi) else [f"{role}@{agency} gets a 404"]
    text = str(view)
    shown = {
        "plan": "plan" in view or PLAN_SECRET in text,
        "engagement": "engagement" in view,
        "legal_status": bool(view.get("legal_matters")) or CASE_SECRET in text,
    }
    return [
        f"{role}@{agency} {'sees' if seen else 'misses'} {category}"
        for category, seen in shown.items()
        if seen != may_see(role, agency, category, roi)
    ]


async def views_of(http: httpx.AsyncClient, container: Container, pid: str, roi: Roi) -> list[str]:
    found: list[str] = []
    for role in sorted(ROLES):
        for agency in AGENCIES:
            headers = headers_for(container, role, agency)
            response = await http.get(f"/v1/participants/{pid}", headers=headers)
            assert response.status_code in (200, 404), response.text
            found += leaks(response.json(), role, agency, roi)
    return found


@pytest.mark.parametrize(
    "roi",
    [
        ENGAGEMENT_TO_SPD,
        Roi(frozenset({"kcso", "kcpao"}), frozenset({"plan", "legal_status"})),
    ],
    ids=["engagement-to-spd", "plan-and-legal-to-kcso-and-kcpao"],
)
async def test_no_role_of_any_agency_reads_outside_the_roi(
    http: httpx.AsyncClient, container: Container, roi: Roi
) -> None:
    pid = await record(http, container, roi)
    assert await views_of(http, container, pid, roi) == []


async def test_an_expired_or_revoked_roi_opens_nothing(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    roi = Roi(frozenset({"kcso"}), frozenset({"plan", "engagement", "legal_status"}))
    pid = await record(http, container, roi)
    clock.advance(timedelta(hours=2))  # past expires_at
    assert await views_of(http, container, pid, NO_ROI) == []
    clock.advance(timedelta(hours=-2))
    assert await views_of(http, container, pid, roi) == []
    revoke = await http.post(
        f"/v1/participants/{pid}/roi/revoke",
        json={"revoked_at": at(minutes=-1)},
        headers=headers_for(container, "case_manager", "lead-cm"),
    )
    assert revoke.status_code == 201, revoke.text
    assert await views_of(http, container, pid, NO_ROI) == []


async def test_lookup_by_identifier_is_filtered_like_the_record(
    http: httpx.AsyncClient, container: Container
) -> None:
    await record(http, container, ENGAGEMENT_TO_SPD)
    query = "/v1/participants?identifier_system=spd-person&identifier_value=P-00001"
    found: list[str] = []
    for role in ("police", "prosecutor"):
        for agency in AGENCIES:
            response = await http.get(query, headers=headers_for(container, role, agency))
            assert response.status_code == 200, response.text
            items = response.json()["items"]
            if agency != REFERRER:  # an unregistered system's identifiers are spd's own
                assert items == [], (role, agency)
                continue
            [item] = items
            found += leaks(item, role, agency, ENGAGEMENT_TO_SPD)
    assert found == []


async def test_another_agencys_police_cannot_act_on_its_referral(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    pid = (await refer(http, container, arrest_diversion()))["participant_id"]
    body = {
        "new_deadline": at(days=40),
        "agreed_by": "sgt-1",
        "reason": "specific_reason",
        "note": "hospitalised",
    }
    url = f"/v1/participants/{pid}/intake-deadline/extend"
    other = await http.post(url, json=body, headers=headers_for(container, "police", "kcso"))
    assert other.status_code == 403, other.text
    own = await http.post(url, json=body, headers=headers_for(container, "police", "spd"))
    assert own.status_code == 201, own.text
