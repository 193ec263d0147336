"""Legal matters over HTTP: the diverted charge an arrest diversion opens, matters opened by
hand, the prosecutor's decisions and who sees the matters on the participant."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from infra.clock import SettableClock
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import at, enroll, refer, set_policy, social_contact
from tests.e2e.legal_helpers import (
    case_manager,
    decide,
    divert,
    head,
    matters_seen,
    open_matter,
    prosecutor,
    topic_at,
)

pytestmark = pytest.mark.e2e

INDEPENDENT = {"independent_source": "victim report, incident 26-118"}


def problem_slug(response: httpx.Response) -> str:
    assert response.headers["content-type"] == "application/problem+json", response.text
    slug: str = response.json()["type"].rsplit("/", 1)[-1]
    return slug


async def test_diversion_then_enrollment_protects_the_charge_from_filing(
    http: httpx.AsyncClient, container: Container
) -> None:
    participant_id, matter_id = await divert(http, container)
    [matter] = await matters_seen(http, participant_id, prosecutor(container))
    assert (matter["matter_id"], matter["kind"], matter["state"]) == (
        matter_id,
        "diverted_charge",
        "diverted",
    )
    assert matter["charges"][0]["code"] == "69.50.4013"
    early = await decide(http, container, matter_id, "file", basis=INDEPENDENT)
    assert (early.status_code, problem_slug(early)) == (409, "diverted-charge-protected")
    await enroll(http, container, participant_id)
    [matter] = await matters_seen(http, participant_id, prosecutor(container))
    assert (matter["state"], matter["open"], matter["protected"]) == ("not_filed", False, True)
    before = head(container)
    refused = await decide(http, container, matter_id, "file", basis=INDEPENDENT)
    assert (refused.status_code, problem_slug(refused)) == (409, "diverted-charge-protected")
    assert head(container) == before


async def test_the_reaction_is_saved_with_the_event_that_caused_it(
    http: httpx.AsyncClient, container: Container
) -> None:
    """The participant's Enrolled event and the matter's ChargeNotFiled share one save:
    consecutive positions, the response's position being the matter's."""
    participant_id, _ = await divert(http, container)
    cm = case_manager(container)
    await http.post(
        f"/v1/participants/{participant_id}/intake",
        headers=cm,
        json={"completed_at": at(minutes=-30), "plan_summary": "housing"},
    )
    roi = await http.post(
        f"/v1/participants/{participant_id}/roi",
        headers=cm,
        json={"signed_at": at(minutes=-20), "agencies": ["spd"], "categories": ["engagement"]},
    )
    position = roi.json()["position"]
    assert topic_at(container, position)[0].endswith("LegalMatter.ChargeNotFiled")
    assert topic_at(container, position - 1)[0].endswith("Participant.Enrolled")


async def test_matters_opened_by_hand_are_listed_open_first(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    participant_id = (await refer(http, container, social_contact()))["participant_id"]
    case = await open_matter(http, container, participant_id, "pending_case", "26-1-1")
    warrant = await open_matter(
        http, container, participant_id, "warrant", "W-9", headers=case_manager(container)
    )
    assert (case["state"], warrant["state"]) == ("awaiting_decision", "warrant_active")
    assert isinstance(case["position"], int)
    dismissed = await decide(http, container, case["matter_id"], "dismiss")
    assert dismissed.status_code == 201, dismissed.text
    assert dismissed.json()["state"] == "dismissed"
    listed = await matters_seen(http, participant_id, prosecutor(container))
    assert [(m["matter_id"], m["open"]) for m in listed] == [
        (warrant["matter_id"], True),
        (case["matter_id"], False),
    ]
    assert listed[1]["last_decision"]["decision"] == "dismiss"


async def test_a_post_enrollment_case_needs_an_enrolled_participant(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    participant_id = (await refer(http, container, social_contact()))["participant_id"]
    response = await http.post(
        f"/v1/participants/{participant_id}/legal-matters",
        json={"kind": "post_enrollment_case", "case_number": "26-1-7"},
        headers=case_manager(container),
    )
    assert (response.status_code, problem_slug(response)) == (409, "state-conflict")
    await enroll(http, container, participant_id)
    opened = await open_matter(http, container, participant_id, "post_enrollment_case")
    assert opened["state"] == "awaiting_decision"


async def test_decisions_that_make_no_sense_are_409_and_bad_fields_422(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container, hold_review_max_days=10)
    participant_id = (await refer(http, container, social_contact()))["participant_id"]
    case = (await open_matter(http, container, participant_id, "pending_case"))["matter_id"]
    quash = await decide(http, container, case, "support_quash")
    assert (quash.status_code, problem_slug(quash)) == (409, "decision-not-allowed")
    late = await decide(http, container, case, "hold", review_at=at(days=11))
    assert (late.status_code, problem_slug(late)) == (422, "review-date-out-of-range")
    assert late.json()["errors"][0]["field"] == "review_at"
    bare = await decide(http, container, case, "file")
    assert (bare.status_code, problem_slug(bare)) == (422, "basis-required")
    for silent in ("", "   \n"):
        why_not = await decide(http, container, case, "decline", note=silent)
        assert (why_not.status_code, problem_slug(why_not)) == (422, "note-required")
        assert why_not.json()["errors"][0]["field"] == "note"
    held = await decide(http, container, case, "hold", review_at=at(days=9))
    assert held.status_code == 201, held.text
    _, event = topic_at(container, held.json()["position"])
    assert (event.policy_version, event.note, event.meta.actor) == (
        1,
        "hold: see the file",
        "dpa-7",
    )
    assert (await decide(http, container, case, "dismiss")).status_code == 201
    again = await decide(http, container, case, "dismiss")
    assert (again.status_code, problem_slug(again)) == (409, "decision-not-allowed")


async def test_unknown_matters_are_404(http: httpx.AsyncClient, container: Container) -> None:
    unknown = "00000000-0000-4000-8000-000000000001"
    assert (await decide(http, container, unknown, "dismiss")).status_code == 404
    assert (await decide(http, container, "not-a-uuid", "dismiss")).status_code in (404, 422)
    response = await http.post(
        f"/v1/participants/{unknown}/legal-matters",
        json={"kind": "warrant", "case_number": "W-1"},
        headers=prosecutor(container),
    )
    assert response.status_code == 404


async def test_who_sees_legal_matters(http: httpx.AsyncClient, container: Container) -> None:
    """The office that holds a matter (diverted charges: the liaison office), case management,
    auditors, and a ROI for `legal_status`; an agency with no relation does not even learn
    that the person is a participant."""
    participant_id, _ = await divert(http, container)
    await enroll(http, container, participant_id, agencies=["spd"], categories=["legal_status"])
    for role, agency in [("prosecutor", "kcpao"), ("case_manager", "lead-cm"), ("auditor", "a")]:
        headers = headers_for(container, role, agency)
        assert len(await matters_seen(http, participant_id, headers)) == 1, role
    named = headers_for(container, "police", "spd")
    assert len(await matters_seen(http, participant_id, named)) == 1
    # Any partner police agency sees the 24-hour non-return request while it is in force,
    # and nothing else.
    other_police = await http.get(
        f"/v1/participants/{participant_id}", headers=headers_for(container, "police", "kcso")
    )
    assert set(other_police.json()) == {"participant_id", "version", "non_return"}
    strangers = [("defense", "dac"), ("community_partner", "dhs"), ("prosecutor", "city-atty")]
    for role, agency in strangers:
        response = await http.get(
            f"/v1/participants/{participant_id}", headers=headers_for(container, role, agency)
        )
        assert response.status_code == 404, (role, agency)


async def test_an_auditor_sees_matters_as_they_were_known(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    participant_id, _ = await divert(http, container)
    clock.advance(timedelta(hours=1))
    await enroll(http, container, participant_id)
    auditor = headers_for(container, "auditor", "audit")
    then = await http.get(
        f"/v1/participants/{participant_id}",
        params={"as_of": at(minutes=30)},
        headers=auditor,
    )
    assert [m["state"] for m in then.json()["legal_matters"]] == ["diverted"]
    assert [m["state"] for m in await matters_seen(http, participant_id, auditor)] == ["not_filed"]
