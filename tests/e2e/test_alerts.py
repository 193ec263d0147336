"""Time-based alerts: raised by the deadline worker from the clock and the site policy as events
in the log (so they are in the history), once per deadline and threshold even with two
workers ticking at once, and told to whom may see them."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from infra.settings import Settings
from tests.conftest import headers_for
from tests.e2e.helpers import arrest_diversion, at, refer, set_policy
from tests.e2e.legal_helpers import decide, open_matter
from tests.e2e.notify_site import NotifySite, notify_site

pytestmark = pytest.mark.e2e
ALERTS = ["intake_deadline.approaching", "roi.expiring", "hold.review_due"]
# Who is told (besides the site's staff): the intake deadline to those related to the person
# (the referring police, the office holding a matter); the ROI's expiry to case management
# only (the ROIs are the case record); the hold to the office that holds the matter.
TOLD = {
    ("police", "spd"): ["intake_deadline.approaching"],
    ("prosecutor", "kcpao"): ["hold.review_due", "intake_deadline.approaching"],
    ("case_manager", "lead-cm"): ["roi.expiring", "hold.review_due", "intake_deadline.approaching"],
    ("police", "tpd"): [],
}


@pytest.fixture
async def site(settings: Settings) -> AsyncIterator[NotifySite]:
    async with notify_site(settings) as built:
        yield built


def tick(site: NotifySite, workers: int = 1) -> int:
    """The alert job of `workers` deadline workers at once; the alerts they raised."""
    site.container.projector.run_until_caught_up()
    job = site.container.background.jobs["alerted"]
    counts: list[int] = []
    threads = [threading.Thread(target=lambda: counts.append(job())) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts)


async def test_alerts_are_events_raised_once_and_told_to_whom_may_see_them(
    site: NotifySite,
) -> None:
    http, container = site.http, site.container
    for (role, agency), _ in TOLD.items():
        await site.subscribe(role, agency, f"/ok/{agency}", ALERTS)
    await set_policy(http, container)
    pid = (await refer(http, container, arrest_diversion()))["participant_id"]
    cm = headers_for(container, "case_manager", "lead-cm")
    roi = {"signed_at": at(minutes=-5), "agencies": ["spd"], "categories": ["engagement"]}
    signed = await http.post(
        f"/v1/participants/{pid}/roi", json=roi | {"expires_at": at(days=20)}, headers=cm
    )
    assert signed.status_code == 201, signed.text
    case = await open_matter(http, container, pid, "pending_case")
    held = await decide(http, container, case["matter_id"], "hold", review_at=at(days=10))
    assert held.status_code == 201, held.text
    assert tick(site) == 0  # nothing is near yet
    container.clock.advance(timedelta(days=10))  # type: ignore[attr-defined]
    assert tick(site) == 2  # the hold's review date; the ROI expires within 14 days
    assert tick(site) == 0  # each once
    container.clock.advance(timedelta(days=14))  # type: ignore[attr-defined]
    assert tick(site, workers=2) == 1  # the intake deadline is within 7 days: raised once
    assert tick(site, workers=2) == 0
    site.caught_up()
    for (_, agency), types in TOLD.items():
        told = sorted(r.json["type"] for r in site.receiver.at(f"/ok/{agency}"))
        assert told == sorted(types), agency
    auditor = headers_for(container, "auditor", "audit")
    history = await http.get(f"/v1/participants/{pid}/history", headers=auditor)
    kinds = [item["type"] for item in history.json()["items"]]
    assert kinds.count("Participant.IntakeDeadlineApproaching") == 1
    assert kinds.count("Participant.RoiExpiring") == 1
    assert kinds.count("LegalMatter.HoldReviewDue") == 1
    for moment, expected in [
        (at(hours=1), []),
        (at(days=10, hours=1), ["roi"]),
        (at(days=24, hours=1), ["roi", "intake"]),
    ]:
        then = await http.get(f"/v1/participants/{pid}", params={"as_of": moment}, headers=auditor)
        assert then.status_code == 200, then.text
        assert [a["kind"] for a in then.json().get("alerts", [])] == expected, moment
    police = await http.get(
        f"/v1/participants/{pid}", headers=headers_for(container, "police", "spd")
    )
    assert "alerts" not in police.json()  # the case record: the site's staff only
