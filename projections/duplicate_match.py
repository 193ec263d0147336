"""The candidate search's scoring: which earlier records may be the person a referral names,
graded as FHIR `$match` grades them (certain / probable / possible), each with its reasons.

Blocking keeps it cheap: a referral is compared only with records that share its date of
birth, the phonetic code of its surname (Soundex) with its given name's initial, or its birth
year with that initial. HMIS practice (an exact match on two of name, identifier and date of
birth is a duplicate) sets `certain`; one near miss beside an exact match is `probable`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from uuid import UUID

import jellyfish
from rapidfuzz.distance import JaroWinkler, Levenshtein

from domain.duplicates import Grade
from domain.sameness import normalised
from domain.values import Person

GIVEN_SIMILAR = 0.85  # Jaro-Winkler, on the normalised names
FAMILY_SIMILAR = 0.88


@dataclass(frozen=True)
class Keys:
    """What the search keeps of a record: its normalised names (with and without spaces),
    date of birth and blocking keys, each computed once (a search compares hundreds)."""

    participant_id: UUID
    position: int
    given: str
    family: str
    date_of_birth: date | None
    given_key: str
    family_key: str
    surname_code: str
    year_initial: str | None

    @property
    def surname_block(self) -> str:
        """The phonetic surname with the given name's initial: a Soundex code alone holds a
        hundred records at 100x, and every pair it alone finds agrees on the initial."""
        return f"{self.surname_code}:{self.given[:1]}"


def keys_of(participant_id: UUID, position: int, person: Person) -> Keys:
    given, family = normalised(person.given_name), normalised(person.family_name)
    return stored_keys(participant_id, position, given, family, person.date_of_birth)


def stored_keys(
    participant_id: UUID, position: int, given: str, family: str, born: date | None
) -> Keys:
    """From names already normalised (as the keys table keeps them)."""
    family_key = family.replace(" ", "")
    return Keys(
        participant_id,
        position,
        given,
        family,
        born,
        given.replace(" ", ""),
        family_key,
        jellyfish.soundex(family_key or "?"),
        year_initial(born, given),
    )


def year_initial(born: date | None, given: str) -> str | None:
    return None if born is None or not given else f"{born.year}:{given[0]}"


@dataclass(frozen=True)
class Match:
    grade: Grade
    reasons: tuple[str, ...]


def name_likeness(a: Keys, b: Keys) -> str | None:
    """`same_name`, `similar_name` (a typo, a spelling variant, given and family swapped),
    `phonetic_name` (same surname sound and initial), or nothing alike."""
    if a.given_key == b.given_key and a.family_key == b.family_key:
        return "same_name"
    if similar(a.given, a.family, b.given, b.family) or similar(
        a.given, a.family, b.family, b.given
    ):
        return "similar_name"
    if a.surname_code == b.surname_code and a.given[:1] == b.given[:1]:
        return "phonetic_name"
    return None


def similar(given_a: str, family_a: str, given_b: str, family_b: str) -> bool:
    return (
        JaroWinkler.similarity(given_a, given_b) >= GIVEN_SIMILAR
        and JaroWinkler.similarity(family_a, family_b) >= FAMILY_SIMILAR
    )


def birth_likeness(a: date | None, b: date | None) -> str | None:
    """`same_date_of_birth`, `close_date_of_birth` (one digit off, or day and month
    swapped), `same_birth_year`, `date_of_birth_unknown`, or nothing alike."""
    if a is None or b is None:
        return "date_of_birth_unknown"
    if a == b:
        return "same_date_of_birth"
    swapped = a.year == b.year and a.month == b.day and a.day == b.month
    if swapped or Levenshtein.distance(a.isoformat(), b.isoformat()) <= 1:
        return "close_date_of_birth"
    return "same_birth_year" if a.year == b.year else None


# (names, births) → grade; pairs not listed are not candidates.
GRADES: dict[tuple[str, str], Grade] = {
    ("same_name", "same_date_of_birth"): Grade.CERTAIN,
    ("similar_name", "same_date_of_birth"): Grade.PROBABLE,
    ("same_name", "close_date_of_birth"): Grade.PROBABLE,
    ("same_name", "date_of_birth_unknown"): Grade.POSSIBLE,
    ("same_name", "same_birth_year"): Grade.POSSIBLE,
    ("similar_name", "close_date_of_birth"): Grade.POSSIBLE,
    ("phonetic_name", "same_date_of_birth"): Grade.POSSIBLE,
}


def grade(new: Keys, old: Keys, identifier_match: bool = False) -> Match | None:
    """An identifier shared with disagreeing names or date of birth is `certain` when one of
    them still agrees exactly, else `probable`; without one, the table above."""
    names = name_likeness(new, old)
    births = birth_likeness(new.date_of_birth, old.date_of_birth)
    if identifier_match:
        agrees = names == "same_name" or births == "same_date_of_birth"
        return matched(
            Grade.CERTAIN if agrees else Grade.PROBABLE, names, births, by_identifier=True
        )
    graded = GRADES.get((names or "", births or ""))
    return None if graded is None else matched(graded, names, births, by_identifier=False)


@cache  # a few dozen combinations; a search grades hundreds of pairs per referral
def matched(graded: Grade, names: str | None, births: str | None, *, by_identifier: bool) -> Match:
    found = tuple(reason for reason in (names, births) if reason is not None)
    return Match(graded, ("same_identifier", *found) if by_identifier else found)
