"""Who is told of what, as a generated matrix: every notification the site makes, to every
reader (role, agency), over webhooks and the pull feed. Expected from the disclosure table
(DOMAIN.md, "Who sees what"), not from the code: the site's staff and auditors see all; the
referring agency what it may see of its own people; the office holding a matter its matter; a
stranger nothing, except police while a non-return request is in force. Golden Rule flags are
told as the Golden Rule view reads them: to defense, the project manager and auditors; one
event is one message to a reader (a request to report violations is told to those who may see
the request as the request, to defense as the flag it raises)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from infra.audit_tables import access_log
from infra.settings import Settings
from tests.conftest import headers_for
from tests.e2e.helpers import (
    arrest_diversion,
    at,
    enroll,
    person,
    refer,
    set_policy,
    social_contact,
)
from tests.e2e.notify_site import NotifySite, notify_site
from tests.e2e.test_missed_diversions import missed

pytestmark = pytest.mark.e2e
TYPES = [
    "referral.declined",
    "participant.enrolled",
    "intake_deadline.expired",
    "legal_matter.opened",
    "non_return.violation_reported",
    "report_request.made",
    "golden_rule.flag_raised",
    "possible_duplicate.found",
]
FULL = [("case_manager", "lead-cm"), ("auditor", "audit"), ("project_manager", "pcg")]
TIED = [("police", "spd"), ("prosecutor", "kcpao"), ("community_partner", "cbo")]
STRANGERS = [
    ("police", "tpd"),
    ("prosecutor", "pao-x"),
    ("defense", "pdx"),
    ("court", "muni"),
    ("probation", "doc2"),
]
READERS = FULL + TIED + STRANGERS
# (type, person) -> the agencies beside the site's staff that are told. P1 enrolled after an
# arrest diversion by spd (its diverted charge held by kcpao, the liaison office); P2's intake
# deadline expired after a non-return violation; P3 was referred by cbo and declined.
TOLD = {
    ("legal_matter.opened", "P1"): {"spd", "kcpao"},  # spd's own arrest opened it
    ("participant.enrolled", "P1"): {"spd", "kcpao"},
    ("legal_matter.opened", "P2"): {"spd", "kcpao"},
    ("non_return.violation_reported", "P2"): {"spd"},
    ("intake_deadline.expired", "P2"): {"spd", "kcpao"},
    ("referral.declined", "P3"): {"cbo"},
}
# spd asked case management to report P1's violations (the request, and a flag); spd booked P2
# with no basis declared (a flag); pdx recorded a missed diversion (a flag naming no one).
TOLD[("report_request.made", "P1")] = {"spd"}
# Told to exactly these agencies, whatever the role.
FLAG_READERS = {"pdx", "audit", "pcg"}
EXACT = {
    ("golden_rule.flag_raised", "P1"): {"pdx"},  # audit and pcg are told the request instead
    ("golden_rule.flag_raised", "P2"): FLAG_READERS,
    ("golden_rule.flag_raised", None): FLAG_READERS,
    # spd referred P1 again with a typo in the given name: a new record P4 (a pair with P1).
    # Test2, Test4 and Test5 Person share P1's birth date and all but a digit of the name: the
    # candidate search pairs each with the records before it (Test3 too, but it was declined:
    # the site's staff are told of that instead, one message per event).
    **{("possible_duplicate.found", p): {"lead-cm", "pcg"} for p in ("P4", "P2", "P5", "P6")},
}
# Webhooks are sent at once, while P2's non-return request is in force: any police agency
# may see it then. The feed is read a month later, when it no longer is.
TOLD_AT_ONCE = {("non_return.violation_reported", "P2"): {"tpd"}}
PERSONAL = (
    *("Test", "Person", "1985-03-02", "P-0000", "housing", "3rd Ave", "Pine St", "corner"),
    *("hearing", "officer", "jail", "Tset"),  # notes, and the name's typo
)
Key = tuple[str, str | None]


def expected(agency: str, role: str, *, at_once: bool) -> set[Key]:
    full = (role, agency) in FULL
    told: set[Key] = {
        key
        for key, agencies in TOLD.items()
        if full or agency in agencies or (at_once and agency in TOLD_AT_ONCE.get(key, set()))
    }
    return told | {key for key, agencies in EXACT.items() if agency in agencies}


@pytest.fixture
async def site(settings: Settings) -> AsyncIterator[NotifySite]:
    async with notify_site(settings) as built:
        yield built


async def make_the_site_happen(site: NotifySite) -> dict[str, str]:
    http, container = site.http, site.container
    await set_policy(http, container, caseload_max=2, caseload_average_threshold=1)
    people = {}
    people["P1"] = (await refer(http, container, arrest_diversion(1)))["participant_id"]
    await enroll(http, container, people["P1"])
    typo = social_contact(1, person=person(1) | {"given_name": "Tset1"})
    again = await refer(http, container, typo)
    assert (again["status"], again["participant_id"] != people["P1"]) == ("referred", True)
    people["P4"] = again["participant_id"]
    people["P2"] = (await refer(http, container, arrest_diversion(2)))["participant_id"]
    violation = await http.post(
        f"/v1/participants/{people['P2']}/non-return/violation",
        headers=headers_for(container, "police", "spd"),
        json={"observed_at": at(minutes=-10), "note": "back at the corner"},
    )
    assert violation.status_code == 201, violation.text
    people["P5"], people["P6"] = await fill_the_caseloads(site)
    community = social_contact(3, door="community", referring_organization="outreach")
    community["person"]["identifiers"] = []
    declined = await refer(http, container, community, "community_partner", "cbo")
    assert declined["status"] == "declined"
    people["P3"] = declined["participant_id"]
    await golden_rule_events(site, people)
    site.caught_up()  # told while the non-return request is in force
    container.clock.advance(timedelta(days=31))  # type: ignore[attr-defined]
    assert container.deadlines.tick() == 1  # P2's deadline (P1 enrolled)
    site.caught_up()
    return people


async def golden_rule_events(site: NotifySite, people: dict[str, str]) -> None:
    http, container, spd = site.http, site.container, headers_for(site.container, "police", "spd")
    asked = await http.post(
        f"/v1/participants/{people['P1']}/report-requests",
        json={"requested_at": at(minutes=-2), "kind": "violation_report", "note": "hearing"},
        headers=spd,
    )
    assert asked.status_code == 201, asked.text
    booked = await http.post(
        f"/v1/participants/{people['P2']}/adverse-actions",
        json={"kind": "booking", "taken_at": at(minutes=-3), "note": "held at the jail"},
        headers=spd,
    )
    assert booked.status_code == 201, booked.text
    pdx = headers_for(container, "defense", "pdx")
    recorded = await http.post("/v1/missed-diversions", json=missed(), headers=pdx)
    assert recorded.status_code == 201, recorded.text


async def fill_the_caseloads(site: NotifySite) -> list[str]:
    http, container = site.http, site.container
    sup = headers_for(container, "supervisor", "lead-cm")
    cm = (await http.post("/v1/case-managers", json={"name": "Alex"}, headers=sup)).json()
    taking = []
    for n in (4, 5):
        taken = await refer(http, container, social_contact(n))
        taking.append(taken["participant_id"])
        assigned = await http.post(
            f"/v1/participants/{taken['participant_id']}/case-manager",
            json={"case_manager_id": cm["case_manager_id"]},
            headers=sup,
        )
        assert assigned.status_code == 200, assigned.text
    container.projector.run_until_caught_up()
    return taking


def told(items: list[dict[str, Any]], people: dict[str, str]) -> set[Key]:
    person: dict[str | None, str | None] = {pid: name for name, pid in people.items()}
    person[None] = None  # a missed diversion names no one
    return {(str(i["type"]), person[i["data"]["participant_id"]]) for i in items}


async def test_each_notification_reaches_exactly_the_agencies_that_may_see_it(
    site: NotifySite,
) -> None:
    for role, agency in READERS:
        await site.subscribe(role, agency, f"/ok/{agency}-{role}", TYPES)
    people = await make_the_site_happen(site)
    cases = 0
    for role, agency in READERS:
        path = f"/ok/{agency}-{role}"
        hooks = [r.json for r in site.receiver.at(path, acknowledged=False)]
        assert all(r.verified for r in site.receiver.at(path)), path
        assert told(hooks, people) == expected(agency, role, at_once=True), path
        assert len(hooks) == len(expected(agency, role, at_once=True)), "each told once"
        headers = headers_for(site.container, role, agency)
        feed = await site.http.get("/v1/notifications", headers=headers)
        assert feed.status_code == 200, feed.text
        assert told(feed.json()["items"], people) == expected(agency, role, at_once=False)
        cases += len(TOLD) + len(EXACT)
    assert cases == len(READERS) * (len(TOLD) + len(EXACT)) == 154
    bodies = " ".join(r.body.decode() for r in site.receiver.received)
    assert not [word for word in PERSONAL if word in bodies]


async def test_each_delivery_and_each_feed_item_is_accounted_as_a_disclosure(
    site: NotifySite,
) -> None:
    made = await site.subscribe("police", "spd", "/ok/spd", TYPES)
    people = await make_the_site_happen(site)
    spd = headers_for(site.container, "police", "spd", actor="records-7")
    feed = (await site.http.get("/v1/notifications", headers=spd)).json()
    site.container.audit.access_log.flush()
    table = access_log
    with site.container.sql.connect() as conn:
        rows = conn.execute(
            select(table.c.participant_id, table.c.endpoint, table.c.actor).where(
                table.c.agency == "spd"
            )
        ).all()
    hooks = {(str(p), a) for p, e, a in rows if e == f"webhook {made['subscription_id']}"}
    pulled = {str(p) for p, e, a in rows if e == "GET /v1/notifications" and a == "records-7"}
    assert hooks == {(people["P1"], "notifier"), (people["P2"], "notifier")}
    assert pulled == {str(i["data"]["participant_id"]) for i in feed["items"]}
    assert pulled == {people["P1"], people["P2"]}
