"""Evaluation cells: the referral rows pre-aggregated per cohort month and group (door, race,
ethnicity, gender), so a report sums a few thousand cells instead of every referral. The
projection keeps them in the transaction that writes the rows, by adding each batch's
difference: what the touched rows contributed before, out; what they contribute now, in.

Cells are kept by month, not day: at 100x a day holds about one referral per group, so day
cells would be nearly as many as the rows. The days-to-intake histogram is sparse (a month's
group holds a few intakes, each at its own tenth of a day), so it is also kept over all time,
for reports on the whole history by door, race, ethnicity or gender: a third of the bins.
Days to intake are summed in whole microseconds, so adding and taking away is exact and a
rebuild equals the incremental build."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Index, Integer, Table, Text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from infra.tables import metadata
from projections.sql import Row

GROUP = ("door", "race", "ethnicity", "gender", "month")
STAGE_FLAGS = {  # cell count -> the row column that makes a referral count in it
    "declined": "declined",
    "enrolled": "enrolled_at",
    "intake_expired": "intake_expired",
    "discharged": "discharged_at",
    "readmitted": "readmitted_at",
    "handed_off": "handed_off_at",
    "handed_off_within_30m": "handoff_within_30m",
    "engaged_30d": "engaged_30d",
}
COUNTS = ("referred", *STAGE_FLAGS, "intakes", "days_micros")
MICROS_PER_DAY = 86_400_000_000


def group_columns() -> list[Column[Any]]:
    return [
        Column("door", Text, primary_key=True),
        Column("race", Text, primary_key=True),
        Column("ethnicity", Text, primary_key=True),
        Column("gender", Text, primary_key=True),
        Column("month", Text, primary_key=True),
    ]


def period_columns() -> list[Column[Any]]:
    """Derived from the month; kept so that a report groups by them as it does on rows."""
    return [Column("quarter", Text, nullable=False), Column("year", Text, nullable=False)]


evaluation_cells = Table(
    "evaluation_cells",
    metadata,
    *group_columns(),
    *period_columns(),
    *(Column(name, Integer, nullable=False) for name in COUNTS[:-1]),
    Column("days_micros", BigInteger, nullable=False),
)

evaluation_intake_histogram = Table(
    "evaluation_intake_histogram",
    metadata,
    *group_columns(),
    Column("intake_tenths", Integer, primary_key=True),
    *period_columns(),
    Column("intakes", Integer, nullable=False),
    Index("ix_evaluation_intake_histogram_month", "month"),
)

evaluation_intake_overall = Table(
    "evaluation_intake_overall",
    metadata,
    *group_columns()[:-1],
    Column("intake_tenths", Integer, primary_key=True),
    Column("intakes", Integer, nullable=False),
)

CellKey = tuple[str, ...]  # the GROUP values, then quarter and year
BinKey = tuple[Any, ...]  # the bin table's key columns, then quarter and year if it has them


def cell_key(row: Row) -> CellKey:
    return (*(row[name] for name in GROUP), row["quarter"], row["year"])


def contribution(row: Row) -> Counter[str]:
    counts: Counter[str] = Counter(referred=1)
    for count, column in STAGE_FLAGS.items():
        counts[count] = int(bool(row[column]))
    if row["intake_tenths"] is not None:
        counts["intakes"] = 1
        counts["days_micros"] = round(row["days_to_intake"] * MICROS_PER_DAY)
    return counts


class CellDeltas:
    """The difference a batch makes to the cells: `add(rows, -1)` for the rows as loaded,
    before the batch folds them; `add(rows, +1)` for the rows it writes."""

    def __init__(self) -> None:
        self.cells: dict[CellKey, Counter[str]] = {}
        self.bins: Counter[BinKey] = Counter()
        self.overall: Counter[BinKey] = Counter()

    def add(self, rows: Iterable[Row], sign: int) -> None:
        for row in rows:
            key = cell_key(row)
            cell = self.cells.setdefault(key, Counter())
            for name, value in contribution(row).items():
                cell[name] += sign * value
            if row["intake_tenths"] is not None:
                self.bins[(*key[:5], row["intake_tenths"], *key[5:])] += sign
                self.overall[(*key[:4], row["intake_tenths"])] += sign

    def cell_rows(self) -> list[Row]:
        names = (*GROUP, "quarter", "year")
        return [
            dict(zip(names, key, strict=True)) | {name: cell[name] for name in COUNTS}
            for key, cell in self.cells.items()
            if any(cell.values())
        ]

    def write(self, conn: Connection) -> None:
        increment(conn, evaluation_cells, self.cell_rows(), COUNTS)
        for table, bins in (
            (evaluation_intake_histogram, self.bins),
            (evaluation_intake_overall, self.overall),
        ):
            increment(conn, table, bin_rows(table, bins), ("intakes",))


def bin_rows(table: Table, bins: Counter[BinKey]) -> list[Row]:
    """Bin keys are in the order of the table's columns."""
    names = [column.name for column in table.columns if column.name != "intakes"]
    return [
        dict(zip(names, key, strict=True)) | {"intakes": count}
        for key, count in bins.items()
        if count
    ]


def increment(conn: Connection, table: Table, rows: list[Row], counts: Iterable[str]) -> None:
    """Insert new cells, add to the counts of existing ones: one executemany per table."""
    if not rows:
        return
    insert = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table)
    keys = [column.name for column in table.primary_key.columns]
    added = {name: table.c[name] + insert.excluded[name] for name in counts}
    conn.execute(insert.on_conflict_do_update(index_elements=keys, set_=added), rows)
