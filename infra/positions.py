"""Global positions (notification ids) of stored events, read straight from the store's table."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from infra.eventstore import LeadStore


def position_of(store: LeadStore, originator_id: UUID, version: int = 1) -> int:
    recorder: Any = store.recorder
    if store.env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        sql = (
            f"SELECT notification_id FROM {store.events_table} "  # noqa: S608 (constant)
            "WHERE originator_id = %s AND originator_version = %s"
        )
        with recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(sql, (originator_id, version))
            row = cursor.fetchone()
            return int(row["notification_id"])
    sql = (
        f"SELECT rowid FROM {store.events_table} "  # noqa: S608 (constant)
        "WHERE originator_id = ? AND originator_version = ?"
    )
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(sql, (originator_id.hex, version))
        return int(cursor.fetchone()[0])


def head_position(store: LeadStore) -> int:
    return int(store.recorder.max_notification_id() or 0)
