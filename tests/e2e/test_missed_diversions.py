"""Missed diversions (issue 16; DOMAIN.md: defense watches for diversion-eligible arrests
booked instead): recorded by defense or the project manager, each a Golden Rule flag naming
no participant; the charges must be divertible; no names are kept."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.container import Container
from tests.conftest import headers_for, register_agency
from tests.e2e.helpers import ASSAULT, POSSESSION, arrest_diversion, at, refer, set_policy
from tests.e2e.legal_helpers import head
from tests.e2e.test_golden_rule import defender, flags

pytestmark = pytest.mark.e2e

URL = "/v1/missed-diversions"


def missed(**overrides: Any) -> dict[str, Any]:
    return {
        "arrested_at": at(hours=-5),
        "booked_at": at(hours=-4),
        "charges": [POSSESSION],
        "agency": "spd",
        "demographics": {"race": ["Black"], "ethnicity": "not_hispanic", "gender": "man"},
        "note": "eligible; the officer booked anyway",
    } | overrides


async def test_a_missed_diversion_is_an_open_flag_naming_no_one(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    register_agency(container, "spd")
    recorded = await http.post(URL, json=missed(), headers=defender(container))
    assert recorded.status_code == 201, recorded.text
    [flag] = await flags(http, container, rule="missed_diversion")
    assert (flag["participant_id"], flag["status"]) == (None, "open")
    assert flag["events"] == [recorded.json()["position"]]
    assert flag["detail"] == {"arresting_agency": "spd", "charges": [POSSESSION["code"]]}
    pm = headers_for(container, "project_manager", "pcg")
    assert (await http.post(URL, json=missed(), headers=pm)).status_code == 201
    reviewed = await http.post(
        f"/v1/compliance/golden-rule/{flag['flag_id']}/review",
        json={"note": "raised with SPD at the PCG"},
        headers=pm,
    )
    assert reviewed.status_code == 201, reviewed.text
    [done] = await flags(http, container, rule="missed_diversion", status="reviewed")
    assert done["flag_id"] == flag["flag_id"]


async def test_only_diversion_eligible_arrests_and_bad_input(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    register_agency(container, "spd")
    headers = defender(container)
    cases = {
        "charge-not-divertible": missed(charges=[ASSAULT]),
        "invalid-input": missed(booked_at=at(hours=-6)),
        "business-time-in-future": missed(booked_at=at(hours=2)),
        "validation-error": missed(charges=[]),
    }
    for slug, body in cases.items():
        response = await http.post(URL, json=body, headers=headers)
        assert (response.status_code, response.json()["type"].split("/")[-1]) == (422, slug)
    unknown = await http.post(URL, json=missed(agency="nowhere-pd"), headers=headers)
    assert unknown.status_code == 422
    for role in ("police", "case_manager", "prosecutor", "court", "auditor"):
        refused = await http.post(URL, json=missed(), headers=headers_for(container, role, "x"))
        assert refused.status_code == 403, role
    assert await flags(http, container, rule="missed_diversion") == []  # nothing was recorded


async def test_the_equity_figures_start_from_diversion_eligible_arrests(
    http: httpx.AsyncClient, container: Container
) -> None:
    """Missed diversions count in the evaluation under the arrest diversion door, by the race
    recorded: with the arrests diverted, the diversion-eligible arrests."""
    await set_policy(http, container)
    register_agency(container, "spd")
    for race in ("Black", "Black", "White"):
        body = missed(demographics={"race": [race]})
        assert (await http.post(URL, json=body, headers=defender(container))).status_code == 201
    await refer(http, container, arrest_diversion(demographics={"race": ["White"]}))
    auditor = headers_for(container, "auditor", "state-audit")
    params = {"by": "door,race", "min_position": head(container)}
    report = await http.get("/v1/metrics/evaluation", params=params, headers=auditor)
    assert report.status_code == 200, report.text
    found = {
        (g["door"], g["race"]): (g["counts"]["referred"], g["counts"]["missed_diversions"])
        for g in report.json()["groups"]
    }
    assert found == {("arrest_diversion", "Black"): (0, 2), ("arrest_diversion", "White"): (1, 1)}
    assert report.json()["totals"]["counts"]["missed_diversions"] == 3
    as_csv = await http.get(
        "/v1/metrics/evaluation", params=params, headers=auditor | {"Accept": "text/csv"}
    )
    assert "missed_diversions" in as_csv.text.splitlines()[0].split(",")
