"""Evaluation and equity: one row per referral (the cohort is the month it was made in), with
the door, the person's race and ethnicity as recorded, and how far it went: declined,
enrolled (and days to intake), intake deadline expired, discharged, readmitted.

Stage events are participant-level, so they are attributed the way the participant aggregate
attributes them: intake and enrollment to the referrals still open for intake, discharge to
the enrolled referrals, readmission to the discharged ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Float,
    Integer,
    Table,
    Text,
    Uuid,
    false,
)

from domain.participant import Participant
from domain.participant_state import Status
from domain.values import Demographics
from infra.tables import metadata
from projections.engine import BatchProjection, Item
from projections.evaluation_cells import (
    CellDeltas,
    evaluation_cells,
    evaluation_intake_histogram,
    evaluation_intake_overall,
)
from projections.sql import Row, load_rows, save_rows

P = Participant
UNKNOWN = "unknown"
MULTIRACIAL = "multiracial"

evaluation_referrals = Table(
    "evaluation_referrals",
    metadata,
    Column("referral_id", Uuid, primary_key=True),
    Column("participant_id", Uuid, nullable=False, index=True),
    Column("position", BigInteger, nullable=False),
    Column("door", Text, nullable=False),
    Column("referred_at", DateTime(timezone=True), nullable=False, index=True),
    Column("month", Text, nullable=False),
    Column("quarter", Text, nullable=False),
    Column("year", Text, nullable=False),
    Column("race", Text, nullable=False),
    Column("ethnicity", Text, nullable=False),
    Column("gender", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("declined", Boolean, nullable=False),
    Column("intake_expired", Boolean, nullable=False),
    Column("intake_at", DateTime(timezone=True), nullable=True),
    Column("days_to_intake", Float, nullable=True),
    Column("intake_tenths", Integer, nullable=True),  # days to intake in tenths: the median
    Column("enrolled_at", DateTime(timezone=True), nullable=True),
    Column("discharged_at", DateTime(timezone=True), nullable=True),
    Column("readmitted_at", DateTime(timezone=True), nullable=True),
    # issue 16: the warm handoff (ideally within 30 minutes) and engagement within 30 days
    Column("handed_off_at", DateTime(timezone=True), nullable=True),
    Column("handoff_within_30m", Boolean, nullable=False, server_default=false()),
    Column("engaged_30d", Boolean, nullable=False, server_default=false()),
)
HANDOFF_MINUTES = 30  # toolkit: the warm handoff, ideally within 30 minutes
ENGAGED_DAYS = 30  # funders (5 ILCS 820/25): engaged within 30 days of the encounter


def race_group(demographics: Demographics) -> str:
    races = sorted(set(demographics.race))
    if not races:
        return UNKNOWN
    return races[0] if len(races) == 1 else MULTIRACIAL


def new_row(event: Any, position: int, earlier: list[Row]) -> Row:
    """A referral's row; an empty demographics block keeps what the person last reported."""
    demographics: Demographics = event.referral.demographics
    at: datetime = event.referral.referred_at.astimezone(UTC)
    row: Row = {
        "referral_id": event.referral_id,
        "participant_id": event.originator_id,
        "position": position,
        "door": event.referral.door,
        "referred_at": at,
        "month": f"{at.year:04d}-{at.month:02d}",
        "quarter": f"{at.year:04d}-Q{(at.month - 1) // 3 + 1}",
        "year": f"{at.year:04d}",
        "race": race_group(demographics),
        "ethnicity": demographics.ethnicity or UNKNOWN,
        "gender": demographics.gender or UNKNOWN,
        "status": event.status,
        "declined": event.status == Status.DECLINED,
        "intake_expired": False,
        "intake_at": None,
        "days_to_intake": None,
        "intake_tenths": None,
        "enrolled_at": event.occurred_at if event.status == Status.ENROLLED else None,
        "discharged_at": None,
        "readmitted_at": None,
        "handed_off_at": None,
        "handoff_within_30m": False,
        "engaged_30d": False,
    }
    if demographics == Demographics() and earlier:
        latest = max(earlier, key=lambda r: r["position"])
        row |= {k: latest[k] for k in ("race", "ethnicity", "gender")}
    return row


