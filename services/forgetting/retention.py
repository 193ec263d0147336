"""The retention review: people whose record the site's policy says it need keep no longer
(`retention_days_after_discharge` after discharge, or after the last referral of someone who
never enrolled). A list for a person to review; nothing here forgets anyone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import UUID

from sqlalchemy import Engine, and_, or_, select

from domain.disclosure import Section
from domain.participant_state import Status
from domain.values import PolicyTerms
from infra.clock import Clock
from projections.directory import participant_directory
from services.views.sections import Disclosure, Shown

Basis = Literal["discharged", "never_enrolled"]
NEVER_ENROLLED = (Status.DECLINED, Status.EXPIRED)


@dataclass(frozen=True)
class DueForReview:
    participant_id: UUID
    basis: Basis
    since: datetime
    due_at: datetime


LISTED_SECTIONS = frozenset({Section.PARTICIPATION, Section.CASE_RECORD})


class RetentionReview:
    def __init__(self, sql: Engine, terms: Callable[[], PolicyTerms], clock: Clock) -> None:
        self.sql = sql
        self.terms = terms
        self.clock = clock

    def due(self) -> tuple[int | None, list[DueForReview]]:
        """The policy's period, and who is past it now (none when the policy sets none)."""
        days = self.terms().retention_days_after_discharge
        if days is None:
            return None, []
        period = timedelta(days=days)
        cutoff = self.clock.now() - period
        t = participant_directory
        query = (
            select(t.c.participant_id, t.c.discharged_at, t.c.last_referred_at)
            .where(
                or_(
                    t.c.discharged_at <= cutoff,
                    and_(
                        t.c.discharged_at.is_(None),
                        t.c.enrolled_at.is_(None),
                        t.c.status.in_(NEVER_ENROLLED),
                        t.c.last_referred_at <= cutoff,
                    ),
                )
            )
            .order_by(t.c.first_position)
        )
        with self.sql.connect() as conn:
            rows = conn.execute(query).all()
        return days, [
            due_for(row.participant_id, row.discharged_at, row.last_referred_at, period)
            for row in rows
        ]

    def listed(self) -> Shown[tuple[int | None, list[DueForReview]]]:
        """`due()` as the project manager's list shows it: each person named is a disclosure
        that they take part (participation) and of their discharge (the case record)."""
        days, due = self.due()
        return Shown(
            (days, due),
            tuple(Disclosure(d.participant_id, LISTED_SECTIONS, "retention review") for d in due),
        )


def due_for(
    participant_id: UUID, discharged_at: datetime | None, referred_at: datetime, period: timedelta
) -> DueForReview:
    basis: Basis = "discharged" if discharged_at is not None else "never_enrolled"
    since = discharged_at or referred_at
    since = since if since.tzinfo else since.replace(tzinfo=UTC)  # SQLite's are naive, UTC
    return DueForReview(participant_id, basis, since, since + period)
