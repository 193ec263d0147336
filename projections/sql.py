"""Small SQL helpers the projections share: per-batch loads and writes, never per event."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, Table, any_, bindparam, delete, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from projections.bulk import copy_insert, copy_upsert

# SQLite caps bound parameters per statement; PostgreSQL takes more, but the plan is the same.
CHUNK = 5000
COPY_FROM = 64  # rows per table and batch from which COPY beats executemany (PostgreSQL)

Row = dict[str, Any]


def chunks(values: Collection[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    ordered = list(values)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def upsert(conn: Connection, table: Table, values: Row, keys: Sequence[str]) -> None:
    """Insert or overwrite by key: replaying an event leaves the same row."""
    upsert_many(conn, table, [values], keys)


def upsert_many(conn: Connection, table: Table, rows: Sequence[Row], keys: Sequence[str]) -> None:
    """One executemany statement for every row a batch changed (all rows alike in columns)."""
    if not rows:
        return
    postgres = conn.dialect.name == "postgresql"
    if postgres and len(rows) >= COPY_FROM:
        copy_upsert(conn, table, rows, keys)
        return
    insert = pg_insert if postgres else sqlite_insert
    if not postgres:
        rows = [in_utc(row) for row in rows]
    statement = insert(table)
    columns = [name for name in rows[0] if name not in keys]
    if not columns:
        conn.execute(statement.on_conflict_do_nothing(index_elements=list(keys)), list(rows))
        return
    updates = {name: statement.excluded[name] for name in columns}
    conn.execute(
        statement.on_conflict_do_update(index_elements=list(keys), set_=updates), list(rows)
    )


def insert_missing(
    conn: Connection, table: Table, rows: Sequence[Row], keys: Sequence[str]
) -> None:
    """Insert the rows whose keys are not there yet; leave the others as they are."""
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        copy_upsert(conn, table, rows, keys, keep_existing=True)
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(table).on_conflict_do_nothing(index_elements=list(keys)), list(rows))


def save_rows(
    conn: Connection, table: Table, rows: Sequence[Row], key: str, known: Collection[Any]
) -> None:
    """Write a batch's rows: those whose key was not `known` (loaded from the table) are new
    and inserted plainly; the others are upserted."""
    new = [row for row in rows if row[key] not in known]
    upsert_many(conn, table, [row for row in rows if row[key] in known], keys=[key])
    if not new:
        return
    if conn.dialect.name == "postgresql" and len(new) >= COPY_FROM:
        copy_insert(conn, table, new)
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    if conn.dialect.name != "postgresql":
        new = [in_utc(row) for row in new]
    conn.execute(insert(table), new)


def load_rows(
    conn: Connection, table: Table, column: Column[Any], values: Collection[Any]
) -> list[Row]:
    """The rows whose `column` is one of `values`, as dicts, one SELECT … IN per chunk."""
    found: list[Row] = []
    postgres = conn.dialect.name == "postgresql"
    for chunk in chunks(values):
        # PostgreSQL takes the ids as one array parameter, not thousands of placeholders.
        ids = bindparam("ids", chunk, type_=ARRAY(column.type))
        wanted = column == any_(ids) if postgres else column.in_(chunk)
        result = conn.execute(select(table).where(wanted))
        found.extend(dict(row) for row in result.mappings())
    return found if postgres else [in_utc(row) for row in found]


def in_utc(row: Row) -> Row:
    """SQLite keeps no offset: times go in as UTC and come back marked UTC."""
    return {key: utc(value) if isinstance(value, datetime) else value for key, value in row.items()}


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def load_by_key(conn: Connection, table: Table, key: str, values: Iterable[Any]) -> dict[Any, Row]:
    wanted = set(values)
    if not wanted:
        return {}
    return {row[key]: row for row in load_rows(conn, table, table.c[key], wanted)}


def delete_many(
    conn: Connection, table: Table, column: Column[Any], values: Collection[Any]
) -> None:
    for chunk in chunks(values):
        conn.execute(delete(table).where(column.in_(chunk)))