def on_referral(rows: list[Row], event: Any, position: int) -> None:
    rows.append(new_row(event, position, rows))


def on_intake(rows: list[Row], event: Any, _: int) -> None:
    at = event.occurred_at
    for row in rows:
        if row["status"] in (Status.REFERRED, Status.EXPIRED) and row["intake_at"] is None:
            days = (at - row["referred_at"]).total_seconds() / 86400
            row |= {"intake_at": at, "days_to_intake": days, "intake_tenths": round(days * 10)}
            row["engaged_30d"] = days <= ENGAGED_DAYS  # engaged: the intake assessment done


def on_enrolled(rows: list[Row], event: Any, _: int) -> None:
    for row in rows:
        if row["status"] in (Status.REFERRED, Status.EXPIRED):
            row |= {"status": Status.ENROLLED, "enrolled_at": event.occurred_at}


def on_expired(rows: list[Row], event: Any, _: int) -> None:
    for row in rows:
        if row["referral_id"] == event.referral_id:
            row |= {"status": Status.EXPIRED, "intake_expired": True}


def on_discharged(rows: list[Row], event: Any, _: int) -> None:
    for row in rows:
        if row["status"] == Status.ENROLLED and row["discharged_at"] is None:
            row["discharged_at"] = event.occurred_at


def on_readmitted(rows: list[Row], event: Any, _: int) -> None:
    for row in rows:
        if row["discharged_at"] is not None and row["readmitted_at"] is None:
            row["readmitted_at"] = event.occurred_at


def on_handoff(rows: list[Row], event: Any, _: int) -> None:
    for row in rows:
        if row["referral_id"] == event.referral_id:
            within = event.minutes_after_referral <= HANDOFF_MINUTES
            row |= {"handed_off_at": event.occurred_at, "handoff_within_30m": within}


FOLDS: dict[type[Any], Callable[[list[Row], Any, int], None]] = {
    P.WarmHandoffRecorded: on_handoff,
    P.Referred: on_referral,
    P.ReferredAgain: on_referral,
    P.IntakeCompleted: on_intake,
    P.Enrolled: on_enrolled,
    P.IntakeDeadlineExpired: on_expired,
    P.Discharged: on_discharged,
    P.Readmitted: on_readmitted,
}


def fold(rows: list[Row], event: Any, position: int) -> None:
    """One participant's referral rows, changed by one of their events (others: no change)."""
    handler = FOLDS.get(type(event))
    if handler is not None:
        handler(rows, event, position)


class EvaluationProjection(BatchProjection):
    name = "evaluation"
    tables = (
        evaluation_referrals,
        evaluation_cells,
        evaluation_intake_histogram,
        evaluation_intake_overall,
    )
    topics = frozenset(get_topic(cls) for cls in FOLDS)

    def apply_batch(self, conn: Connection, items: list[Item]) -> None:
        touched = {e.originator_id for _, e in items if not isinstance(e, P.Referred)}
        table = evaluation_referrals
        by_participant: dict[UUID, list[Row]] = {}
        loaded = load_rows(conn, table, table.c.participant_id, touched)
        deltas = CellDeltas()
        deltas.add(loaded, -1)  # before the folds change these rows in place
        for row in loaded:
            by_participant.setdefault(row["participant_id"], []).append(row)
        for position, event in items:
            fold(by_participant.setdefault(event.originator_id, []), event, position)
        rows = [row for rows in by_participant.values() for row in rows]
        save_rows(conn, table, rows, "referral_id", {row["referral_id"] for row in loaded})
        deltas.add(rows, +1)
        deltas.write(conn)
