"""Issue 16 over HTTP: report requests and their answers (a violation report is a Golden Rule
flag), courts and probation recording adverse actions and asking for reports, and the reads
of one legal matter, a participant's shares, adverse actions and report requests, each through
the disclosure policy and accounted."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.container import Container
from tests.conftest import headers_for, register_agency
from tests.e2e.audit_helpers import all_pages, auditor
from tests.e2e.helpers import at, enroll, refer, set_policy, social_contact
from tests.e2e.legal_helpers import case_manager, decide, open_matter, prosecutor
from tests.e2e.test_golden_rule import flags
from tests.e2e.test_legal_adverse_actions import act, enrolled, shared

pytestmark = pytest.mark.e2e

COURT, PROBATION = ("court", "kcsc"), ("probation", "doc")


def as_(container: Container, who: tuple[str, str], actor: str = "clerk-1") -> dict[str, str]:
    return headers_for(container, who[0], who[1], actor=actor)


async def with_a_court_case(http: httpx.AsyncClient, container: Container) -> tuple[str, str]:
    """An enrolled participant (ROI: spd, kcpao for engagement) with a pending case that
    kcpao holds and the court and probation are party to."""
    pid = await enrolled(http, container)
    parties = [COURT[1], PROBATION[1]]
    matter = await open_matter(http, container, pid, "pending_case", parties=parties)
    return pid, matter["matter_id"]


async def ask(
    http: httpx.AsyncClient, pid: str, headers: dict[str, str], kind: str = "violation_report"
) -> httpx.Response:
    body = {"requested_at": at(minutes=-2), "kind": kind, "note": "hearing on the 14th"}
    return await http.post(f"/v1/participants/{pid}/report-requests", json=body, headers=headers)


async def answer(
    http: httpx.AsyncClient, container: Container, pid: str, request_id: str, reply: str
) -> httpx.Response:
    return await http.post(
        f"/v1/participants/{pid}/report-requests/{request_id}/answer",
        json={"answered_at": at(minutes=-1), "answer": reply},
        headers=case_manager(container),
    )


async def read(
    http: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> tuple[int, dict[str, Any]]:
    response = await http.get(url, headers=headers)
    return response.status_code, response.json()


async def test_a_violation_report_request_is_a_flag_and_answered_with_nothing_helpful(
    http: httpx.AsyncClient, container: Container
) -> None:
    pid, _ = await with_a_court_case(http, container)
    asked = await ask(http, pid, as_(container, COURT))
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["request_id"]
    [flag] = await flags(http, container, rule="case_manager_asked_to_report_violations")
    assert (flag["participant_id"], flag["status"]) == (pid, "open")
    assert flag["events"] == [asked.json()["position"]]
    progress = await ask(http, pid, as_(container, PROBATION), kind="progress_report")
    assert progress.status_code == 201, progress.text
    assert len(await flags(http, container, rule="case_manager_asked_to_report_violations")) == 1
    replied = await answer(http, container, pid, request_id, "nothing_helpful_to_report")
    assert replied.status_code == 201, replied.text
    assert replied.json()["answered"] == "nothing_helpful_to_report"
    again = await answer(http, container, pid, request_id, "working_with_participant")
    assert again.status_code == 409
    # The flag stands whatever the answer (DOMAIN.md).
    assert len(await flags(http, container, rule="case_manager_asked_to_report_violations")) == 1
    history = await all_pages(
        http, f"/v1/participants/{pid}/history", auditor(container), limit=500
    )
    types = [item["type"] for item in history]
    assert types.count("Coordination.ReportRequested") == 2
    assert types.count("Coordination.ReportRequestAnswered") == 1


async def test_who_may_ask_and_answer_and_bad_input(
    http: httpx.AsyncClient, container: Container
) -> None:
    pid, _ = await with_a_court_case(http, container)
    refused = {
        "community_partner": headers_for(container, "community_partner", "cbo"),
        "defense": headers_for(container, "defense", "tdo"),
        "case_manager": case_manager(container),
    }
    for role, headers in refused.items():
        assert (await ask(http, pid, headers)).status_code == 403, role
    stranger = headers_for(container, "court", "muni")
    assert (await ask(http, pid, stranger)).status_code == 404
    before = await read(http, f"/v1/participants/{pid}/report-requests", case_manager(container))
    bad = {"requested_at": at(minutes=-1), "kind": "supervision_report", "note": ""}
    wrong_kind = await http.post(
        f"/v1/participants/{pid}/report-requests", json=bad, headers=as_(container, COURT)
    )
    assert wrong_kind.status_code == 422
    request_id = (await ask(http, pid, as_(container, COURT))).json()["request_id"]
    violations = await answer(http, container, pid, request_id, "missed_curfew_twice")
    assert violations.status_code == 422  # case managers never report specific violations
    unknown = await answer(http, container, pid, pid, "nothing_helpful_to_report")
    assert unknown.status_code == 404
    court_answers = await http.post(
        f"/v1/participants/{pid}/report-requests/{request_id}/answer",
        json={"answered_at": at(minutes=-1), "answer": "nothing_helpful_to_report"},
        headers=as_(container, COURT),
    )
    assert court_answers.status_code == 403
    after = await read(http, f"/v1/participants/{pid}/report-requests", case_manager(container))
    assert len(after[1]["items"]) == len(before[1]["items"]) + 1  # the bad ones left nothing


async def test_report_requests_are_read_by_the_asker_and_case_management(
    http: httpx.AsyncClient, container: Container
) -> None:
    pid, _ = await with_a_court_case(http, container)
    await ask(http, pid, as_(container, COURT))
    await ask(http, pid, as_(container, PROBATION), kind="progress_report")
    url = f"/v1/participants/{pid}/report-requests"
    status, whole = await read(http, url, case_manager(container))
    assert status == 200
    assert sorted(i["agency"] for i in whole["items"]) == ["doc", "kcsc"]
    status, court = await read(http, url, as_(container, COURT))
    assert (status, [i["agency"] for i in court["items"]]) == (200, ["kcsc"])
    assert court["items"][0]["answer"] is None
    status, _ = await read(http, url, headers_for(container, "court", "muni"))
    assert status == 404


async def test_courts_and_probation_record_adverse_actions_and_read_their_own(
    http: httpx.AsyncClient, container: Container
) -> None:
    pid, matter_id = await with_a_court_case(http, container)
    basis = {"independent_source": "violation report from the jail"}
    by_court = await act(
        http, container, pid, basis, headers=as_(container, COURT), kind="revocation_motion"
    )
    assert by_court.status_code == 201, by_court.text
    by_probation = await act(
        http, container, pid, None, headers=as_(container, PROBATION), kind="warrant_request"
    )
    assert by_probation.status_code == 201, by_probation.text
    by_police = await act(http, container, pid, basis)
    assert by_police.status_code == 201
    url = f"/v1/participants/{pid}/adverse-actions"
    status, whole = await read(http, url, case_manager(container))
    assert status == 200
    assert sorted(i["agency"] for i in whole["items"]) == ["doc", "kcsc", "spd"]
    court = next(i for i in whole["items"] if i["agency"] == "kcsc")
    assert court["basis"]["independent_source"] == basis["independent_source"]
    assert court["basis_declared"] is True
    status, court_reads = await read(http, url, as_(container, COURT))
    assert (status, [i["agency"] for i in court_reads["items"]]) == (200, ["kcsc"])
    # The ROI names spd for engagement only: the legal section is not its to see.
    status, police = await read(http, url, headers_for(container, "police", "spd"))
    assert (status, police["items"]) == (200, [])
    assert len(await flags(http, container, rule="adverse_action_without_basis")) == 1
    defense = headers_for(container, "defense", "tdo")
    assert (await act(http, container, pid, basis, headers=defense)).status_code == 403
    status, _ = await read(http, f"/v1/legal-matters/{matter_id}", as_(container, COURT))
    assert status == 200  # party to the matter


async def test_shares_are_read_by_their_recipient_and_case_management(
    http: httpx.AsyncClient, container: Container
) -> None:
    pid = await enrolled(http, container)
    share_id = await shared(http, container, pid)
    url = f"/v1/participants/{pid}/shares"
    status, whole = await read(http, url, case_manager(container))
    assert (status, [i["share_id"] for i in whole["items"]]) == (200, [share_id])
    assert whole["items"][0]["roi_id"]
    status, spd = await read(http, url, headers_for(container, "police", "spd"))
    assert (status, [i["share_id"] for i in spd["items"]]) == (200, [share_id])
    status, kcpao = await read(http, url, prosecutor(container))  # named in a ROI, no shares
    assert (status, kcpao["items"]) == (200, [])
    status, _ = await read(http, url, headers_for(container, "police", "tpd"))
    assert status == 404


async def test_one_legal_matter_with_its_decisions_who_when_why(
    http: httpx.AsyncClient, container: Container
) -> None:
    pid, matter_id = await with_a_court_case(http, container)
    held = await decide(http, container, matter_id, "hold", review_at=at(days=30))
    assert held.status_code == 201, held.text
    url = f"/v1/legal-matters/{matter_id}"
    status, body = await read(http, url, prosecutor(container))
    assert status == 200
    assert (body["participant_id"], body["matter"]["state"]) == (pid, "held")
    [decision] = body["decisions"]
    assert (decision["decision"], decision["note"], decision["actor"]) == (
        "hold",
        "hold: see the file",
        "dpa-7",
    )
    assert (await read(http, url, case_manager(container)))[0] == 200
    for stranger in (("prosecutor", "pao-x"), ("police", "tpd"), ("court", "muni")):
        assert (await read(http, url, headers_for(container, *stranger)))[0] == 404, stranger
    assert (await read(http, f"/v1/legal-matters/{pid}", prosecutor(container)))[0] == 404
    disclosed = await all_pages(
        http, "/v1/audit/disclosures", auditor(container), participant_id=pid
    )
    reads = [d for d in disclosed if d.get("detail") == f"legal matter {matter_id}"]
    assert [r["categories"] for r in reads] == [["legal"], ["legal"]]


async def test_no_roi_lets_courts_or_probation_supervise(
    http: httpx.AsyncClient, container: Container
) -> None:
    """Toolkit: courts and probation cannot supervise participants through LEAD. Even a ROI
    naming them for the plan and engagement shows only that case management is working with
    the person."""
    await set_policy(http, container)
    for agency in (COURT[1], PROBATION[1]):
        register_agency(container, agency)
    pid = (await refer(http, container, social_contact()))["participant_id"]
    agencies = [COURT[1], PROBATION[1]]
    await enroll(http, container, pid, agencies, ["plan", "engagement", "legal_status"])
    for who in (COURT, PROBATION):
        status, view = await read(http, f"/v1/participants/{pid}", as_(container, who))
        assert status == 200
        assert view["progress"] == {"working_with_participant": True}
        assert not {"plan", "active", "engagement"} & set(view), who
    status, view = await read(http, f"/v1/participants/{pid}", case_manager(container))
    assert {"plan", "active", "engagement"} <= set(view)
