"""Whether two records name the same person on their face: the names and date of birth agree
once case, accents and spacing are normalised (DOMAIN.md, "People who are the same person").
An identifier match merges a referral into a participant only then; anything less is for a
person to decide (a possible duplicate)."""

from __future__ import annotations

import unicodedata
from datetime import date

from domain.values import Person

SEPARATORS = str.maketrans({"-": " ", "'": "", "\u2019": "", ".": " ", ",": " "})


def normalised(name: str) -> str:
    """`  José  de-la Cruz ` → `jose de la cruz`: no accents, one case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().translate(SEPARATORS).split())


def name_key(name: str) -> str:
    """The name with no spacing at all: `De La Cruz` and `Delacruz` agree."""
    return normalised(name).replace(" ", "")


def dates_agree(a: date | None, b: date | None) -> bool:
    """An unknown date of birth does not disagree; two known ones must be equal."""
    return a is None or b is None or a == b


def agree(on_record: Person, referred: Person) -> bool:
    return (
        name_key(on_record.given_name) == name_key(referred.given_name)
        and name_key(on_record.family_name) == name_key(referred.family_name)
        and dates_agree(on_record.date_of_birth, referred.date_of_birth)
    )
