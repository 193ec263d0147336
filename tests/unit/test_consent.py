"""ROIs as the participant signed them: every ROI in force counts, a new one may replace
earlier ones, a revocation names one or (by default) all, categories are the three the
rulebook names, and access is what the ROIs in force at that moment allow."""

from __future__ import annotations

from itertools import product
from uuid import UUID, uuid4

import pytest

from domain import consent
from domain.errors import InvalidInput, StateConflict
from domain.participant import Participant
from tests.unit.builders import T0, cm_stamp, days, new_events, refer, sign_roi

pytestmark = pytest.mark.unit


def two_rois() -> tuple[Participant, UUID, UUID]:
    """Issue 13's case: ROI1 = {spd, engagement}, ROI2 = {evergreen, plan}."""
    participant = refer()
    first = sign_roi(participant, T0 + days(1), ("spd",), ("engagement",))
    second = sign_roi(participant, T0 + days(2), ("evergreen",), ("plan",))
    participant.collect_events()
    return participant, first, second


def releases(participant: Participant, at_day: float) -> dict[str, frozenset[str]]:
    return {
        agency: consent.categories_for(participant.rois, agency, T0 + days(at_day))
        for agency in ("spd", "evergreen")
    }


def test_every_roi_in_force_counts() -> None:
    participant, _, _ = two_rois()
    assert releases(participant, 3) == {
        "spd": frozenset({"engagement"}),
        "evergreen": frozenset({"plan"}),
    }


def test_a_revocation_by_default_ends_every_roi_in_force() -> None:
    participant, first, second = two_rois()
    revoked = participant.revoke_roi(T0 + days(3), "withdrawn", cm_stamp(T0 + days(3)))
    assert revoked == [first, second]
    assert [e.roi_id for e in new_events(participant)] == [first, second]
    assert releases(participant, 4) == {"spd": frozenset(), "evergreen": frozenset()}
    assert releases(participant, 2.5)["spd"] == frozenset({"engagement"})  # before: it stood


def test_a_revocation_may_name_one_roi() -> None:
    participant, first, _ = two_rois()
    participant.revoke_roi(T0 + days(3), None, cm_stamp(), roi_id=first)
    assert releases(participant, 4) == {"spd": frozenset(), "evergreen": frozenset({"plan"})}


def test_a_new_roi_may_replace_earlier_ones_as_it_is_signed() -> None:
    participant, first, second = two_rois()
    narrower = uuid4()
    replaced = participant.sign_roi(
        narrower,
        T0 + days(5),
        ("spd",),
        ("plan",),
        None,
        cm_stamp(),
        replaces=(first,),
    )
    assert replaced == [first]
    assert [type(e).__name__ for e in new_events(participant)] == ["RoiRevoked", "RoiSigned"]
    assert releases(participant, 6) == {
        "spd": frozenset({"plan"}),
        "evergreen": frozenset({"plan"}),
    }
    participant.sign_roi(
        uuid4(), T0 + days(7), ("spd",), ("engagement",), None, cm_stamp(), replaces="all"
    )
    assert releases(participant, 8) == {"spd": frozenset({"engagement"}), "evergreen": frozenset()}
    assert second in {r.roi_id for r in participant.rois if r.revoked_at is not None}


@pytest.mark.parametrize("category", ["everything", "health", "PLAN", ""])
def test_a_roi_releases_only_plan_engagement_or_legal_status(category: str) -> None:
    participant = refer()
    with pytest.raises(InvalidInput, match=repr(category)) as caught:
        participant.sign_roi(uuid4(), T0, ("spd",), ("plan", category), None, cm_stamp())
    assert caught.value.field == "categories"
    assert new_events(participant) == []


def test_a_revocation_or_replacement_must_name_a_roi_in_force() -> None:
    participant, first, _ = two_rois()
    with pytest.raises(InvalidInput):
        participant.revoke_roi(T0 + days(3), None, cm_stamp(), roi_id=uuid4())
    participant.revoke_roi(T0 + days(3), None, cm_stamp(), roi_id=first)
    participant.collect_events()
    with pytest.raises(StateConflict):
        participant.revoke_roi(T0 + days(4), None, cm_stamp(), roi_id=first)
    with pytest.raises(StateConflict):
        participant.sign_roi(
            uuid4(), T0 + days(4), ("x",), ("plan",), None, cm_stamp(), replaces=(first,)
        )
    assert new_events(participant) == []


STATES = ("none", "in force", "narrowed", "revoked", "expired")


def with_state(state: str) -> Participant:
    participant = refer()
    if state == "none":
        return participant
    expires = T0 + days(3) if state == "expired" else None
    first = sign_roi(participant, T0 + days(1), ("spd", "cbo"), ("plan", "engagement"), expires)
    if state == "narrowed":
        participant.sign_roi(
            uuid4(), T0 + days(2), ("spd",), ("plan",), None, cm_stamp(), replaces=(first,)
        )
    if state == "revoked":
        participant.revoke_roi(T0 + days(2), None, cm_stamp())
    return participant


EXPECTED = {  # (state, agency, category) in force on day 4
    ("in force", "spd", "plan"),
    ("in force", "spd", "engagement"),
    ("in force", "cbo", "plan"),
    ("in force", "cbo", "engagement"),
    ("narrowed", "spd", "plan"),
}


def test_access_is_what_the_rois_in_force_allow_generated() -> None:
    cases = list(product(STATES, ("spd", "cbo", "kcso"), ("plan", "engagement", "legal_status")))
    wrong = [
        case
        for case in cases
        if (case[2] in consent.categories_for(with_state(case[0]).rois, case[1], T0 + days(4)))
        != (case in EXPECTED)
    ]
    assert wrong == []
    assert len(cases) == 45
