"""The review queue of possible duplicates: on every new participant record, the candidate
search compares it with the earlier records that share a blocking key, and keeps each pair it
grades (with its reasons); the decisions on a pair (link, dismiss, unlink) set its status.

Per batch: one SELECT for the records the batch's referrals block with, then each referral in
order, searched in memory and then added, so a referral finds the ones before it in the same
batch. A pair is keyed by its candidate id: replay leaves the same rows.

A block is compared up to its BLOCK_CAP most recent records before the referral. Without a
cap one placeholder (a date of birth of 1900-01-01, "John Doe", a partner's test name) makes
every referral compare with every earlier one: the reliability battery's writers, all named
alike, took the projector from thousands of events a second to fifty, and every projection
waits on it. The cap depends only on positions, never on how events fall into batches, so a
rebuild raises the same pairs as the live projector."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    Date,
    DateTime,
    Index,
    Table,
    Text,
    Uuid,
    select,
    text,
    union_all,
    update,
)

from domain.duplicates import DuplicateReview, Grade, Review, candidate_id
from domain.participant import Participant
from infra.tables import metadata
from projections.bulk import into_empty, target_name
from projections.duplicate_match import Keys, Match, grade, keys_of, stored_keys
from projections.engine import BatchProjection, Item
from projections.forgetting import FORGOTTEN_TOPIC, forgotten_in, purge
from projections.sql import Row, chunks, insert_missing

MAX_PER_REFERRAL = 16  # the best candidates a referral raises; seq = position * 16 + rank
# Realistic blocks hold a few to tens of records at 100x (a date of birth, a Soundex code and
# initial, a birth year and initial); only placeholders and floods reach this. At 256 the
# battery's all-alike writers still kept the projector at the edge of R8's 5 s catch-up.
BLOCK_CAP = 64
RANK = {Grade.CERTAIN: 0, Grade.PROBABLE: 1, Grade.POSSIBLE: 2}

duplicate_keys = Table(
    "duplicate_keys",
    metadata,
    Column("participant_id", Uuid, primary_key=True),
    Column("first_position", BigInteger, nullable=False),
    Column("given_name", Text, nullable=False),  # normalised
    Column("family_name", Text, nullable=False),
    Column("date_of_birth", Date, nullable=True),
    Column("surname_block", Text, nullable=False),  # Soundex:initial
    Column("year_initial", Text, nullable=True),
    # A block's most recent records first, read without sorting the block (BLOCK_CAP).
    *(
        Index(f"ix_duplicate_keys_{column}_position", column, "first_position")
        for column in ("date_of_birth", "surname_block", "year_initial")
    ),
)

possible_duplicates = Table(
    "possible_duplicates",
    metadata,
    Column("candidate_id", Uuid, primary_key=True),
    Column("seq", BigInteger, nullable=False, unique=True),  # the queue's order
    Column("earlier_id", Uuid, nullable=False, index=True),
    Column("later_id", Uuid, nullable=False, index=True),
    Column("grade", Text, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("status", Text, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", Text, nullable=True),
    Column("note", Text, nullable=True),
    Index("ix_possible_duplicates_status_grade", "status", "grade"),
)

DECISIONS = {
    DuplicateReview.Linked: Review.LINKED,
    DuplicateReview.Dismissed: Review.DISMISSED,
    DuplicateReview.Unlinked: Review.UNLINKED,
}


def keys_from_row(row: Row) -> Keys:
    return stored_keys(
        row["participant_id"],
        row["first_position"],
        row["given_name"],
        row["family_name"],
        row["date_of_birth"],
    )


def row_from_keys(keys: Keys) -> Row:
    return {
        "participant_id": keys.participant_id,
        "first_position": keys.position,
        "given_name": keys.given,
        "family_name": keys.family,
        "date_of_birth": keys.date_of_birth,
        "surname_block": keys.surname_block,
        "year_initial": keys.year_initial,
    }


class Blocks:
    """Earlier records in memory, by blocking key, each block in position order."""

    def __init__(self, records: Iterable[Keys] = ()) -> None:
        self.by_id: dict[UUID, Keys] = {}
        self.by_block: dict[tuple[str, object], list[Keys]] = {}
        for keys in sorted(records, key=lambda k: k.position):
            self.add(keys)

    def add(self, keys: Keys) -> None:
        """`keys` comes after every record added before it (loads are sorted, referrals come
        in log order)."""
        if keys.participant_id in self.by_id:
            return
        self.by_id[keys.participant_id] = keys
        for block in blocks_of(keys):
            self.by_block.setdefault(block, []).append(keys)

    def remove(self, participant_ids: Iterable[UUID]) -> None:
        for participant_id in participant_ids:
            keys = self.by_id.pop(participant_id, None)
            if keys is not None:
                for block in blocks_of(keys):
                    self.by_block[block].remove(keys)

    def sharing_a_block(self, keys: Keys) -> dict[int, Keys]:
        """Of each block of `keys`, its BLOCK_CAP most recent records before `keys`, by
        position (one per record, and an int hashes cheaper than a UUID)."""
        found: dict[int, Keys] = {}
        for block in blocks_of(keys):
            members = self.by_block.get(block, [])
            end = len(members)
            while end and members[end - 1].position >= keys.position:
                end -= 1
            found.update((k.position, k) for k in members[max(0, end - BLOCK_CAP) : end])
        found.pop(keys.position, None)
        return found


def blocks_of(keys: Keys) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = [("surname", keys.surname_block)]
    if keys.date_of_birth is not None:
        found.append(("born", keys.date_of_birth))
    if keys.year_initial is not None:
        found.append(("year", keys.year_initial))
    return found


BLOCK_COLUMNS = {
    "surname": duplicate_keys.c.surname_block,
    "born": duplicate_keys.c.date_of_birth,
    "year": duplicate_keys.c.year_initial,
}
KEY_COLUMNS = tuple(
    duplicate_keys.c[name]
    for name in ("participant_id", "first_position", "given_name", "family_name", "date_of_birth")
)
ARMS_PER_STATEMENT = 200  # SQLite allows 500 arms in one compound SELECT


def load_blocks(conn: Connection, wanted: Collection[Keys], ids: Collection[UUID]) -> Blocks:
    """The BLOCK_CAP most recent stored records of every block one of `wanted` is in, and the
    records `ids` names: each block an index range read backwards."""
    blocks = list({b for k in wanted for b in blocks_of(k)})
    loaded: list[Keys] = []
    if conn.dialect.name == "postgresql":
        newest_on_postgres(conn, blocks, loaded)
    else:
        newest_on_sqlite(conn, blocks, loaded)
    for ids_group in chunks(ids, 500):
        where = duplicate_keys.c.participant_id.in_(ids_group)
        found_rows(conn, select(*KEY_COLUMNS).where(where), loaded)
    return Blocks(loaded)


# One statement for every block of a batch, an arm per kind of block: a rebuild's batch asks
# for thousands of blocks, and a UNION of an arm per block cost more to plan than to run
# (rebuild 25k events/s against 38k before the cap).
NEWEST_IN_BLOCKS = """
SELECT d.participant_id, d.first_position, d.given_name, d.family_name, d.date_of_birth
FROM unnest(CAST(:{kind} AS {array})) AS wanted(value) CROSS JOIN LATERAL (
    SELECT * FROM {table} AS k WHERE k.{column} = wanted.value
    ORDER BY k.first_position DESC LIMIT :cap
) AS d
"""
ARRAY_TYPES = {"surname": "text[]", "born": "date[]", "year": "text[]"}


def newest_on_postgres(
    conn: Connection, blocks: list[tuple[str, object]], into: list[Keys]
) -> None:
    table = target_name(conn, duplicate_keys)  # a rebuild's shadow table, if redirected
    values = {kind: [v for k, v in blocks if k == kind] for kind in ARRAY_TYPES}
    arms = [
        NEWEST_IN_BLOCKS.format(
            kind=kind, array=array, table=table, column=BLOCK_COLUMNS[kind].name
        )  # names from our own table, never from input
        for kind, array in ARRAY_TYPES.items()
        if values[kind]
    ]
    if arms:
        chosen = {kind: found for kind, found in values.items() if found}
        statement = text(" UNION ALL ".join(arms)).bindparams(cap=BLOCK_CAP, **chosen)
        found_rows(conn, statement, into)


def newest_on_sqlite(conn: Connection, blocks: list[tuple[str, object]], into: list[Keys]) -> None:
    """SQLite has no LATERAL: one arm per block, an in-process read each."""
    for group in chunks(blocks, ARMS_PER_STATEMENT):
        arms = [
            select(*KEY_COLUMNS)
            .where(BLOCK_COLUMNS[kind] == value)
            .order_by(duplicate_keys.c.first_position.desc())
            .limit(BLOCK_CAP)
            .subquery()
            .select()
            for kind, value in group
        ]
        found_rows(conn, union_all(*arms), into)


def found_rows(conn: Connection, statement: Any, into: list[Keys]) -> None:
    """Plain tuples, not mappings: a search reads hundreds of rows."""
    for participant_id, position, given, family, born in conn.execute(statement):
        into.append(stored_keys(participant_id, position, given, family, born))


def search(blocks: Blocks, keys: Keys, matched: Iterable[UUID]) -> list[tuple[Keys, Match]]:
    """The candidates for one new record, best first: those sharing a block, and those an
    identifier matched (whatever their names and date of birth)."""
    others = blocks.sharing_a_block(keys)
    by_identifier = {m for m in matched if m in blocks.by_id}
    for m in by_identifier:
        other = blocks.by_id[m]
        others[other.position] = other
    found = []
    for other in others.values():
        by_id = bool(by_identifier) and other.participant_id in by_identifier
        match = grade(keys, other, identifier_match=by_id)
        if match is not None:
            found.append((other, match))
    found.sort(key=lambda pair: (RANK[pair[1].grade], pair[0].position))
    return found[:MAX_PER_REFERRAL]


def candidate_rows(event: Any, keys: Keys, found: list[tuple[Keys, Match]]) -> list[Row]:
    return [
        {
            "candidate_id": candidate_id(event.originator_id, other.participant_id),
            "seq": keys.position * MAX_PER_REFERRAL + rank,
            "earlier_id": other.participant_id,
            "later_id": event.originator_id,
            "grade": str(match.grade),
            "reasons": list(match.reasons),
            "raised_at": event.timestamp,
            "status": Review.OPEN,
            "decided_at": None,
            "decided_by": None,
            "note": None,
        }
        for rank, (other, match) in enumerate(found)
    ]


class DuplicateCandidates(BatchProjection):
    name = "possible_duplicates"
    tables = (duplicate_keys, possible_duplicates)
    topics = frozenset(get_topic(cls) for cls in (Participant.Referred, *DECISIONS)) | {
        FORGOTTEN_TOPIC
    }

    def __init__(self) -> None:
        self.replayed: Blocks | None = None  # see begin_replay

    def begin_replay(self) -> None:
        """A rebuild starts into empty shadow tables (projections/rebuild.py): every record it
        adds is also kept here, so a batch finds its blocks in memory instead of reading the
        BLOCK_CAP newest of each again (at 100x, most of the projection's rebuild time). The
        same records either way: the shadow holds exactly what this replay added and did not
        purge. A batch that fails drops them, and the rest of the replay reads the table."""
        self.replayed = Blocks()

    def end_replay(self) -> None:
        self.replayed = None

    def apply_batch(self, conn: Connection, items: list[Item]) -> None:
        referrals = [(p, e) for p, e in items if isinstance(e, Participant.Referred)]
        new = [(keys_of(e.originator_id, p, e.person), e) for p, e in referrals]
        matched = {m for _, e in referrals for m in e.identifier_matches}
        held = self.replayed if into_empty(conn) else None
        if held is not None:
            self.replayed = None  # given back once this batch has gone through
        blocks = held if held is not None else load_blocks(conn, [k for k, _ in new], matched)
        rows: list[Row] = []
        for keys, event in new:
            rows += candidate_rows(event, keys, search(blocks, keys, event.identifier_matches))
            blocks.add(keys)
        if new:
            keys_rows = [row_from_keys(k) for k, _ in new]
            insert_missing(conn, duplicate_keys, keys_rows, ["participant_id"])
        if rows:
            insert_missing(conn, possible_duplicates, rows, ["candidate_id"])
        for _, event in items:
            if type(event) in DECISIONS:
                self.decided(conn, event)
        # A forgotten person's names and birth date go; their pairs (and notes) with them.
        t = possible_duplicates
        purge(conn, items, duplicate_keys.c.participant_id, t.c.earlier_id, t.c.later_id)
        if held is not None:
            held.remove(forgotten_in(items))
            self.replayed = held

    @staticmethod
    def decided(conn: Connection, event: Any) -> None:
        t = possible_duplicates
        conn.execute(
            update(t)
            .where(t.c.candidate_id == event.candidate_id)
            .values(
                status=DECISIONS[type(event)],
                decided_at=event.timestamp,
                decided_by=event.meta.actor,
                note=event.note,
            )
        )
