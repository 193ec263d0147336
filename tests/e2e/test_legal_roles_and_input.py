"""Deny by default on every legal endpoint; bad input is a 422 problem and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from domain.roles import ROLES
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import at, enroll, refer, set_policy, social_contact
from tests.e2e.legal_helpers import head, open_matter

pytestmark = pytest.mark.e2e

Body = dict[str, Any]


def endpoints(pid: str, mid: str) -> list[tuple[str, str, set[str], Body | None]]:
    return [
        ("POST", f"/v1/participants/{pid}/legal-matters", {"prosecutor", "case_manager"}, {}),
        ("POST", f"/v1/legal-matters/{mid}/decisions", {"prosecutor"}, {}),
        ("POST", f"/v1/participants/{pid}/information-shares", {"case_manager"}, {}),
        (
            "POST",
            f"/v1/participants/{pid}/adverse-actions",
            {"police", "prosecutor", "court", "probation"},
            {},
        ),
        ("GET", "/v1/queues/liaison-prosecutor", {"prosecutor"}, None),
    ]


async def test_every_role_on_every_legal_endpoint(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    pid = (await refer(http, container, social_contact()))["participant_id"]
    mid = (await open_matter(http, container, pid, "warrant"))["matter_id"]
    unexpected: list[str] = []
    for method, url, allowed, body in endpoints(pid, mid):
        for role in sorted(ROLES):
            headers = headers_for(container, role, f"agency-{role}")
            response = await http.request(method, url, json=body, headers=headers)
            if (response.status_code == 403) == (role in allowed):
                unexpected.append(f"{role} {method} {url} -> {response.status_code}")
    assert unexpected == []


MATTER: Body = {"kind": "pending_case", "case_number": "26-1-1"}
SHARE: Body = {
    "recipient_agency": "spd",
    "category": "engagement",
    "summary": "engaged",
    "shared_at": at(minutes=-1),
}
ACTION: Body = {"kind": "booking", "taken_at": at(minutes=-1)}
DECISION: Body = {"decision": "dismiss"}
Mutate = Callable[[Body], Body]
CASES: list[tuple[str, str, Mutate, str]] = [
    ("legal-matters", "prosecutor", lambda b: b | {"kind": "diverted_charge"}, "body.kind"),
    ("legal-matters", "prosecutor", lambda b: b | {"case_number": ""}, "body.case_number"),
    ("legal-matters", "prosecutor", lambda b: b | {"extra": 1}, "body.extra"),
    ("legal-matters", "prosecutor", lambda b: b | {"incident_at": at(days=2)}, "incident_at"),
    ("decisions", "prosecutor", lambda b: b | {"decision": "ignore"}, "body.decision"),
    ("decisions", "prosecutor", lambda b: b | {"review_at": "tomorrow"}, "body.review_at"),
    ("decisions", "prosecutor", lambda b: b | {"basis": {"lead_information_refs": 3}}, None),
    ("decisions", "prosecutor", lambda b: b | {"decided_at": at(hours=1)}, "decided_at"),
    ("information-shares", "case_manager", lambda b: b | {"shared_at": at(hours=1)}, None),
    ("information-shares", "case_manager", lambda b: b | {"recipient_agency": "SPD!"}, None),
    (
        "information-shares",
        "case_manager",
        lambda b: {k: v for k, v in b.items() if k != "summary"},
        None,
    ),
    ("adverse-actions", "police", lambda b: b | {"kind": "stop_and_frisk"}, "body.kind"),
    ("adverse-actions", "police", lambda b: b | {"matter_id": "nope"}, "body.matter_id"),
    ("adverse-actions", "police", lambda b: b | {"basis": {"hunch": "yes"}}, "body.basis.hunch"),
    ("adverse-actions", "police", lambda b: b | {"taken_at": "2026-11-24T10:00:00"}, None),
]


@pytest.mark.parametrize(("path", "role", "mutate", "field"), CASES)
async def test_bad_input_is_a_422_problem_and_nothing_changes(
    http: httpx.AsyncClient,
    container: Container,
    path: str,
    role: str,
    mutate: Mutate,
    field: str | None,
) -> None:
    await set_policy(http, container)
    pid = (await refer(http, container, social_contact()))["participant_id"]
    await enroll(http, container, pid)
    mid = (await open_matter(http, container, pid, "pending_case"))["matter_id"]
    base = {
        "legal-matters": MATTER,
        "decisions": DECISION,
        "information-shares": SHARE,
        "adverse-actions": ACTION,
    }[path]
    url = (
        f"/v1/legal-matters/{mid}/decisions"
        if path == "decisions"
        else (f"/v1/participants/{pid}/{path}")
    )
    before = head(container)
    response = await http.post(url, json=mutate(base), headers=headers_for(container, role, "spd"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"]
    if field is not None:
        assert any(field in (e["field"] or "") for e in problem["errors"]), problem
    assert head(container) == before
