"""The retention review (issue 18): `retention_days_after_discharge` lists the people due for
review to the project manager (and `leadctl retention due`); listing forgets nobody."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
from typer.testing import CliRunner

from cli.main import app as leadctl_app
from infra.clock import SettableClock
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.audit_helpers import all_pages, auditor, get_json
from tests.e2e.helpers import arrest_diversion, enroll, iso, refer, set_policy


def pm(container: Container) -> dict[str, str]:
    return headers_for(container, "project_manager", "pcg", actor="pm-1")


async def discharged_and_referred(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> tuple[str, str]:
    discharged = (await refer(http, container, arrest_diversion(1)))["participant_id"]
    referred = (await refer(http, container, arrest_diversion(2)))["participant_id"]
    await enroll(http, container, discharged)
    clock.advance(timedelta(days=1))
    body = {
        "discharged_at": iso(clock.now() - timedelta(hours=1)),
        "reason": "staff_safety",
        "note": "threat to staff",
    }
    supervisor = headers_for(container, "supervisor", "lead-cm")
    done = await http.post(
        f"/v1/participants/{discharged}/discharge", json=body, headers=supervisor
    )
    assert done.status_code == 201, done.text
    container.projector.run_until_caught_up()
    return discharged, referred


async def test_people_past_the_retention_period_are_listed_for_review_only(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    await set_policy(http, container)
    discharged, _ = await discharged_and_referred(http, container, clock)
    unset = await get_json(http, "/v1/retention/due", pm(container))
    assert unset == {"retention_days_after_discharge": None, "items": []}
    await set_policy(http, container, retention_days_after_discharge=30)
    clock.advance(timedelta(days=29))
    assert (await get_json(http, "/v1/retention/due", pm(container)))["items"] == []
    clock.advance(timedelta(days=2))
    due = await get_json(http, "/v1/retention/due", pm(container))
    assert [(i["participant_id"], i["basis"]) for i in due["items"]] == [
        (discharged, "discharged")
    ]  # the one still referred is not due
    reads = await all_pages(
        http, "/v1/audit/disclosures", auditor(container), participant_id=discharged
    )
    listed = [r for r in reads if r["endpoint"] == "GET /v1/retention/due"]
    assert [(r["actor"], r["categories"]) for r in listed] == [
        ("pm-1", ["case_record", "participation"])
    ]  # the one listing that named them, accounted with what it showed
    still = await http.get(f"/v1/participants/{discharged}", headers=pm(container))
    assert still.status_code == 200  # listed, not forgotten
    police = headers_for(container, "police", "spd")
    assert (await http.get("/v1/retention/due", headers=police)).status_code == 403


async def test_a_retention_period_out_of_range_is_refused(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    for days, status in ((0, 422), (36501, 422), ("30", 422), (36500, 200)):
        current = await http.get("/v1/policy", headers=pm(container))
        response = await http.patch(
            "/v1/policy",
            content=json.dumps({"retention_days_after_discharge": days}),
            headers=pm(container)
            | {"If-Match": current.headers["ETag"], "Content-Type": "application/merge-patch+json"},
        )
        assert response.status_code == status, (days, response.text)


async def test_leadctl_retention_due_lists_the_same_people(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    """The CLI reads the system clock: the synthetic site lies in its past."""
    await set_policy(http, container, retention_days_after_discharge=1)
    discharged, _ = await discharged_and_referred(http, container, clock)
    env = {"LEAD_DATABASE_URL": container.settings.database_url}
    result = CliRunner().invoke(leadctl_app, ["retention", "due"], env=env)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["participant_id"], line["basis"]) for line in lines] == [
        (discharged, "discharged")
    ]
