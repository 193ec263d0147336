"""Bulk reads through the driver itself, for the audit's walks over the whole store: SQLAlchemy's
result rows cost about as much per row as the rest of a verify."""

from __future__ import annotations

from collections.abc import Generator
from itertools import islice
from typing import Any, cast

import psycopg
from psycopg.types.string import ByteaBinaryLoader
from sqlalchemy import Engine


def placeholder(engine: Engine) -> str:
    return "%s" if engine.dialect.name == "postgresql" else "?"


def fetch_all(engine: Engine, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Every row of one query as plain tuples. psycopg's binary rows hold the same Python
    values as its text rows (int, UUID, str, bytes) and cost half as much to fetch."""
    options = {"binary": True} if engine.dialect.name == "postgresql" else {}
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor(**options)
        cursor.execute(sql, params)
        rows = cast(list[tuple[Any, ...]], cursor.fetchall())
        cursor.close()
    finally:
        connection.close()
    return rows


def streamed(
    engine: Engine, sql: str, params: tuple[Any, ...], size: int, *, uuid_bytes: bool = False
) -> Generator[list[tuple[Any, ...]], None, None]:
    """The rows of one query, `size` at a time, on a connection of its own until the end. On
    PostgreSQL the server keeps sending while the caller works on a chunk (chunked rows), so
    its work overlaps the caller's; `uuid_bytes` hands uuid columns back as their 16 bytes,
    which costs a fraction of building UUID objects."""
    connection = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            driver = cast(psycopg.Connection[Any], connection.driver_connection)
            yield from _postgres_chunks(driver, sql, params, size, uuid_bytes=uuid_bytes)
        else:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(size):
                yield cast(list[tuple[Any, ...]], chunk)
    finally:
        connection.close()


def _postgres_chunks(
    connection: psycopg.Connection[Any],
    sql: str,
    params: tuple[Any, ...],
    size: int,
    *,
    uuid_bytes: bool,
) -> Generator[list[tuple[Any, ...]], None, None]:
    cursor = connection.cursor(binary=True)
    if uuid_bytes:
        cursor.adapters.register_loader("uuid", ByteaBinaryLoader)
    rows = cast(Generator[Any, None, None], cursor.stream(sql, params, size=size))
    try:
        while chunk := list(islice(rows, size)):
            yield chunk
    finally:
        rows.close()  # cancels what is left: the stream holds the connection until then
