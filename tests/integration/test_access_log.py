"""The buffered log of reads: what a crash can lose is bounded (fewer than `max_records`
records, all from the last `max_delay`), and close() loses nothing."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from infra.access_log import AccessLog, AccessRecord
from infra.audit_tables import access_log
from services.container import Container

pytestmark = pytest.mark.integration


def records(count: int) -> list[AccessRecord]:
    at = datetime.now(tz=UTC)
    return [
        AccessRecord(uuid4(), at, "c", "spd", "police", "", "GET /x", "status", "", "")
        for _ in range(count)
    ]


def stored(container: Container) -> int:
    with container.sql.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(access_log)).scalar_one())


def test_a_full_buffer_is_written_before_the_read_answers(container: Container) -> None:
    log = AccessLog(container.sql, container.audit.access_log.sealer, max_records=5, max_delay=3600)
    for record in records(4):
        log.record([record])
    assert stored(container) == 0
    assert log.pending() == 4
    log.record(records(1))  # the fifth: written by this call, before it returns
    assert stored(container) == 5
    log.record(records(3))
    # A crash now (no close) loses these three: fewer than max_records.
    assert log.pending() == 3 < log.max_records
    log.close()
    assert stored(container) == 8


def test_the_flusher_writes_within_the_delay(container: Container) -> None:
    log = AccessLog(
        container.sql, container.audit.access_log.sealer, max_records=1000, max_delay=0.05
    )
    log.record(records(2))
    deadline = time.monotonic() + 5
    while stored(container) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stored(container) == 2
    assert log.pending() == 0
    log.close()


def test_a_failed_write_keeps_the_records_and_fails_the_read(container: Container) -> None:
    unreachable = container.sql.execution_options(schema_translate_map={None: "nowhere"})
    log = AccessLog(unreachable, container.audit.access_log.sealer, max_records=2, max_delay=3600)
    log.record(records(1))
    with pytest.raises(SQLAlchemyError):
        log.record(records(1))
    assert log.pending() == 2
    log.stopping.set()
