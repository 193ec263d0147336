"""One site, built once per store, with one participant per ROI state (none, in force,
narrowed, revoked, expired) and agencies tied to each in every way the disclosure table
knows: the referring police, a police and a community partner a ROI names, the liaison
office (diverted charge), the office holding a pending case and its parties (court,
probation, defense), and strangers of every role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select

from api.app import create_app
from composition.bootstrap import build
from infra.audit_tables import access_log
from infra.clock import SettableClock
from infra.settings import Settings
from services.container import Container
from tests.conftest import START, headers_for, register_agency
from tests.disclosure_table import Reader, Ties
from tests.e2e.helpers import arrest_diversion, at, refer, set_policy
from tests.e2e.legal_helpers import head, open_matter

SCENARIOS = ("none", "in_force", "narrowed", "revoked", "expired")
ALL = frozenset({"plan", "engagement", "legal_status"})
RELEASED = {  # what the ROIs in force release, per scenario
    "in_force": {"kcso": ALL, "cbo": ALL},
    "narrowed": {"kcso": frozenset({"engagement"})},
}
CASE_SECRET, PLAN_SECRET = "CASE-SECRET", "PLAN-SECRET"
STRANGERS = [
    ("police", "tpd"),
    ("community_partner", "cbo2"),
    ("prosecutor", "pao-x"),
    ("court", "muni"),
    ("probation", "doc2"),
    ("defense", "pdx"),
]
WHOLE = [
    ("case_manager", "lead-cm"),
    ("supervisor", "lead-cm"),
    ("project_manager", "pcg"),
    ("auditor", "audit"),
]


def readers(scenario: str) -> list[Reader]:
    released = RELEASED.get(scenario, {})
    shared, flagged = scenario != "none", scenario != "none"
    tied = [
        Reader("police", "spd", Ties(referred=True, made_non_return=True)),
        Reader("police", "kcso", Ties(roi=released.get("kcso", frozenset()), shares=shared)),
        Reader("community_partner", "cbo", Ties(roi=released.get("cbo", frozenset()))),
        Reader("prosecutor", "kcpao", Ties(holds=True)),
        Reader("prosecutor", "city-atty", Ties(holds=True)),
        Reader("court", "kcsc", Ties(party=True)),
        Reader("probation", "doc", Ties(party=True)),
        Reader("defense", "tdo", Ties(party=True, watched=flagged)),
    ]
    others = [
        Reader(role, agency, Ties(watched=role == "defense" and flagged))
        for role, agency in STRANGERS
    ]
    return [Reader(role, agency) for role, agency in WHOLE] + tied + others


@dataclass
class Site:
    container: Container
    http: httpx.AsyncClient
    participants: dict[str, str]
    reads: int = 0

    def headers(self, reader: Reader) -> tuple[str, dict[str, str]]:
        """Headers with an actor naming this one read, to find its accounting."""
        self.reads += 1
        actor = f"m-{self.reads}"
        return actor, headers_for(self.container, reader.role, reader.agency, actor=actor)

    def accounted(self, actor: str) -> dict[str, set[str]]:
        """What the accounting of disclosures recorded for one read: participant → sections."""
        self.container.audit.access_log.flush()
        query = select(access_log.c.participant_id, access_log.c.categories)
        with self.container.sql.connect() as conn:
            rows = conn.execute(query.where(access_log.c.actor == actor)).all()
        return {str(pid): set(filter(None, text.split(","))) for pid, text in rows}


async def build_participant(site: Site, scenario: str, n: int) -> str:
    http, container = site.http, site.container
    cm = headers_for(container, "case_manager", "lead-cm")
    person = {
        "given_name": f"Matrix{n}",
        "family_name": "Person",
        "date_of_birth": "1980-01-02",
        "identifiers": [
            {"system": "spd-person", "value": f"P-{n}"},
            {"system": "ssn", "value": f"S-{n}"},
        ],
    }
    pid: str = (await refer(http, container, arrest_diversion(n, person=person)))["participant_id"]
    steps: list[tuple[str, dict[str, Any]]] = [
        ("intake", {"completed_at": at(minutes=-55), "plan_summary": f"{PLAN_SECRET}-{n}"}),
        ("contacts", {"contacted_at": at(minutes=-45), "kind": "field"}),
    ]
    steps += roi_steps(scenario)
    for path, body in steps:
        response = await http.post(f"/v1/participants/{pid}/{path}", json=body, headers=cm)
        assert response.status_code == 201, response.text
    parties = ["kcsc", "doc", "tdo"]
    await open_matter(
        http,
        container,
        pid,
        "pending_case",
        f"{CASE_SECRET}-{n}",
        office="city-atty",
        parties=parties,
    )
    if scenario != "none":  # a basis-less booking and a request to report violations: flags
        booking = {"kind": "booking", "taken_at": at(minutes=-5)}
        police = headers_for(container, "police", "spd")
        response = await http.post(
            f"/v1/participants/{pid}/adverse-actions", json=booking, headers=police
        )
        assert response.status_code == 201, response.text
        asked = {"requested_at": at(minutes=-4), "kind": "violation_report", "note": "hearing"}
        court = headers_for(container, "court", "kcsc")
        response = await http.post(
            f"/v1/participants/{pid}/report-requests", json=asked, headers=court
        )
        assert response.status_code == 201, response.text
    return pid


def roi_steps(scenario: str) -> list[tuple[str, dict[str, Any]]]:
    if scenario == "none":
        return []
    signed = {
        "signed_at": at(minutes=-50),
        "agencies": ["kcso", "cbo"],
        "categories": sorted(ALL),
    }
    if scenario == "expired":
        signed["expires_at"] = at(minutes=-20)
    share = {
        "recipient_agency": "kcso",
        "category": "engagement",
        "summary": "engaged weekly",
        "shared_at": at(minutes=-40),
    }
    steps = [("roi", signed), ("information-shares", share)]
    if scenario == "narrowed":
        narrow = {
            "signed_at": at(minutes=-30),
            "agencies": ["kcso"],
            "categories": ["engagement"],
            "replaces": "all",
        }
        steps.append(("roi", narrow))
    if scenario == "revoked":
        steps.append(("roi/revoke", {"revoked_at": at(minutes=-30)}))
    return steps


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[tuple[Container, httpx.AsyncClient]]:
    """A container and an HTTP client of its app, for a module's worth of tests."""
    container = build(settings, clock=SettableClock(START))
    transport = httpx.ASGITransport(app=create_app(container, background=False))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as http:
            yield container, http
    finally:
        await container.async_sql.dispose()
        container.close()


async def built_site(settings: Settings) -> AsyncIterator[Site]:
    async with serving(settings) as (container, http):
        site = Site(container, http, {})
        agencies = {agency for s in SCENARIOS for r in readers(s) for agency in [r.agency]}
        for agency in agencies | {"city-atty"}:
            register_agency(container, agency)
        systems = [{"system": "spd-person", "agency": "spd"}]
        await set_policy(http, container, identifier_systems=systems)
        for n, scenario in enumerate(SCENARIOS, start=1):
            site.participants[scenario] = await build_participant(site, scenario, n)
        assert container.projector.run_until_caught_up() >= 0
        assert head(container) > 0
        yield site
