"""Write-side uniqueness: identifier claims and accepted Idempotency-Keys; business times."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.errors import BusinessTimeInFuture, IdempotencyKeyReused
from domain.identifiers import (
    SITE_WIDE,
    ClaimIds,
    IdentifierClaim,
    legacy_index_id,
    legacy_variant_id,
)
from domain.times import check_not_in_future
from domain.values import Identifier, Person
from services.idempotency import IdempotencyRecord, idempotency_record_id
from tests.unit.builders import T0, new_events, stamp

pytestmark = pytest.mark.unit

IDS = ClaimIds(b"k" * 32)
identifier_index_id = IDS.index_id
BOOKING = Identifier("spd-booking", "B-1001")
SKEW = timedelta(minutes=5)


def test_an_identifier_always_maps_to_the_same_claim() -> None:
    assert identifier_index_id(BOOKING) == identifier_index_id(Identifier("spd-booking", "B-1001"))
    assert identifier_index_id(BOOKING) != identifier_index_id(Identifier("kcso", "B-1001"))
    assert identifier_index_id(BOOKING) != identifier_index_id(Identifier("spd-booking", "B-1002"))


def test_the_separator_keeps_system_and_value_apart() -> None:
    assert identifier_index_id(Identifier("a", "bc")) != identifier_index_id(Identifier("ab", "c"))


def test_a_claim_points_the_identifier_at_its_participant() -> None:
    participant_id = uuid4()
    claim = IdentifierClaim.claim(
        BOOKING, participant_id, stamp(), SITE_WIDE, IDS.index_id(BOOKING)
    )
    [event] = new_events(claim)
    assert isinstance(event, IdentifierClaim.Claimed)
    assert claim.id == identifier_index_id(BOOKING)
    assert (claim.identifier, claim.participant_id) == (BOOKING, participant_id)


KEYS = (b"k" * 32, b"j" * 32)
SCOPES = (SITE_WIDE, "spd")
IDENTIFIERS = (BOOKING, Identifier("ssn", "123-45-6789"))
PERSON = Person(given_name="Ana", family_name="Ruiz")


def test_a_claim_id_is_keyed_never_the_guessable_uuid5() -> None:
    """Every (key, scope, identifier): the id is neither the legacy uuid5 nor another key's,
    and the same key gives the same id (referrals of one person converge)."""
    cases = [(k, s, i) for k in KEYS for s in SCOPES for i in IDENTIFIERS]
    assert len(cases) == 8
    for key, scope, identifier in cases:
        ids, other = ClaimIds(key), ClaimIds(next(k for k in KEYS if k != key))
        made = ids.index_id(identifier, scope)
        assert made == ClaimIds(key).index_id(identifier, scope)
        assert made not in {legacy_index_id(identifier, scope), other.index_id(identifier, scope)}
        variant = ids.variant_id(identifier, scope, PERSON)
        assert variant not in {legacy_variant_id(identifier, scope, PERSON), made}
        assert ids.lookup_ids(identifier, scope) == [made]  # no legacy records: keyed only


def test_a_store_with_legacy_records_looks_up_the_legacy_id_after_the_keyed_one() -> None:
    ids = ClaimIds(KEYS[0], legacy=True)
    assert ids.lookup_ids(BOOKING) == [ids.index_id(BOOKING), legacy_index_id(BOOKING)]
    assert ids.variant_lookup_ids(BOOKING, "spd", PERSON)[1] == legacy_variant_id(
        BOOKING, "spd", PERSON
    )
    plain = ClaimIds(None, legacy=True)  # a plaintext store: legacy ids only
    assert plain.lookup_ids(BOOKING) == [legacy_index_id(BOOKING)]


def test_an_idempotency_key_is_scoped_to_its_client() -> None:
    assert idempotency_record_id("c1", "k") == idempotency_record_id("c1", "k")
    assert idempotency_record_id("c1", "k") != idempotency_record_id("c2", "k")


def test_an_accepted_request_keeps_its_response() -> None:
    record = IdempotencyRecord.accept("c1", "k", "fp", "done", {"id": "x"}, stamp())
    [event] = new_events(record)
    assert isinstance(event, IdempotencyRecord.Accepted)
    assert record.id == idempotency_record_id("c1", "k")
    assert (record.kind, record.answer) == ("done", {"id": "x"})


def test_the_same_request_may_be_replayed() -> None:
    record = IdempotencyRecord.accept("c1", "k", "fp", "done", {}, stamp())
    record.check_same_request("fp")


def test_a_reused_key_with_a_different_request_is_refused() -> None:
    record = IdempotencyRecord.accept("c1", "k", "fp", "done", {}, stamp())
    with pytest.raises(IdempotencyKeyReused) as caught:
        record.check_same_request("other")
    assert caught.value.field == "Idempotency-Key"


def test_business_times_may_lie_in_the_past_or_within_the_skew() -> None:
    check_not_in_future("referred_at", None, T0, SKEW)
    check_not_in_future("referred_at", T0.replace(year=2020), T0, SKEW)
    check_not_in_future("referred_at", T0 + SKEW, T0, SKEW)


def test_a_business_time_beyond_the_skew_is_refused() -> None:
    with pytest.raises(BusinessTimeInFuture) as caught:
        check_not_in_future("referred_at", T0 + SKEW * 2, T0, SKEW)
    assert caught.value.field == "referred_at"
    assert "300 seconds" in str(caught.value)
