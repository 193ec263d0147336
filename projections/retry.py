"""Re-applying quarantined events (`leadctl projections retry`, and by itself after an upgrade).

Each entry is re-applied in its own transaction that also deletes the entry, holding the
projector's lease so no batch interleaves; a retry that finds the entry already gone (another
retry applied it) rolls back: every entry is applied once."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from infra.sql_locks import take_sqlite_writer_lock
from projections.engine import (
    PROJECTOR_LEASE,
    Decoder,
    Projector,
    Undecodable,
    apply_items,
)
from projections.quarantine import TRANSIENT, Entry, Quarantine


@dataclass
class RetryReport:
    applied: list[tuple[str, int]] = field(default_factory=list)
    failed: list[tuple[str, int]] = field(default_factory=list)


class AlreadyReleased(Exception):
    """Raised when another retry re-applied the entry first (this one rolls back)."""


def retry(
    projector: Projector, names: Collection[str] = (), *, stale_only: bool = False
) -> RetryReport:
    """Re-apply the entries of the named projections (all when none are named); with
    `stale_only`, only those a different code version set aside (after an upgrade)."""
    quarantine = projector.quarantine
    report = RetryReport()
    for entry in quarantine.entries():
        if (names and entry.projection not in names) or (
            stale_only and entry.code_version == quarantine.version
        ):
            continue
        outcome = retry_one(projector, entry)
        if outcome is not None:
            (report.applied if outcome else report.failed).append(
                (entry.projection, entry.position)
            )
    return report


def retried_after_upgrade(projector: Projector) -> int:
    """The background job: entries an older code version set aside, retried once each (one
    that fails again is marked with this version and waits for the next upgrade or an
    operator's `retry`)."""
    return len(retry(projector, stale_only=True).applied)


def retry_one(projector: Projector, entry: Entry) -> bool | None:
    """True: applied; False: failed again (kept, as this version's failure); None: nothing
    to do (the projection is gone, or another retry applied it)."""
    projection = next((p for p in projector.projections if p.name == entry.projection), None)
    event = stored_event(projector, entry.position)
    if projection is None or event is None:
        return None
    try:
        with projector.engine.begin() as conn:
            hold_lease(conn)
            try:
                if isinstance(event, Undecodable):
                    raise event.error
                with conn.begin_nested():
                    apply_items(conn, projection, [(entry.position, event)])
            except TRANSIENT:
                raise
            except Exception as exc:  # noqa: BLE001 (still failing: kept in quarantine)
                projector.quarantine.mark_current(conn, entry.projection, entry.position, exc)
                return False
            if not Quarantine.release(conn, entry.projection, entry.position):
                raise AlreadyReleased
    except AlreadyReleased:
        return None
    return True


def stored_event(projector: Projector, position: int) -> Any:
    notifications = projector.store.table.notifications(position - 1, 1)
    if not notifications or notifications[0].id != position:
        return None
    decoder = Decoder(projector.store.mapper)
    [(_, event)] = decoder.items(notifications, frozenset({notifications[0].topic}))
    return event


def hold_lease(conn: Connection) -> None:
    """Wait for the projector's lease (a batch in flight finishes first)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PROJECTOR_LEASE})
    else:
        take_sqlite_writer_lock(conn)
