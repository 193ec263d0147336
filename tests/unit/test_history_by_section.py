"""What one caller may read of each event of a participant's history: the section's data, if
it may see that section and the row is its own (its referral, a matter it may see, a share
it received, its own system's identifier); what it recorded itself; never an unknown kind."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from domain.base import Meta
from domain.coordination import Coordination, ShareCheck
from domain.disclosure import Caller, Section
from domain.disclosure_events import EventReader
from domain.legal_values import Basis
from domain.values import PolicyTerms
from tests.unit.builders import T0, cm_stamp, refer, sign_roi
from tests.unit.legal_fixtures import matter, stamp

pytestmark = pytest.mark.unit

DEFENSE = Caller("tdo", "defense")
S = Section


def reader(
    *visible: Section, matters: frozenset[UUID] = frozenset(), legal_status: bool = False
) -> EventReader:
    return EventReader(DEFENSE, frozenset(visible), matters, PolicyTerms(), legal_status)


def test_the_site_staff_read_every_event() -> None:
    participant = refer()
    whole = EventReader(Caller("audit", "auditor"), frozenset(S), frozenset(), PolicyTerms())
    assert all(whole.shows(e) is not None for e in participant.collect_events())


def test_a_plan_is_withheld_without_the_plan_section() -> None:
    participant = refer()
    participant.collect_events()
    participant.complete_intake(T0, "detox bed", cm_stamp())
    [intake] = participant.collect_events()
    assert reader(S.LEGAL).shows(intake) is None
    assert reader(S.PLAN).shows(intake) == S.PLAN


def test_a_matter_shows_to_those_who_may_see_that_matter() -> None:
    mine, theirs = matter("pending_case"), matter("pending_case")
    [opened] = mine.collect_events()
    [other] = theirs.collect_events()
    party = reader(S.LEGAL, matters=frozenset({mine.id}))
    assert party.shows(opened) == S.LEGAL
    assert party.shows(other) is None


def test_an_adverse_action_without_a_matter_needs_a_roi_for_the_legal_status() -> None:
    record = Coordination.open(uuid4(), stamp())
    record.record_adverse_action(uuid4(), "booking", None, Basis(), "", T0, stamp())
    action = record.collect_events()[-1]
    assert reader(S.LEGAL, matters=frozenset({uuid4()})).shows(action) is None
    assert reader(S.LEGAL, legal_status=True).shows(action) == S.LEGAL


def test_a_share_shows_to_its_recipient_only() -> None:
    record = Coordination.open(uuid4(), stamp())
    record.share(uuid4(), ShareCheck(uuid4()), ("tdo", "engagement"), "x", T0, stamp())
    record.share(uuid4(), ShareCheck(uuid4()), ("spd", "engagement"), "y", T0, stamp())
    _, to_defense, to_police = record.collect_events()
    assert reader(S.SHARES).shows(to_defense) == S.SHARES
    assert reader(S.SHARES).shows(to_police) is None


def test_what_an_agency_recorded_itself_it_may_read_back() -> None:
    participant = refer()
    participant.collect_events()
    own = Meta(actor="pd-1", client_id="tdo-defense", agency="tdo", role="defense")
    sign_roi(participant, T0)
    [roi] = participant.collect_events()
    assert reader().shows(roi) is None
    object.__setattr__(roi, "meta", own)
    assert reader().shows(roi) == S.CASE_RECORD
