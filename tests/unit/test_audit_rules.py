"""The audit's pure rules: the chain's canonical encoding, signed checkpoints, the signing key
in settings, and which events are about a participant."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from eventsourcing.utils import get_topic

from domain.caseloads import Caseloads
from domain.coordination import Coordination
from domain.identifiers import IdentifierClaim
from domain.legal_matter import LegalMatter
from domain.participant import Participant
from domain.policy import SitePolicy
from infra.events_table.records import RawEvent
from infra.settings import Settings
from infra.signing import CheckpointSigner
from projections.touching import TopicsAboutParticipants, kind_of, participants_named
from services.audit.chain import GENESIS, field, link, record
from services.audit.checkpoints import Checkpoint
from services.audit.errors import InvalidCheckpoint
from services.idempotency import IdempotencyRecord

pytestmark = pytest.mark.unit

ID = UUID("12345678-1234-5678-1234-567812345678")
SECRET = "unit-secret-key-that-is-long-enough-0123456789"


def raw(**changes: object) -> RawEvent:
    values: dict[str, object] = {
        "position": 7,
        "originator_id": ID,
        "originator_version": 3,
        "topic": "domain.participant:Participant.ContactRecorded",
        "state": b'{"kind":"phone"}',
    }
    return RawEvent(**(values | changes))  # type: ignore[arg-type]


def test_every_part_of_the_record_is_in_its_link() -> None:
    base = link(GENESIS, raw())
    for change in (
        {"position": 8},
        {"originator_id": uuid4()},
        {"originator_id": ID.hex},  # the same id, stored differently, is a different record
        {"originator_version": 4},
        {"topic": "domain.participant:Participant.Discharged"},
        {"state": b'{"kind":"field"}'},
        {"state": '{"kind":"phone"}'},  # text where bytes belong
    ):
        assert link(GENESIS, raw(**change)) != base, change
    assert link(bytes([1]) * 32, raw()) != base
    assert link(GENESIS, raw()) == base


def test_the_encoding_is_unambiguous_for_any_column_value() -> None:
    assert field(b"ab") + field(b"c") != field(b"a") + field(b"bc")
    assert field(1) != field("1") != field(b"1")
    assert field(None) != field(value=False)
    assert record(raw(state=memoryview(b"x"))) == record(raw(state=b"x"))
    assert field(3.5)  # whatever a superuser stores, it encodes


def test_a_checkpoint_verifies_only_unchanged_and_with_its_key() -> None:
    signer = CheckpointSigner(bytes(range(32)))
    kept = Checkpoint.sign(signer, 42, bytes(32), datetime(2026, 11, 24, 12, tzinfo=UTC))
    assert kept.time == "2026-11-24T12:00:00.000000Z"
    assert Checkpoint.from_json(kept.to_json()).signed_by(signer)
    for changed in ({"position": 43}, {"head": "11" * 32}, {"time": "2026-11-24T12:00:01Z"}):
        assert not Checkpoint.from_json(kept.to_json() | changed).signed_by(signer)
    assert not kept.signed_by(CheckpointSigner(bytes(32)))


@pytest.mark.parametrize(
    "document",
    [
        None,
        [],
        {"position": 1},
        {
            "position": True,
            "head": "00" * 32,
            "time": "t",
            "signature": base64.b64encode(bytes(64)).decode(),
        },
        {"position": 1, "head": "zz", "time": "t", "signature": "AA=="},
    ],
)
def test_malformed_checkpoints_are_refused(document: object) -> None:
    with pytest.raises(InvalidCheckpoint):
        Checkpoint.from_json(document)


def test_a_signing_key_setting_must_be_an_ed25519_seed() -> None:
    explicit = base64.b64encode(bytes(range(32))).decode()
    assert Settings(secret_key=SECRET, audit_signing_key=explicit).audit_signing_key is not None
    for bad in ("too-short", base64.b64encode(bytes(31)).decode(), "not base64 at all!"):
        with pytest.raises(ValueError, match="Ed25519"):
            Settings(secret_key=SECRET, audit_signing_key=bad)


def test_which_events_are_about_a_participant() -> None:
    topics = TopicsAboutParticipants()
    assert get_topic(Participant.Referred) in topics
    assert get_topic(Caseloads.ParticipantAssigned) in topics  # names participant_id
    assert get_topic(IdentifierClaim.Claimed) in topics
    assert get_topic(LegalMatter.FilingHeld) in topics  # its stream belongs to a participant
    assert get_topic(Coordination.InformationShared) in topics
    for other in (SitePolicy.Event, Caseloads.CaseManagerRegistered, IdempotencyRecord.Accepted):
        assert get_topic(other) not in topics
    assert "not.a:Topic" not in topics
    assert kind_of(get_topic(Coordination.InformationShared)).disclosure
    assert not kind_of(get_topic(Coordination.InformationShareRefused)).disclosure


def test_the_participants_an_event_names() -> None:
    owner = uuid4()

    class Decided:
        originator_id = uuid4()

    kind = kind_of(get_topic(LegalMatter.FilingHeld))
    assert participants_named(Decided(), kind, owner) == {owner}
    assert participants_named(Decided(), kind, None) == set()
