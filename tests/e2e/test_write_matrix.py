"""Who may change what (issue 13): every command on a participant or a legal matter, by every
agency whose role the route admits, against DOMAIN.md's rule as restated here: case
management acts for the site; the referring agency extends its deadline and reports
violations of its non-return request; the office that holds a matter decides on it (diverted
charges: the liaison office); an agency that may not even know of the person gets a 404, one
that may but is not the right agency a 403, and neither changes anything. Built once per
store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from domain.legal_matter import diverted_matter_id
from services.container import Container
from tests.conftest import STORES, empty_store, headers_for, register_agency
from tests.disclosure_table import Reader, Ties, may_see
from tests.e2e.disclosure_site import serving
from tests.e2e.helpers import arrest_diversion, at, refer, set_policy, social_contact
from tests.e2e.legal_helpers import head, open_matter

pytestmark = pytest.mark.e2e

CALLERS = [
    Reader("case_manager", "lead-cm"),
    Reader("case_manager", "cm-east"),  # case management acts for the site, whichever office
    Reader("supervisor", "lead-cm"),
    Reader("project_manager", "pcg"),
    Reader("police", "spd", Ties(referred=True, made_non_return=True)),
    Reader("police", "kcso", Ties(roi=frozenset({"engagement"}))),
    Reader("police", "tpd"),  # a stranger, but police see the non-return request in force
    Reader("community_partner", "cbo"),
    Reader("prosecutor", "kcpao", Ties(holds=True)),  # the liaison office: the diverted charge
    Reader("prosecutor", "city-atty", Ties(holds=True)),  # the pending case
    Reader("prosecutor", "pao-x"),
]
Expect = Callable[[Reader], str]  # "ok", "403" or "404"


def knows(reader: Reader) -> bool:
    return reader.whole or bool(may_see(reader))


def only(*agencies: str) -> Expect:
    """The named agencies (and case management, where the route admits it) may; another
    agency that knows of the person gets a 403, one that does not a 404."""
    return lambda r: "ok" if r.whole or r.agency in agencies else "403" if knows(r) else "404"


def anyone_who_knows(reader: Reader) -> str:
    return "ok" if knows(reader) else "404"


@dataclass(frozen=True)
class Command:
    name: str
    roles: frozenset[str]
    expect: Expect
    path: str  # formatted with the site's ids: {pid}, {diverted}, {pending}
    body: dict[str, Any]  # string values formatted likewise


def door_body(role: str, pid: str) -> dict[str, Any]:
    door = {"police": "social_contact", "community_partner": "community"}.get(role, "prosecutor")
    body = social_contact(n=90, door=door, participant_id=pid)
    body["person"]["identifiers"] = []
    return body | ({"referring_organization": "outreach"} if door == "community" else {})


P = "/v1/participants/{pid}"
CASE_MANAGER = frozenset({"case_manager"})
OK = lambda _: "ok"  # noqa: E731 (the table reads better with it)
COMMANDS = [
    Command(
        "extend",
        frozenset({"police"}),
        only("spd"),
        f"{P}/intake-deadline/extend",
        {"new_deadline": at(days=40), "agreed_by": "sgt-1", "reason": "incapacitated"},
    ),
    Command(
        "non-return violation",
        frozenset({"police"}),
        only("spd"),
        f"{P}/non-return/violation",
        {"observed_at": at(minutes=-10)},
    ),
    Command(
        "decide on the diverted charge",
        frozenset({"prosecutor"}),
        only("kcpao"),
        "/v1/legal-matters/{diverted}/decisions",
        {"decision": "decline", "note": "no case to answer"},
    ),
    Command(
        "decide on the pending case",
        frozenset({"prosecutor"}),
        only("city-atty"),
        "/v1/legal-matters/{pending}/decisions",
        {"decision": "support_release", "note": "housed and engaged"},
    ),
    Command(
        "adverse action",
        frozenset({"police", "prosecutor"}),
        anyone_who_knows,
        f"{P}/adverse-actions",
        {"kind": "booking", "taken_at": at(minutes=-5)},
    ),
    Command(
        "open a legal matter",
        frozenset({"prosecutor", "case_manager"}),
        anyone_who_knows,
        f"{P}/legal-matters",
        {"kind": "warrant", "case_number": "W-9"},
    ),
    Command(
        "refer again",
        frozenset({"police", "community_partner", "prosecutor", "case_manager"}),
        anyone_who_knows,
        "/v1/referrals",
        {},  # the body depends on the caller's door
    ),
    # Last of the police's: the exception lifts the request other police agencies see.
    Command(
        "non-return exception",
        frozenset({"police", "case_manager"}),
        only("spd"),
        f"{P}/non-return/exception",
        {"agreed_by": "ofc-2", "reason": "clinic"},
    ),
    Command(
        "assign a case manager",
        frozenset({"supervisor", "project_manager"}),
        OK,
        f"{P}/case-manager",
        {"case_manager_id": "{case_manager}"},
    ),
    Command(
        "record a contact",
        CASE_MANAGER,
        OK,
        f"{P}/contacts",
        {"contacted_at": at(), "kind": "phone"},
    ),
    Command(
        "share information",
        CASE_MANAGER,
        OK,
        f"{P}/information-shares",
        {"recipient_agency": "kcso", "category": "engagement", "summary": "ok", "shared_at": at()},
    ),
    Command("revoke the ROI", CASE_MANAGER, OK, f"{P}/roi/revoke", {"revoked_at": at()}),
    Command(
        "complete the intake",
        CASE_MANAGER,
        OK,
        f"{P}/intake",
        {"completed_at": at(), "plan_summary": "housing"},
    ),
    Command(
        "sign a ROI",
        CASE_MANAGER,
        OK,
        f"{P}/roi",
        {"signed_at": at(), "agencies": ["kcso"], "categories": ["plan"]},
    ),
    Command("readmit", CASE_MANAGER, OK, f"{P}/readmit", {"readmitted_at": at()}),
    Command(
        "discharge",
        frozenset({"case_manager", "supervisor"}),
        OK,
        f"{P}/discharge",
        {"discharged_at": at(), "reason": "sustained_non_engagement"},
    ),
]


@dataclass
class Site:
    container: Container
    http: httpx.AsyncClient
    ids: dict[str, str]


@pytest.fixture(scope="module", params=STORES)
async def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> AsyncIterator[Site]:
    settings = empty_store(request, tmp_path_factory.mktemp("writes"), sqlite_template)
    async with serving(settings) as (container, http):
        for caller in CALLERS:
            register_agency(container, caller.agency)
        await set_policy(http, container)
        referral = await refer(http, container, arrest_diversion(n=70))
        pid = referral["participant_id"]
        cm = headers_for(container, "case_manager", "lead-cm")
        roi = {"signed_at": at(minutes=-30), "agencies": ["kcso"], "categories": ["engagement"]}
        signed = await http.post(f"/v1/participants/{pid}/roi", json=roi, headers=cm)
        assert signed.status_code == 201
        pending = await open_matter(http, container, pid, "pending_case", office="city-atty")
        sup = headers_for(container, "supervisor", "lead-cm")
        manager = await http.post("/v1/case-managers", json={"name": "Alex"}, headers=sup)
        ids = {
            "pid": pid,
            "diverted": str(diverted_matter_id(UUID(referral["referral_id"]))),
            "pending": pending["matter_id"],
            "case_manager": manager.json()["case_manager_id"],
        }
        yield Site(container, http, ids)


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
async def test_each_command_is_for_the_agencies_the_rule_names(
    site: Site, command: Command
) -> None:
    callers = [c for c in CALLERS if c.role in command.roles]
    wrong = []
    # The refused first: a refusal must change nothing, whatever the order.
    for caller in sorted(callers, key=lambda c: command.expect(c) == "ok"):
        body = {
            k: v.format(**site.ids) if isinstance(v, str) else v for k, v in command.body.items()
        }
        if command.name == "refer again":
            body = door_body(caller.role, site.ids["pid"])
        before = head(site.container)
        headers = headers_for(site.container, caller.role, caller.agency)
        url = command.path.format(**site.ids)
        response = await site.http.post(url, json=body, headers=headers)
        expected = command.expect(caller)
        got = "ok" if response.status_code not in (403, 404) else str(response.status_code)
        if got != expected or response.status_code >= 500:
            wrong.append(f"{caller.role}@{caller.agency}: {response.status_code}, want {expected}")
        if expected != "ok" and head(site.container) != before:
            wrong.append(f"{caller.role}@{caller.agency}: a refused command wrote events")
    assert wrong == []
    print(f"write matrix: {command.name} x {len(callers)} callers")  # noqa: T201
