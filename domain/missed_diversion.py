"""A missed diversion (DOMAIN.md, Golden Rule view and equity): a diversion-eligible arrest
that was booked instead. Defense watches for them and the project manager records them; each
is a Golden Rule flag and the first stage of the equity figures. The person is not a
participant: no names are kept, only the charges, the arresting agency and demographics."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.base import LeadAggregate, Stamp
from domain.errors import ChargeNotDivertible, InvalidInput
from domain.values import Charge, Demographics, PolicyTerms


class MissedDiversion(LeadAggregate):
    class Recorded(LeadAggregate.Created):
        arrested_at: datetime
        booked_at: datetime
        charges: tuple[Charge, ...]
        arresting_agency: str
        demographics: Demographics
        note: str
        policy_version: int

    def __init__(
        self,
        arrested_at: datetime,
        booked_at: datetime,
        charges: tuple[Charge, ...],
        arresting_agency: str,
        demographics: Demographics,
        note: str,
        policy_version: int,
    ) -> None:
        self.arrested_at = arrested_at
        self.booked_at = booked_at
        self.charges = charges
        self.arresting_agency = arresting_agency
        self.demographics = demographics
        self.note = note
        self.policy_version = policy_version

    @classmethod
    def record(
        cls,
        missed_id: UUID,
        arrest: tuple[datetime, datetime, tuple[Charge, ...], str],
        demographics: Demographics,
        note: str,
        policy: tuple[PolicyTerms, int],
        stamp: Stamp,
    ) -> MissedDiversion:
        arrested_at, booked_at, charges, agency = arrest
        terms, version = policy
        check_eligible_arrest(arrested_at, booked_at, charges, terms)
        return cls._create(
            cls.Recorded,
            id=missed_id,
            arrested_at=arrested_at,
            booked_at=booked_at,
            charges=charges,
            arresting_agency=agency,
            demographics=demographics,
            note=note,
            policy_version=version,
            meta=stamp.meta,
            occurred_at=booked_at,
            timestamp=stamp.recorded_at,
        )


def check_eligible_arrest(
    arrested_at: datetime, booked_at: datetime, charges: tuple[Charge, ...], terms: PolicyTerms
) -> None:
    """Diversion-eligible: every charge on the site's divertible list; booked after arrest."""
    if not charges:
        raise InvalidInput("a missed diversion names the arrest's charges", field="charges")
    for charge in charges:
        if not terms.is_divertible(charge.code):
            raise ChargeNotDivertible(
                f"charge {charge.code!r} is not on the site's divertible-charge list: "
                "the arrest was not diversion-eligible",
                field="charges",
            )
    if booked_at < arrested_at:
        raise InvalidInput("booked_at lies before arrested_at", field="booked_at")
