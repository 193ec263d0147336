"""Shares judged against the ROI in force at share time; adverse actions and their basis."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.coordination import Coordination, ShareCheck, check_share, coordination_id
from domain.errors import InvalidInput
from domain.legal_errors import UnknownMatter, UnknownShare
from domain.legal_values import Basis
from domain.participant_state import RoiState
from tests.unit.legal_fixtures import T0, stamp

pytestmark = pytest.mark.unit

AT = T0 + timedelta(days=10)


def roi(**overrides: object) -> RoiState:
    fields: dict[str, object] = {
        "roi_id": uuid4(),
        "signed_at": T0,
        "agencies": ("spd", "kcpao"),
        "categories": ("engagement", "legal_status"),
    }
    return RoiState(**(fields | overrides))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rois", "agency", "category", "refusal"),
    [
        ([], "spd", "engagement", "no_roi"),
        ([roi(signed_at=AT + timedelta(days=1))], "spd", "engagement", "no_roi"),
        ([roi()], "kcso", "engagement", "agency_not_named"),
        ([roi()], "spd", "health", "category_not_covered"),
        ([roi(revoked_at=AT - timedelta(days=1))], "spd", "engagement", "revoked"),
        ([roi(expires_at=AT)], "spd", "engagement", "expired"),
        ([roi(revoked_at=AT + timedelta(days=1))], "spd", "engagement", None),
        (
            [roi(agencies=("kcso",)), roi(signed_at=T0 + timedelta(days=1), categories=("plan",))],
            "spd",
            "plan",
            None,
        ),
    ],
)
def test_a_share_is_judged_against_the_rois_at_share_time(
    rois: list[RoiState], agency: str, category: str, refusal: str | None
) -> None:
    assert check_share(rois, agency, category, AT).refusal == refusal


def test_a_covered_share_names_the_roi_it_went_out_under() -> None:
    older, newer = roi(), roi(signed_at=T0 + timedelta(days=2))
    assert check_share([older, newer], "spd", "engagement", AT) == ShareCheck(newer.roi_id)


def coordination() -> Coordination:
    participant_id = uuid4()
    record = Coordination.open(participant_id, stamp())
    assert record.id == coordination_id(participant_id)
    return record


def test_shares_and_refused_attempts_are_both_recorded_but_only_shares_can_be_cited() -> None:
    record = coordination()
    shared, refused = uuid4(), uuid4()
    record.share(shared, ShareCheck(uuid4()), ("spd", "engagement"), "engaged", AT, stamp())
    record.share(refused, ShareCheck(None, "no_roi"), ("spd", "health"), "detox", AT, stamp())
    shared_event, refused_event = record.pending_events[-2:]
    assert isinstance(shared_event, Coordination.InformationShared)
    assert isinstance(refused_event, Coordination.InformationShareRefused)
    assert refused_event.reason == "no_roi"
    assert "detox" not in str(refused_event.__dict__)
    assert record.share_ids == [shared]
    with pytest.raises(UnknownShare):
        record.check_shares_known([refused])


@pytest.mark.parametrize(
    "basis",
    [
        Basis(independent_source="patrol observation"),
        Basis(exceptional_circumstances="credible threat to life"),
        Basis(),
    ],
)
def test_an_adverse_action_records_its_basis_declared_or_not(basis: Basis) -> None:
    record = coordination()
    action = uuid4()
    record.record_adverse_action(action, "booking", None, basis, "", AT, stamp())
    event = record.pending_events[-1]
    assert isinstance(event, Coordination.AdverseActionRecorded)
    assert (event.basis, event.basis_declared) == (basis, basis.declared)
    assert record.action_ids == [action]


def test_an_adverse_action_may_cite_only_this_participants_shares() -> None:
    record = coordination()
    share = uuid4()
    record.share(share, ShareCheck(uuid4()), ("spd", "engagement"), "engaged", AT, stamp())
    cited = Basis(lead_information_refs=(share,))
    record.record_adverse_action(uuid4(), "warrant_request", None, cited, "", AT, stamp())
    with pytest.raises(UnknownShare, match="no information share"):
        unknown = Basis(lead_information_refs=(share, uuid4()))
        record.record_adverse_action(uuid4(), "booking", None, unknown, "", AT, stamp())
    with pytest.raises(InvalidInput, match="kind"):
        record.record_adverse_action(uuid4(), "stop_and_frisk", None, Basis(), "", AT, stamp())


def test_a_matter_must_be_the_participants_own() -> None:
    record = coordination()
    record.check_matter_is_ours(record.participant_id)
    with pytest.raises(UnknownMatter):
        record.check_matter_is_ours(uuid4())
    with pytest.raises(UnknownMatter):
        record.check_matter_is_ours(None)
