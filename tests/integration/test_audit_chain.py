"""The tamper-evident chain on both stores: a database superuser edits, deletes, inserts,
swaps, moves or truncates stored events behind the service's back with raw SQL, and
verification names the first bad position (never an error); a checkpoint signed before the
tampering still vouches for the untouched prefix."""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

import pytest

from infra.clock import SettableClock
from infra.events_table.records import Row, StoredEvents
from infra.settings import Settings
from services.audit.chain import GENESIS, link
from services.audit.checkpoints import Checkpoint
from services.audit.verifier import Verifier
from services.container import Container
from tests.integration.audit_support import Superuser, refer_people

pytestmark = pytest.mark.integration


@pytest.fixture
def sealed(container: Container, clock: SettableClock) -> Container:
    """Twenty events (positions 1..20), sealed in batches of four, verified in pages of
    three (a finding mid-store stops reading with pages still to come)."""
    refer_people(container, clock, 10)
    container.audit.sealer.batch_size = 4
    container.audit.verifier.page_size = 3
    assert container.audit.sealer.run_until_caught_up() == 20
    return container


@pytest.fixture
def superuser(settings: Settings) -> Superuser:
    return Superuser(settings)


def verify(container: Container, checkpoint: Checkpoint | None = None) -> dict[str, Any]:
    return container.audit.verifier.verify(checkpoint)


def assert_bad_at(report: dict[str, Any], position: int) -> None:
    assert report["ok"] is False, report
    assert report["first_bad_position"] == position, report
    assert report["finding"]


def edited(state: bytes) -> bytes:
    """A plausible edit: the JSON still decodes, one readable value differs (names are sealed
    since issue 18: the time it was recorded is moved back a year instead)."""
    recorded = b'"timestamp":{"_type_":"datetime_iso","_data_":"2026'
    assert recorded in state
    return state.replace(recorded, recorded[:-1] + b"5")


def test_an_untouched_store_verifies(sealed: Container) -> None:
    report = verify(sealed)
    assert report["ok"] is True
    assert report["events_checked"] == 20
    assert report["first_bad_position"] is None
    assert report["sealed_position"] == 20
    assert report["unsealed_events"] == 0
    assert len(report["head"]) == 64


def test_an_edited_payload_is_found(sealed: Container, superuser: Superuser) -> None:
    superuser.set_state(7, edited(superuser.state(7)))
    report = verify(sealed)
    assert_bad_at(report, 7)
    assert report["events_checked"] == 6
    assert "does not match its seal" in report["finding"]


def test_a_deleted_row_is_found(sealed: Container, superuser: Superuser) -> None:
    superuser.delete(12)
    report = verify(sealed)
    assert_bad_at(report, 12)
    assert "missing" in report["finding"]


def test_a_forged_row_inserted_mid_history_is_found(
    sealed: Container, superuser: Superuser
) -> None:
    forged = superuser.row(9)
    superuser.make_room(9)
    superuser.insert(9, (forged[0], 99, forged[2], forged[3]))
    assert_bad_at(verify(sealed), 9)


@pytest.mark.postgres
def test_a_forged_row_in_a_burned_position_is_found(
    settings: Settings, container: Container, clock: SettableClock
) -> None:
    if not settings.is_postgres:
        pytest.skip("only PostgreSQL burns notification ids")
    superuser = Superuser(settings)
    refer_people(container, clock, 2)
    superuser.burn_position()  # position 5: what a rolled-back insert leaves behind
    refer_people(container, clock, 2, first=2)
    container.audit.sealer.run_until_caught_up()
    assert verify(container)["ok"] is True
    originator_id, _, topic, state = superuser.row(1)
    superuser.insert(5, (originator_id, 99, topic, state))
    report = verify(container)
    assert_bad_at(report, 5)
    assert "never sealed" in report["finding"]


def test_swapped_payloads_are_found(sealed: Container, superuser: Superuser) -> None:
    first, second = superuser.state(5), superuser.state(11)
    superuser.set_state(5, second)
    superuser.set_state(11, first)
    assert_bad_at(verify(sealed), 5)


def test_reordered_rows_are_found(sealed: Container, superuser: Superuser) -> None:
    superuser.move(6, 1000)
    superuser.move(8, 6)
    superuser.move(1000, 8)
    assert_bad_at(verify(sealed), 6)


def test_a_truncated_tail_is_found(sealed: Container, superuser: Superuser) -> None:
    superuser.delete_after(15)
    report = verify(sealed)
    assert_bad_at(report, 16)
    assert report["events_checked"] == 15


def test_a_record_that_no_longer_decodes_is_a_finding(
    sealed: Container, superuser: Superuser
) -> None:
    superuser.set_state(3, b"\x00not json at all")
    report = verify(sealed)
    assert_bad_at(report, 3)
    assert "no longer decodes" in report["finding"]


def test_a_checkpoint_from_before_the_tampering_vouches_for_the_prefix(
    container: Container, clock: SettableClock, superuser: Superuser
) -> None:
    refer_people(container, clock, 5)
    document = json.dumps(container.audit.sealer.checkpoint().to_json())
    kept = Checkpoint.from_json(json.loads(document))  # as a partner keeps it, in a file
    assert kept.position == 10
    refer_people(container, clock, 5, first=5)
    container.audit.sealer.run_until_caught_up()
    superuser.set_state(14, b"{}")
    report = verify(container, kept)
    assert_bad_at(report, 14)
    assert report["checkpoint"] == {"position": 10, "verified": True}
    assert report["events_checked"] == 13


