"""Request builders shared by the e2e tests: synthetic people, times relative to the clock."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import httpx

from api.policy import MERGE_PATCH
from services.container import Container
from tests.conftest import START, headers_for, register_agency

POSSESSION = {"code": "69.50.4013", "description": "possession of a controlled substance"}
THEFT = {"code": "9A.56.050", "description": "theft in the third degree"}
LIAISON_OFFICE = "kcpao"  # the prosecutor office the test site names for diverted charges
ASSAULT = {"code": "9A.36.021", "description": "assault in the second degree"}


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def at(**delta: float) -> str:
    return iso(START + timedelta(**delta))


def person(n: int = 1, system: str = "spd-person") -> dict[str, Any]:
    return {
        "given_name": f"Test{n}",
        "family_name": "Person",
        "date_of_birth": "1985-03-02",
        "identifiers": [{"system": system, "value": f"P-{n:05d}"}],
    }


def community(n: int, **changes: Any) -> dict[str, Any]:
    """The same person as a community partner knows them: its own client number."""
    return {
        "door": "community",
        "person": person(n, system="cbo-client") | changes,
        "referred_at": at(minutes=-30),
        "criteria": {"chronic_law_violations": True, "public_expectation_of_response": True},
        "referring_organization": "Outreach CBO",
    }


def arrest_diversion(n: int = 1, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "door": "arrest_diversion",
        "person": person(n),
        "referred_at": at(hours=-2),
        "demographics": {"race": ["Black"], "ethnicity": "not_hispanic", "gender": "woman"},
        "arrest": {
            "charges": [POSSESSION],
            "released_at": at(hours=-1),
            "location": {
                "description": "3rd Ave and Pine St",
                "latitude": 47.61,
                "longitude": -122.34,
            },
        },
    }
    return body | overrides


def social_contact(n: int = 1, **overrides: Any) -> dict[str, Any]:
    return {
        "door": "social_contact",
        "person": person(n),
        "referred_at": at(hours=-1),
        "criteria": {"chronic_law_violations": True, "public_expectation_of_response": True},
    } | overrides


async def set_policy(http: httpx.AsyncClient, container: Container, **terms: Any) -> None:
    body = {
        "divertible_charges": [POSSESSION, THEFT],
        "exclusion_criteria": [
            {"code": "violent_felony_5y", "description": "violent felony in the last 5 years"}
        ],
        "liaison_prosecutor_agencies": [LIAISON_OFFICE],
    }
    register_agency(container, LIAISON_OFFICE)
    pm = headers_for(container, "project_manager", "pcg")
    current = await http.get("/v1/policy", headers=pm)
    response = await http.patch(
        "/v1/policy",
        content=json.dumps(body | terms),
        headers=pm | {"If-Match": current.headers["ETag"], "Content-Type": MERGE_PATCH},
    )
    assert response.status_code == 200, response.text


async def refer(
    http: httpx.AsyncClient,
    container: Container,
    body: dict[str, Any],
    role: str = "police",
    agency: str = "spd",
) -> dict[str, Any]:
    response = await http.post(
        "/v1/referrals", json=body, headers=headers_for(container, role, agency)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def enroll(
    http: httpx.AsyncClient,
    container: Container,
    participant_id: str,
    agencies: list[str] | None = None,
    categories: list[str] | None = None,
) -> None:
    cm = headers_for(container, "case_manager", "lead-cm")
    intake = await http.post(
        f"/v1/participants/{participant_id}/intake",
        headers=cm,
        json={"completed_at": at(minutes=-30), "plan_summary": "housing"},
    )
    assert intake.status_code == 201, intake.text
    roi = await http.post(
        f"/v1/participants/{participant_id}/roi",
        headers=cm,
        json={
            "signed_at": at(minutes=-20),
            "agencies": agencies or ["spd"],
            "categories": categories or ["engagement"],
        },
    )
    assert roi.status_code == 201, roi.text
