"""The read log is sealed like the events: each flush is a batch chained to the one before and
signed, so `verify` notices a read deleted, edited, added, moved or a seal rewritten."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from sqlalchemy import Connection, delete, insert, select, update

from domain.disclosure import Section
from infra.audit_tables import access_log, access_log_batches
from services.container import Container
from services.context import Viewer
from services.views.sections import Disclosure

pytestmark = pytest.mark.integration

VIEWER = Viewer("spd-police", "spd", "police", "badge-1", "field", "GET /v1/participants/{id}")


def read_in_batches(container: Container, batches: int = 3, reads: int = 3) -> None:
    for _ in range(batches):
        for _ in range(reads):
            shown = frozenset({Section.IDENTITY, Section.PARTICIPATION})
            container.audit.disclosures.record(VIEWER, [Disclosure(uuid4(), shown)])
        container.audit.access_log.flush()


def second_batch_id(conn: Connection) -> int:
    table = access_log
    first = select(table.c.id).where(table.c.batch == 2).order_by(table.c.id).limit(1)
    return int(conn.execute(first).scalar_one())


def delete_batch_two(conn: Connection) -> None:
    conn.execute(delete(access_log).where(access_log.c.batch == 2))
    conn.execute(delete(access_log_batches).where(access_log_batches.c.seq == 2))


def stray_read(batch: int | None) -> dict[str, object]:
    return {
        "participant_id": uuid4(),
        "at": datetime(2026, 11, 24, tzinfo=UTC),
        "client_id": "spd-police",
        "agency": "spd",
        "role": "police",
        "actor": "badge-1",
        "endpoint": "GET /v1/participants/{id}",
        "categories": "person",
        "purpose": "",
        "detail": "",
        "batch": batch,
    }


Tamper = Callable[[Connection], None]
TAMPERING: dict[str, tuple[Tamper, int | None, str]] = {
    "a read deleted": (
        lambda c: c.execute(delete(access_log).where(access_log.c.id == second_batch_id(c))),
        2,
        "holds 2 reads, sealed with 3",
    ),
    "a read edited": (
        lambda c: c.execute(
            update(access_log).where(access_log.c.id == second_batch_id(c)).values(actor="x")
        ),
        2,
        "do not match their seal",
    ),
    "a read added to a batch": (
        lambda c: c.execute(insert(access_log).values(**stray_read(2))),
        2,
        "holds 4 reads",
    ),
    "a read moved to another batch": (
        lambda c: c.execute(
            update(access_log).where(access_log.c.id == second_batch_id(c)).values(batch=1)
        ),
        1,
        "holds 4 reads",
    ),
    "a read slipped in without a batch": (
        lambda c: c.execute(insert(access_log).values(**stray_read(None))),
        None,
        "in no sealed batch",
    ),
    "a whole batch deleted": (
        delete_batch_two,
        2,
        "read batch 2 is missing",
    ),
    "a seal rewritten": (
        lambda c: c.execute(
            update(access_log_batches)
            .where(access_log_batches.c.seq == 3)
            .values(signature=bytes(64))
        ),
        3,
        "seal of read batch 3 was rewritten",
    ),
}


def test_untouched_reads_verify(container: Container) -> None:
    read_in_batches(container)
    report = container.audit.verifier.verify()
    assert report["ok"] is True
    assert report["reads"] == {
        "ok": True,
        "batches_checked": 3,
        "reads_checked": 9,
        "unsealed_reads": 0,
        "first_bad_batch": None,
        "finding": None,
    }


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_tampering_with_the_read_log_is_found(container: Container, case: str) -> None:
    read_in_batches(container)
    tamper, batch, words = TAMPERING[case]
    with container.sql.begin() as conn:
        tamper(conn)
    report = container.audit.verifier.verify()
    assert report["ok"] is False
    assert report["reads"]["first_bad_batch"] == batch
    assert words in report["reads"]["finding"]
    assert report["first_bad_position"] is None  # the events themselves are intact


def test_the_tampering_table_size() -> None:
    assert len(TAMPERING) == 7
