"""Value objects carried in events. Frozen, and rebuilt by `infra/transcodings.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain import text


@dataclass(frozen=True)
class Identifier:
    system: str
    value: str


@dataclass(frozen=True)
class Person:
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    identifiers: tuple[Identifier, ...] = ()


@dataclass(frozen=True)
class Demographics:
    race: tuple[str, ...] = ()
    ethnicity: str | None = None
    gender: str | None = None


@dataclass(frozen=True)
class Charge:
    code: str
    description: str = ""


@dataclass(frozen=True)
class Location:
    description: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class ExclusionOverride:
    by: str
    reason: str


@dataclass(frozen=True)
class Arrest:
    charges: tuple[Charge, ...]
    location: Location
    released_at: datetime
    exclusions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criteria:
    chronic_law_violations: bool = False
    public_expectation_of_response: bool = False


@dataclass(frozen=True)
class IdentifierSystem:
    """An identifier system the site registered to the agency that issues it."""

    system: str
    agency: str
    description: str = ""


@dataclass(frozen=True)
class PolicyTerms:
    """Site policy (set by the PCG). Defaults are the LEAD toolkit's."""

    divertible_charges: tuple[Charge, ...] = ()
    exclusion_criteria: tuple[Charge, ...] = ()
    intake_deadline_days: int = 30
    non_return_hours: int = 24
    caseload_max: int = 25
    caseload_average_threshold: int = 20
    discharge_min_inactive_days: int = 90
    hold_review_max_days: int = 90
    inactive_after_days: int = 30
    # Time-based alerts (issue 17): this many days before an intake deadline or a ROI's expiry.
    intake_reminder_days: int = 7
    roi_expiry_reminder_days: int = 14
    identifier_systems: tuple[IdentifierSystem, ...] = ()
    liaison_prosecutor_agencies: tuple[str, ...] = ()  # decide on diverted charges
    # Days after discharge (or after the last referral of someone never enrolled) when a
    # record is due for review (issue 18); None: the site reviews none.
    retention_days_after_discharge: int | None = None

    def is_divertible(self, code: str) -> bool:
        return any(charge.code == code for charge in self.divertible_charges)

    def exclusion_codes(self) -> frozenset[str]:
        return frozenset(criterion.code for criterion in self.exclusion_criteria)

    def system_agency(self, system: str) -> str | None:
        """The agency a system is registered to; None for a system the site did not register."""
        return next((s.agency for s in self.identifier_systems if s.system == system), None)

    def named_agencies(self) -> frozenset[str]:
        """Every agency the policy names: each must be one the site knows."""
        systems = {s.agency for s in self.identifier_systems}
        return frozenset(systems | set(self.liaison_prosecutor_agencies))


@dataclass(frozen=True)
class Referral:
    """What a referral asks for; the participant aggregate decides what it becomes."""

    door: str
    referred_at: datetime
    demographics: Demographics = field(default_factory=Demographics)
    arrest: Arrest | None = None
    exclusion_override: ExclusionOverride | None = None
    criteria: Criteria | None = None
    referring_organization: str | None = None


def check_texts(
    referral: Referral, person: Person | None = None, identifiers: tuple[Identifier, ...] = ()
) -> None:
    """Which rule of `domain/text.py` each text of a referral keeps to (the request schema
    checks the same at the edge): raises TextRefused naming the first that does not."""
    if person is not None:
        text.NAME.check(person.given_name, "person.given_name")
        text.NAME.check(person.family_name, "person.family_name")
        identifiers += person.identifiers
    for n, identifier in enumerate(identifiers):
        text.CODE.check(identifier.system, f"person.identifiers.{n}.system")
        text.CODE.check(identifier.value, f"person.identifiers.{n}.value")
    for n, race in enumerate(referral.demographics.race):
        text.DEMOGRAPHIC.check(race, f"demographics.race.{n}")
    text.DEMOGRAPHIC.check(referral.demographics.ethnicity, "demographics.ethnicity")
    text.DEMOGRAPHIC.check(referral.demographics.gender, "demographics.gender")
    text.LABEL.check(referral.referring_organization, "referring_organization")
    if referral.arrest is not None:
        text.NAME.check(referral.arrest.location.description, "arrest.location.description")
        for n, charge in enumerate(referral.arrest.charges):
            text.CODE.check(charge.code, f"arrest.charges.{n}.code")
            text.LABEL.check(charge.description, f"arrest.charges.{n}.description")
    if referral.exclusion_override is not None:
        text.NAME.check(referral.exclusion_override.by, "exclusion_override.by")
        text.REASON.check(referral.exclusion_override.reason, "exclusion_override.reason")
