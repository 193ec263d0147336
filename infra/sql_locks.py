"""Transaction locks shared by the projector and the stores that count before they write."""

from __future__ import annotations

from sqlalchemy import Connection


def take_sqlite_writer_lock(conn: Connection) -> None:
    """Start an SQLite transaction that reads and then writes as a writer: a reader that tries
    to become a writer while another writer holds the lock fails at once with "database is
    locked" (the busy timeout does not apply), whereas BEGIN IMMEDIATE waits for the lock."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
