"""COPY stores exactly what an INSERT through SQLAlchemy stores: awkward text, a StrEnum's
value, JSON (null included, encoded by orjson), aware times, floats, booleans, ids and
NULLs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from uuid import uuid4

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    Table,
    Text,
    Uuid,
    create_engine,
    insert,
    select,
)

from projections.bulk import copy_insert
from projections.sql import COPY_FROM, insert_missing

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

metadata = MetaData()


def sample(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("n", Integer, primary_key=True),
        Column("id", Uuid),
        Column("big", BigInteger),
        Column("flag", Boolean),
        Column("ratio", Float),
        Column("text", Text),
        Column("day", Date),
        Column("at", DateTime(timezone=True)),
        Column("doc", JSON),
    )


by_copy, by_insert = sample("copy_sample"), sample("insert_sample")
AWKWARD = ["tab\there", "line\nbreak\r\n", "back\\slash \\N", "", "ünïcode ✓", "\\."]


class Status(StrEnum):  # as a duplicate review's status is written
    OPEN = "open"
    ODD = "tab\tand \\N"


def rows() -> list[dict[str, object]]:
    plus_two = timezone(timedelta(hours=2))
    return [
        {
            "n": n,
            "id": uuid4() if n % 3 else None,
            "big": 2**40 + n,
            "flag": n % 2 == 0,
            "ratio": 0.1 * n if n % 4 else None,
            "text": AWKWARD[n % len(AWKWARD)] if n < 50 else list(Status)[n % 2],
            "day": date(2026, 1, 1) + timedelta(days=n),
            "at": datetime(2026, 3, 1, 12, tzinfo=UTC if n % 2 else plus_two) + timedelta(n),
            "doc": None if n % 5 == 0 else {"k": AWKWARD[n % len(AWKWARD)], "n": [n, None]},
        }
        for n in range(70)
    ]


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    made = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    metadata.drop_all(made)
    metadata.create_all(made)
    yield made
    metadata.drop_all(made)
    made.dispose()


def test_copy_stores_what_an_insert_through_psycopg_stores(engine: Engine) -> None:
    written = rows()
    with engine.begin() as conn:
        copy_insert(conn, by_copy, written)
        conn.execute(insert(by_insert), written)
    with engine.connect() as conn:
        copied = conn.execute(select(by_copy).order_by(by_copy.c.n)).all()
        inserted = conn.execute(select(by_insert).order_by(by_insert.c.n)).all()
    assert copied == inserted
    assert [row.text for row in copied[: len(AWKWARD)]] == AWKWARD
    assert {row.text for row in copied[50:]} == {"open", "tab\tand \\N"}  # values, not names
    # JSON's null is not SQL's NULL (SQLAlchemy reads both back as None): same in both tables.
    sql_nulls = "SELECT count(*) FROM {} WHERE doc IS NULL"
    with engine.connect() as conn:
        nulls = [
            conn.exec_driver_sql(sql_nulls.format(t.name)).scalar() for t in (by_copy, by_insert)
        ]
    assert nulls[0] == nulls[1]


def test_a_float_json_cannot_spell_is_stored(engine: Engine) -> None:
    nan = [{"n": 1, "at": datetime(2026, 3, 1, 12, tzinfo=UTC), "ratio": float("nan")}]
    with engine.begin() as conn:
        copy_insert(conn, by_copy, nan)
    with engine.connect() as conn:
        stored = conn.execute(select(by_copy.c.ratio)).scalar_one()
    assert stored != stored  # NaN, stored by psycopg's adapters  # noqa: PLR0124


def test_insert_missing_by_copy_keeps_existing_rows_as_they_are(engine: Engine) -> None:
    """A replayed batch of 64 rows or more goes by COPY: rows already there stay untouched,
    the new ones are written, a key twice in the batch is written once."""
    written = rows()
    with engine.begin() as conn:
        conn.execute(insert(by_insert), written[:30])
    changed = [row | {"text": "changed"} for row in written]
    assert len(changed) >= COPY_FROM
    with engine.begin() as conn:
        insert_missing(conn, by_insert, [*changed, changed[-1]], ["n"])
    with engine.connect() as conn:
        texts = dict(conn.execute(select(by_insert.c.n, by_insert.c.text)).all())
    assert len(texts) == len(written)
    assert [texts[n] for n in range(30)] == [row["text"] for row in written[:30]]
    assert {texts[n] for n in range(30, len(written))} == {"changed"}
