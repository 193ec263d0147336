"""PostgreSQL bulk upsert for large batches: COPY the rows into a temporary table, then one
INSERT … ON CONFLICT. A fraction of executemany's per-row cost (SQLAlchemy's bind processing
and a pipelined statement per row), which is what a rebuild of millions of events spends."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from psycopg.types.json import Json
from sqlalchemy import JSON, Connection, Table

Row = dict[str, Any]


def target_name(conn: Connection, table: Table) -> str:
    """The table as the connection sees it (a rebuild redirects it into a shadow schema)."""
    translate = conn.get_execution_options().get("schema_translate_map") or {}
    schema = translate.get(table.schema, table.schema)
    return f'"{schema}"."{table.name}"' if schema else f'"{table.name}"'


def copy_upsert(conn: Connection, table: Table, rows: Sequence[Row], keys: Sequence[str]) -> None:
    """Rows must have distinct keys (one row per key per batch, as the folds produce)."""
    columns = list(rows[0])
    target = target_name(conn, table)
    tag = hashlib.sha1(",".join(columns).encode(), usedforsecurity=False).hexdigest()[:8]
    stage = f"stage_{table.name}_{tag}"
    listed = ", ".join(f'"{c}"' for c in columns)
    json_at = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns if c not in keys)
    conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {listed} FROM {target} LIMIT 0"  # noqa: S608 (our identifiers)
        )
        cursor.execute(f"TRUNCATE {stage}")
        with cursor.copy(f"COPY {stage} ({listed}) FROM STDIN") as copy:
            for row in rows:
                values = [row[c] for c in columns]
                for i in json_at:
                    values[i] = Json(values[i])
                copy.write_row(values)
        cursor.execute(
            f"INSERT INTO {target} ({listed}) SELECT {listed} FROM {stage} "  # noqa: S608 (ours)
            f"ON CONFLICT ({', '.join(keys)}) {conflict}"
        )
