"""The warm handoff (issue 16; toolkit: police hand the person to a case manager, ideally
within 30 minutes of the referral): recorded once per referral by case management or the
referring police, with the minutes it took, in the history and in the record as it was
known."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from infra.clock import SettableClock
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.audit_helpers import all_pages, auditor
from tests.e2e.helpers import arrest_diversion, at, enroll, iso, refer, set_policy
from tests.e2e.legal_helpers import case_manager, head, topic_at
from tests.e2e.test_read_model_views import case_manager as register_case_manager

pytestmark = pytest.mark.e2e


async def hand_off(
    http: httpx.AsyncClient, pid: str, headers: dict[str, str], **body: object
) -> httpx.Response:
    body = {"handed_off_at": at(hours=-2, minutes=25)} | body
    return await http.post(f"/v1/participants/{pid}/warm-handoff", json=body, headers=headers)


async def test_the_referring_officer_records_the_handoff_once(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    await set_policy(http, container)
    pid = (await refer(http, container, arrest_diversion()))["participant_id"]  # 2 hours ago
    cm = await register_case_manager(http, container, "Alex")
    before = iso(clock.now())
    clock.advance(timedelta(minutes=1))
    police = headers_for(container, "police", "spd", actor="badge-4411")
    handed = await hand_off(http, pid, police, case_manager_id=cm)
    assert handed.status_code == 201, handed.text
    _, event = topic_at(container, handed.json()["position"])
    assert (event.minutes_after_referral, str(event.case_manager_id)) == (25.0, cm)
    again = await hand_off(http, pid, case_manager(container))
    assert again.status_code == 409  # once per referral
    history = await all_pages(
        http, f"/v1/participants/{pid}/history", auditor(container), limit=500
    )
    assert "Participant.WarmHandoffRecorded" in [item["type"] for item in history]
    then = await http.get(
        f"/v1/participants/{pid}", params={"as_of": before}, headers=auditor(container)
    )
    assert then.json()["referrals"][0]["handed_off_at"] is None  # as it was known then
    now = await http.get(f"/v1/participants/{pid}", headers=police)
    assert now.json()["referrals"][0]["handed_off_at"].startswith(at(hours=-2, minutes=25)[:16])


async def test_who_may_record_it_and_bad_input(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    pid = (await refer(http, container, arrest_diversion()))["participant_id"]
    for role, agency in (("police", "tpd"), ("prosecutor", "kcpao"), ("court", "kcsc")):
        refused = await hand_off(http, pid, headers_for(container, role, agency))
        assert refused.status_code in (403, 404), role
    cm = case_manager(container)
    early = await hand_off(http, pid, cm, handed_off_at=at(hours=-3))
    assert early.status_code == 422  # before the referral
    future = await hand_off(http, pid, cm, handed_off_at=at(hours=1))
    assert future.status_code == 422
    unknown = await hand_off(http, pid, cm, case_manager_id="00000000-0000-4000-8000-000000000009")
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "case_manager_id")
    assert (await hand_off(http, pid, cm)).status_code == 201  # none of the above left a mark


async def test_the_evaluation_counts_handoffs_and_30_day_engagement_by_quarter(
    http: httpx.AsyncClient, container: Container
) -> None:
    """Funders ask for the 30-day engagement rate (5 ILCS 820/25) and referral-to-handoff
    times, quarterly, also in CSV."""
    await set_policy(http, container)
    first = (await refer(http, container, arrest_diversion(n=1)))["participant_id"]
    second = (await refer(http, container, arrest_diversion(n=2)))["participant_id"]
    police = headers_for(container, "police", "spd")
    assert (await hand_off(http, first, police)).status_code == 201  # 25 minutes
    late = await hand_off(http, second, police, handed_off_at=at(hours=-1, minutes=-15))
    assert late.status_code == 201  # 45 minutes
    intake = await http.post(
        f"/v1/participants/{first}/intake",
        json={"completed_at": at(minutes=-30), "plan_summary": "housing"},
        headers=case_manager(container),
    )
    assert intake.status_code == 201
    params = {"by": "period", "period": "quarter", "min_position": intake.json()["position"]}
    report = await http.get("/v1/metrics/evaluation", params=params, headers=auditor(container))
    assert report.status_code == 200, report.text
    [group] = report.json()["groups"]
    assert group["period"].endswith(("-Q1", "-Q2", "-Q3", "-Q4"))
    counts, rates = group["counts"], group["rates"]
    assert (counts["handed_off"], counts["handed_off_within_30m"], counts["engaged_30d"]) == (
        2,
        1,
        1,
    )
    assert rates["engaged_30d"] == 0.5
    as_csv = await http.get(
        "/v1/metrics/evaluation",
        params=params,
        headers=auditor(container) | {"Accept": "text/csv"},
    )
    header, row = as_csv.text.splitlines()[:2]
    columns = dict(zip(header.split(","), row.split(","), strict=True))
    assert (columns["handed_off_within_30m"], columns["engaged_30d_rate"]) == ("1", "0.5")


async def test_retention_at_6_and_12_months_is_counted_when_the_report_is_made(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    await set_policy(http, container)
    pid = (await refer(http, container, arrest_diversion()))["participant_id"]
    await enroll(http, container, pid)
    params = {"min_position": head(container)}

    async def retained() -> tuple[int, int]:
        report = await http.get("/v1/metrics/evaluation", params=params, headers=auditor(container))
        counts = report.json()["totals"]["counts"]
        return counts["retained_6m"], counts["retained_12m"]

    assert await retained() == (0, 0)  # enrolled today: not yet six months
    clock.advance(timedelta(days=190))
    assert await retained() == (1, 0)
    clock.advance(timedelta(days=190))
    assert await retained() == (1, 1)
