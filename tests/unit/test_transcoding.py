"""Every event type survives the store's JSON transcoder, and aggregates rebuilt from the
decoded events equal the originals (no I/O: the mapper alone, as the store configures it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import reduce
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, UUIDAsHex

from domain.caseloads import Caseloads
from domain.duplicates import DuplicateReview
from domain.identifiers import SITE_WIDE, IdentifierClaim
from domain.participant import Participant
from domain.policy import SitePolicy
from domain.values import Demographics, Identifier, Person
from infra.transcodings import register_domain_transcodings
from services.idempotency import IdempotencyRecord
from tests.unit.builders import (
    POLICY_VERSION,
    T0,
    TERMS,
    arrest_diversion,
    cm_stamp,
    days,
    hours,
    refer,
    refer_again,
    stamp,
)

pytestmark = pytest.mark.unit

PERSON = Person("Ada", "Example", date(1980, 5, 1), (Identifier("spd-booking", "B-1"),))
LIBRARY_STATE = {"_pending_events"}
ACCEPTED = SUPERVISOR = True


def mapper() -> Mapper[Any]:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):  # the Application's
        transcoder.register(transcoding)
    register_domain_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


def participant_history() -> Participant:
    first = arrest_diversion(T0)
    p = Participant.refer(uuid4(), PERSON, uuid4(), first, ACCEPTED, TERMS, POLICY_VERSION, stamp())
    assert p.alert_intake_deadline(p.referrals[0].referral_id, 7, stamp(T0 + days(25)))
    p.extend_intake_deadline(T0 + days(44), "sgt-7", "incapacitated", "", "spd", stamp())
    p.expire_intake_deadline(p.referrals[0].referral_id, stamp(T0 + days(45)))
    again = arrest_diversion(T0 + days(50), codes=("theft-3", "vuln"))
    again = replace(again, demographics=Demographics(("Black",), "not hispanic"))
    refer_again(p, again)
    p.record_warm_handoff(T0 + days(50) + hours(1), uuid4(), stamp())
    p.report_non_return_violation(T0 + days(50) + hours(3), "seen", stamp())
    p.grant_non_return_exception("sgt-7", "clinic", stamp(T0 + days(50) + hours(5)))
    roi_id = uuid4()
    p.sign_roi(roi_id, T0 + days(51), ("spd", "reach"), ("engagement",), T0 + days(65), cm_stamp())
    assert p.alert_roi_expiry(roi_id, 14, stamp(T0 + days(55)))
    p.complete_intake(T0 + days(51), "plan", cm_stamp())
    p.record_contact(T0 + days(52), "field", cm_stamp())
    p.assign_case_manager(uuid4(), cm_stamp())
    p.revoke_roi(T0 + days(60), "no longer", cm_stamp())
    p.discharge(T0 + days(61), "staff_safety", "", SUPERVISOR, TERMS, POLICY_VERSION, cm_stamp())
    p.readmit(T0 + days(70), "back", cm_stamp())
    later, earlier = refer(), refer()
    later.link_into(p, uuid4(), "same person", cm_stamp())
    later.undo_link(p, uuid4(), "twins", cm_stamp())
    p.link_into(earlier, uuid4(), "same person", cm_stamp())
    p.undo_link(earlier, uuid4(), "twins", cm_stamp())
    p.forget("court_order", "KCSC 26-2-1", "aud-9", stamp(T0 + days(90)))
    return p


def other_histories() -> list[Aggregate]:
    caseloads = Caseloads.open(cm_stamp())
    cm, participant_id = uuid4(), uuid4()
    caseloads.register_case_manager(cm, "Maria", cm_stamp())
    caseloads.assign(participant_id, cm, 25, POLICY_VERSION, cm_stamp())
    caseloads.release(participant_id, cm_stamp())
    caseloads.retire(cm, T0 + days(3), cm_stamp())
    caseloads.reactivate(cm, cm_stamp())
    caseloads.link_records(uuid4(), participant_id, cm_stamp())
    caseloads.unlink_records(participant_id, cm_stamp())
    policy = SitePolicy.adopt(TERMS, stamp())
    policy.change(replace(TERMS, caseload_max=22), stamp())
    claim = IdentifierClaim.claim(
        PERSON.identifiers[0], participant_id, stamp(), SITE_WIDE, uuid4()
    )
    claim.release(stamp())
    claim.reclaim(PERSON.identifiers[0], uuid4(), stamp())
    record = IdempotencyRecord.accept("c", "k", "fp", "done", {"ids": ["a"], "n": 1}, stamp())
    review = DuplicateReview.start(uuid4(), participant_id, uuid4(), cm_stamp())
    review.link("same", cm_stamp())
    review.unlink("not", cm_stamp())
    review.dismiss("different people", cm_stamp())
    return [caseloads, policy, claim, record, review]


def event_classes(aggregate: Aggregate) -> set[type]:
    """The aggregate's own event types (not the library's per-class Event and Created bases)."""
    return {
        cls
        for name, cls in vars(type(aggregate)).items()
        if isinstance(cls, type)
        and issubclass(cls, Aggregate.Event)
        and name not in {"Event", "Created"}
    }


def as_stored(value: object) -> object:
    """Top-level tuples come back as JSON lists; value objects keep their tuples."""
    return list(value) if isinstance(value, tuple) else value


def test_every_event_round_trips_and_rebuilds_an_equal_aggregate() -> None:
    codec = mapper()
    for original in [participant_history(), *other_histories()]:
        events = list(original.collect_events())
        assert {type(e) for e in events} == event_classes(original), type(original).__name__
        decoded: list[Any] = [codec.to_domain_event(codec.to_stored_event(e)) for e in events]
        for event, back in zip(events, decoded, strict=True):
            assert type(back) is type(event)
            assert vars(back) == {k: as_stored(v) for k, v in vars(event).items()}
        rebuilt: Any = reduce(lambda agg, e: e.mutate(agg), decoded, None)
        state = {k: v for k, v in vars(original).items() if k not in LIBRARY_STATE}
        assert {k: v for k, v in vars(rebuilt).items() if k not in LIBRARY_STATE} == state