def test_a_checkpoint_after_the_tampering_does_not_verify(
    sealed: Container, superuser: Superuser
) -> None:
    kept = sealed.audit.sealer.checkpoint()
    superuser.set_state(4, edited(superuser.state(7)))
    report = verify(sealed, kept)
    assert_bad_at(report, 4)
    assert report["checkpoint"] == {"position": 20, "verified": False}


def rechained(container: Container) -> list[tuple[int, bytes]]:
    """What a superuser who knows the scheme computes to cover an edit."""
    previous, links = GENESIS, []
    for record in StoredEvents(container.sql).stream():
        previous = link(previous, record)
        links.append((record.position, previous))
    return links


def test_links_rewritten_to_cover_an_edit_fail_the_signed_checkpoints(
    sealed: Container, superuser: Superuser
) -> None:
    kept = sealed.audit.sealer.sign_head()
    superuser.set_state(7, edited(superuser.state(7)))
    superuser.rewrite_links_from(7, rechained(sealed))
    report = verify(sealed)
    assert_bad_at(report, 8)  # the first checkpoint the sealer signed after position 7
    assert "signed checkpoint" in report["finding"]
    superuser.drop_stored_checkpoints()
    assert verify(sealed)["ok"] is True  # nothing left inside the database to tell
    report = verify(sealed, kept)
    assert_bad_at(report, 20)
    assert report["checkpoint"]["verified"] is False


def test_a_tail_truncated_with_its_links_fails_the_kept_checkpoint(
    sealed: Container, superuser: Superuser
) -> None:
    kept = sealed.audit.sealer.sign_head()
    superuser.delete_after(15)
    superuser.drop_links_after(15)
    superuser.drop_stored_checkpoints()
    assert verify(sealed)["ok"] is True
    report = verify(sealed, kept)
    assert_bad_at(report, 16)
    assert "removed" in report["finding"]


def test_a_checkpoint_signed_by_another_key_is_refused(sealed: Container) -> None:
    kept = sealed.audit.sealer.sign_head()
    forged = Checkpoint(kept.position, kept.head, kept.time, bytes(64), kept.key_id)
    report = verify(sealed, forged)
    assert report["ok"] is False
    assert "not signed" in report["finding"]


def test_events_written_after_the_last_seal_are_reported_unsealed(
    sealed: Container, clock: SettableClock
) -> None:
    refer_people(sealed, clock, 1, first=100)
    report = verify(sealed)
    assert report["ok"] is True
    assert report["unsealed_events"] == 2
    assert sealed.audit.sealer.run_until_caught_up() == 2
    assert verify(sealed)["events_checked"] == 22


def test_the_sealer_resumes_and_two_sealers_never_seal_twice(
    container: Container, second_container: Container, clock: SettableClock
) -> None:
    refer_people(container, clock, 6)
    container.audit.sealer.batch_size = 5
    second_container.audit.sealer.batch_size = 5
    assert container.audit.sealer.run_batch() == 5
    assert second_container.audit.sealer.run_batch() == 5  # resumes from the stored link
    assert container.audit.sealer.run_until_caught_up() == 2
    assert second_container.audit.sealer.run_until_caught_up() == 0
    report = verify(second_container)
    assert report["ok"] is True
    assert report["events_checked"] == 12


class WritesWhenRead(StoredEvents):
    """Events read to the end, then a write and a seal land before the links are read out."""

    def __init__(self, container: Container, clock: SettableClock) -> None:
        super().__init__(container.sql)
        self.container, self.clock = container, clock

    def chain_pages(self, size: int = 2000) -> Generator[list[Row], None, None]:
        yield from super().chain_pages(size)
        refer_people(self.container, self.clock, 1, first=50)
        self.container.audit.sealer.run_until_caught_up()


def test_events_sealed_while_a_verify_runs_are_no_finding(
    sealed: Container, clock: SettableClock
) -> None:
    verifier = sealed.audit.verifier
    racing = Verifier(
        WritesWhenRead(sealed, clock), verifier.chain, verifier.signer, verifier.decode
    )
    report = racing.verify()
    assert report["ok"] is True, report
    assert report["events_checked"] == 20
    assert verify(sealed)["events_checked"] == 22


def test_a_record_forged_before_it_was_sealed_that_does_not_decode_is_found(
    container: Container, clock: SettableClock, superuser: Superuser
) -> None:
    refer_people(container, clock, 3)
    superuser.set_state(4, b"\x00not json at all")
    container.audit.sealer.run_until_caught_up()  # seals the forged bytes
    report = verify(container)
    assert_bad_at(report, 4)
    assert "does not decode" in report["finding"]


def test_only_a_deep_verify_decodes_the_values_inside_each_record(
    container: Container, clock: SettableClock, superuser: Superuser
) -> None:
    refer_people(container, clock, 3)
    state = superuser.state(4)
    superuser.set_state(4, state.replace(b'"datetime_iso"', b'"no_such_type"', 1))
    container.audit.sealer.run_until_caught_up()
    assert verify(container)["ok"] is True  # still a JSON object of a known event class
    report = container.audit.verifier.verify(deep=True)
    assert_bad_at(report, 4)
    assert report["events_checked"] == 3
