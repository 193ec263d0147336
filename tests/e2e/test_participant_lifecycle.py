"""Intake deadline, caseloads, engagement, discharge and readmission over HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from infra.clock import SettableClock
from infra.observability import REGISTRY
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import arrest_diversion, at, enroll, refer, set_policy, social_contact
from tests.integration.audit_support import Superuser

pytestmark = pytest.mark.e2e


async def test_deadline_expires_when_time_passes_and_can_be_extended_first(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    await set_policy(http, container)
    extended = (await refer(http, container, arrest_diversion(n=1)))["participant_id"]
    lapsing = (await refer(http, container, arrest_diversion(n=2)))["participant_id"]
    police = headers_for(container, "police", "spd")
    response = await http.post(
        f"/v1/participants/{extended}/intake-deadline/extend",
        headers=police,
        json={
            "new_deadline": at(days=45),
            "agreed_by": "Sgt. Example #4411",
            "reason": "incapacitated",
            "note": "in hospital",
        },
    )
    assert response.status_code == 201, response.text
    other_agency = headers_for(container, "police", "kcso")
    refused = await http.post(
        f"/v1/participants/{lapsing}/intake-deadline/extend",
        headers=other_agency,
        json={"new_deadline": at(days=45), "agreed_by": "Dep. X", "reason": "specific_reason"},
    )
    assert refused.status_code == 403
    clock.advance(timedelta(days=31))
    assert container.deadlines.tick() == 1
    auditor = headers_for(container, "auditor", "audit")
    assert (await http.get(f"/v1/participants/{lapsing}", headers=auditor)).json()[
        "status"
    ] == "intake_deadline_expired"
    assert (await http.get(f"/v1/participants/{extended}", headers=auditor)).json()[
        "status"
    ] == "referred"
    assert container.deadlines.tick() == 0


async def test_late_paperwork_expires_at_once(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    await set_policy(http, container)
    body = arrest_diversion(referred_at=at(days=-31))
    body["arrest"]["released_at"] = at(days=-31, hours=1)
    participant = (await refer(http, container, body))["participant_id"]
    assert container.deadlines.tick() == 1
    view = await http.get(
        f"/v1/participants/{participant}", headers=headers_for(container, "police", "spd")
    )
    assert view.json()["status"] == "intake_deadline_expired"
    assert clock.now().isoformat().startswith("2026-11-24")


async def test_caseload_cap_is_a_409(http: httpx.AsyncClient, container: Container) -> None:
    await set_policy(http, container, caseload_max=1, caseload_average_threshold=1)
    sup = headers_for(container, "supervisor", "lead-cm")
    cm = (await http.post("/v1/case-managers", json={"name": "Alex"}, headers=sup)).json()
    first = (await refer(http, container, social_contact(n=1)))["participant_id"]
    second = (await refer(http, container, social_contact(n=2)))["participant_id"]
    ok = await http.post(
        f"/v1/participants/{first}/case-manager",
        headers=sup,
        json={"case_manager_id": cm["case_manager_id"]},
    )
    assert ok.status_code == 200
    full = await http.post(
        f"/v1/participants/{second}/case-manager",
        headers=sup,
        json={"case_manager_id": cm["case_manager_id"]},
    )
    assert full.status_code == 409
    assert full.json()["type"].endswith("/problems/caseload-full")
    unknown = await http.post(
        f"/v1/participants/{second}/case-manager",
        headers=sup,
        json={"case_manager_id": "00000000-0000-4000-8000-000000000001"},
    )
    assert unknown.status_code == 404


async def test_discharge_rules_and_readmission(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    await set_policy(http, container, discharge_min_inactive_days=90)
    pid = (await refer(http, container, social_contact()))["participant_id"]
    await enroll(http, container, pid)
    cm = headers_for(container, "case_manager", "lead-cm")
    contact = await http.post(
        f"/v1/participants/{pid}/contacts",
        headers=cm,
        json={"contacted_at": at(minutes=-5), "kind": "field"},
    )
    assert contact.status_code == 201
    early = await http.post(
        f"/v1/participants/{pid}/discharge",
        headers=cm,
        json={"discharged_at": at(), "reason": "sustained_non_engagement"},
    )
    assert early.status_code == 409
    assert early.json()["type"].endswith("/problems/discharge-not-allowed")
    safety = await http.post(
        f"/v1/participants/{pid}/discharge",
        headers=cm,
        json={"discharged_at": at(), "reason": "staff_safety"},
    )
    assert safety.status_code == 403
    other = await http.post(
        f"/v1/participants/{pid}/discharge",
        headers=cm,
        json={"discharged_at": at(), "reason": "relapse"},
    )
    assert other.status_code == 422
    clock.advance(timedelta(days=91))
    done = await http.post(
        f"/v1/participants/{pid}/discharge",
        headers=cm,
        json={
            "discharged_at": at(days=91),
            "reason": "sustained_non_engagement",
            "note": "no contact",
        },
    )
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "discharged"
    back = await http.post(
        f"/v1/participants/{pid}/readmit",
        headers=cm,
        json={"readmitted_at": at(days=91, minutes=2), "note": "returned"},
    )
    assert back.status_code == 201
    assert back.json()["status"] == "enrolled"


async def test_supervisor_discharges_for_safety(
    http: httpx.AsyncClient, container: Container
) -> None:
    pid = (await refer(http, container, social_contact()))["participant_id"]
    await enroll(http, container, pid)
    sup = headers_for(container, "supervisor", "lead-cm")
    done = await http.post(
        f"/v1/participants/{pid}/discharge",
        headers=sup,
        json={"discharged_at": at(), "reason": "program_safety"},
    )
    assert done.status_code == 201, done.text


async def test_non_return_exception_and_violation(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    pid = (await refer(http, container, arrest_diversion()))["participant_id"]
    police = headers_for(container, "police", "spd")
    violation = await http.post(
        f"/v1/participants/{pid}/non-return/violation",
        headers=police,
        json={"observed_at": at(minutes=-10), "note": "back at corner"},
    )
    assert violation.status_code == 201
    view = (await http.get(f"/v1/participants/{pid}", headers=police)).json()
    assert view["non_return"]["in_force"] is True
    cm = headers_for(container, "case_manager", "lead-cm")
    granted = await http.post(
        f"/v1/participants/{pid}/non-return/exception",
        headers=cm,
        json={"agreed_by": "Ofc. Example #2231", "reason": "clinic visit"},
    )
    assert granted.status_code == 201
    view = (await http.get(f"/v1/participants/{pid}", headers=police)).json()
    assert view["non_return"]["in_force"] is False
    none = (await refer(http, container, social_contact(n=9)))["participant_id"]
    refused = await http.post(
        f"/v1/participants/{none}/non-return/violation",
        headers=police,
        json={"observed_at": at(minutes=-1)},
    )
    assert refused.status_code == 409


async def test_if_match_guards_against_lost_updates(
    http: httpx.AsyncClient, container: Container
) -> None:
    pid = (await refer(http, container, social_contact()))["participant_id"]
    auditor = headers_for(container, "auditor", "audit")
    etag = (await http.get(f"/v1/participants/{pid}", headers=auditor)).headers["etag"]
    cm = headers_for(container, "case_manager", "lead-cm")
    body = {"contacted_at": at(minutes=-1), "kind": "phone"}
    first = await http.post(
        f"/v1/participants/{pid}/contacts", json=body, headers=cm | {"If-Match": etag}
    )
    assert first.status_code == 201
    stale = await http.post(
        f"/v1/participants/{pid}/contacts", json=body, headers=cm | {"If-Match": etag}
    )
    assert stale.status_code == 412
    fresh = (await http.get(f"/v1/participants/{pid}", headers=auditor)).headers["etag"]
    assert fresh != etag


async def test_as_of_shows_what_was_known_then(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    pid = (await refer(http, container, social_contact()))["participant_id"]
    clock.advance(timedelta(hours=1))
    await enroll(http, container, pid)
    auditor = headers_for(container, "auditor", "audit")
    then = await http.get(
        f"/v1/participants/{pid}", headers=auditor, params={"as_of": at(minutes=30)}
    )
    assert then.json()["status"] == "referred"
    now = await http.get(f"/v1/participants/{pid}", headers=auditor)
    assert now.json()["status"] == "enrolled"
    before = await http.get(
        f"/v1/participants/{pid}", headers=auditor, params={"as_of": at(days=-1)}
    )
    assert before.status_code == 404
    police = await http.get(
        f"/v1/participants/{pid}",
        params={"as_of": at()},
        headers=headers_for(container, "police", "spd"),
    )
    assert police.status_code == 403


def set_aside(where: str) -> float:
    counted = REGISTRY.get_sample_value("lead_items_set_aside_total", {"where": where})
    return counted or 0.0


async def test_a_record_the_workers_cannot_read_stops_no_other_deadline_or_alert(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    """A superuser garbled the first person's referral: the alert and deadline workers set
    that one aside (logged, counted) and alert on and expire the next person's deadline on
    time, tick after tick; before, each tick failed on it and reached no later deadline."""
    await set_policy(http, container)
    garbled = (await refer(http, container, arrest_diversion(n=1)))["participant_id"]
    clock.advance(timedelta(minutes=1))
    lapsing = (await refer(http, container, arrest_diversion(n=2)))["participant_id"]
    container.projector.run_until_caught_up()
    referred = next(
        n.id
        for n in container.store.recorder.select_notifications(1, 100)
        if str(n.originator_id) == garbled and n.originator_version == 1
    )
    Superuser(container.settings).set_state(referred, b"garbage")
    alerts = container.background.jobs["alerted"]
    before = (set_aside("intake_alert"), set_aside("intake_deadline"))
    clock.advance(timedelta(days=24))  # both deadlines within the 7 days' reminder
    container.projector.run_until_caught_up()
    assert alerts() == 1
    clock.advance(timedelta(days=7))
    assert container.deadlines.tick() == 1
    assert container.deadlines.tick() == 0  # the garbled one is set aside again, alone
    assert (set_aside("intake_alert"), set_aside("intake_deadline")) == (
        before[0] + 1,
        before[1] + 2,
    )
    auditor = headers_for(container, "auditor", "audit")
    view = await http.get(f"/v1/participants/{lapsing}", headers=auditor)
    assert view.json()["status"] == "intake_deadline_expired"
