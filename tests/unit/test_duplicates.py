"""Possible duplicates without I/O: when two records agree on their face, how a pair is
graded (a generated matrix), the blocking, and the link rules of the aggregates."""

from __future__ import annotations

from datetime import date
from itertools import count, product
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import pytest

from domain.duplicates import DuplicateReview, Grade, Review, candidate_id
from domain.errors import InvalidInput, StateConflict
from domain.sameness import agree, normalised
from domain.values import Person
from projections.duplicate_match import (
    GRADES,
    Keys,
    birth_likeness,
    grade,
    keys_of,
    name_likeness,
)
from projections.duplicates import Blocks, search
from tests.unit.builders import cm_stamp, event_types, refer

pytestmark = pytest.mark.unit

BORN = date(1980, 3, 14)

AGREEING = [
    (Person("José", "García", BORN), Person("jose", "GARCIA", BORN)),
    (Person(" Mary  Ann ", "De La Cruz", BORN), Person("Mary Ann", "Delacruz", BORN)),
    (Person("Ann", "O'Neil", BORN), Person("ann", "ONeil", BORN)),
    (Person("Ann", "Smith-Jones", BORN), Person("Ann", "Smith Jones", None)),
]
DISAGREEING = [
    (Person("Ann", "Smith", BORN), Person("Anne", "Smith", BORN)),  # one typo
    (Person("Ann", "Smith", BORN), Person("Ann", "Smith", date(1980, 3, 15))),
    (Person("Ann", "Smith", BORN), Person("Bob", "Jones", date(1971, 1, 2))),  # hostile
]


@pytest.mark.parametrize(("a", "b"), AGREEING)
def test_names_agree_after_normalising_case_accents_and_spacing(a: Person, b: Person) -> None:
    assert agree(a, b)


@pytest.mark.parametrize(("a", "b"), DISAGREEING)
def test_a_typo_or_another_persons_details_disagree(a: Person, b: Person) -> None:
    assert not agree(a, b)


def test_normalised_drops_accents_case_and_extra_spaces() -> None:
    assert normalised("  ÉLODIE   d'Arc-Lévesque ") == "elodie darc levesque"


# One example pair per likeness, to build the grade matrix from.
NAMES = {
    "same_name": ("Avery", "Hollander"),
    "similar_name": ("Avery", "Holander"),
    "phonetic_name": ("Ari", "Hallender"),
    "none": ("Quinn", "Okafor"),
}
BIRTHS = {
    "same_date_of_birth": BORN,
    "close_date_of_birth": date(1980, 3, 24),  # one digit off
    "same_birth_year": date(1980, 9, 2),
    "date_of_birth_unknown": None,
    "none": date(1962, 7, 30),
}
CASES = list(product(NAMES, BIRTHS))


POSITIONS = count(1)


def keys(name: tuple[str, str], born: date | None) -> Keys:
    """A record later in the log than every one made before it."""
    return keys_of(uuid4(), next(POSITIONS), Person(name[0], name[1], born))


def test_the_example_pairs_have_the_likeness_they_are_named_for() -> None:
    base = keys(NAMES["same_name"], BORN)
    for label, name in NAMES.items():
        assert (name_likeness(keys(name, BORN), base) or "none") == label
    for label, born in BIRTHS.items():
        assert (birth_likeness(born, BORN) or "none") == label


@pytest.mark.parametrize(("names", "births"), CASES)
def test_grade_matrix(names: str, births: str) -> None:
    new, old = keys(NAMES[names], BIRTHS[births]), keys(NAMES["same_name"], BORN)
    expected = GRADES.get((names, births))
    match = grade(new, old)
    assert (match.grade if match else None) == expected
    if match:
        assert names in match.reasons and births in match.reasons


@pytest.mark.parametrize(("names", "births"), CASES)
def test_a_shared_identifier_is_always_certain_or_probable(names: str, births: str) -> None:
    new, old = keys(NAMES[names], BIRTHS[births]), keys(NAMES["same_name"], BORN)
    match = grade(new, old, identifier_match=True)
    assert match is not None and match.reasons[0] == "same_identifier"
    agrees = names == "same_name" or births == "same_date_of_birth"
    assert match.grade == (Grade.CERTAIN if agrees else Grade.PROBABLE)


def test_the_matrices_cover_every_case() -> None:
    assert len(CASES) == 20
    assert len(GRADES) == 7


def test_day_and_month_swapped_is_a_close_date_of_birth() -> None:
    assert birth_likeness(date(1980, 3, 14), date(1980, 3, 14)) == "same_date_of_birth"
    assert birth_likeness(date(1980, 4, 3), date(1980, 3, 4)) == "close_date_of_birth"


def test_given_and_family_names_swapped_are_similar() -> None:
    assert name_likeness(keys(("Hollander", "Avery"), BORN), keys(NAMES["same_name"], BORN)) == (
        "similar_name"
    )


def test_search_compares_only_records_sharing_a_block_and_finds_identifier_matches() -> None:
    earlier = keys(NAMES["same_name"], BORN)
    stranger = keys(("Quinn", "Okafor"), date(1955, 1, 1))
    mismatched = keys(("Riley", "Nakamura"), date(1990, 6, 6))
    blocks = Blocks([earlier, stranger, mismatched])
    new = keys(NAMES["similar_name"], BORN)
    assert [k.participant_id for k in blocks.sharing_a_block(new).values()] == [
        earlier.participant_id
    ]
    found = search(blocks, new, [mismatched.participant_id])
    assert [(k.participant_id, m.grade) for k, m in found] == [
        (earlier.participant_id, Grade.PROBABLE),
        (mismatched.participant_id, Grade.PROBABLE),
    ]


def test_one_candidate_per_pair_whichever_comes_first() -> None:
    a, b = uuid4(), uuid4()
    assert candidate_id(a, b) == candidate_id(b, a) != candidate_id(a, uuid4())


def test_a_pairs_id_is_the_one_stores_already_hold() -> None:
    """Reviews recorded under earlier versions are keyed by this id: it may never change."""
    first, second = UUID(int=(4 << 76) | (2 << 62) | 1), UUID(int=(4 << 76) | (2 << 62) | 2)
    name = f"lead:possible-duplicate:{first}:{second}"
    assert candidate_id(second, first) == uuid5(NAMESPACE_URL, name)
    assert str(candidate_id(first, second)) == "2ea4c400-495c-5092-a9b5-984f139286ad"


def review() -> DuplicateReview:
    earlier, later = uuid4(), uuid4()
    return DuplicateReview.start(candidate_id(earlier, later), earlier, later, cm_stamp())


@pytest.mark.parametrize("decision", ["link", "dismiss"])
def test_a_decision_needs_a_note(decision: str) -> None:
    with pytest.raises(InvalidInput):
        getattr(review(), decision)("  ", cm_stamp())


def test_a_dismissed_pair_cannot_be_linked_and_a_linked_pair_is_unlinked_first() -> None:
    dismissed, linked = review(), review()
    dismissed.dismiss("different people: met both", cm_stamp())
    with pytest.raises(StateConflict):
        dismissed.link("same after all", cm_stamp())
    linked.link("same person: photo ID", cm_stamp())
    with pytest.raises(StateConflict):
        linked.dismiss("no", cm_stamp())
    linked.unlink("wrong: twins", cm_stamp())
    assert linked.status == Review.UNLINKED
    linked.link("right after all", cm_stamp())
    assert linked.status == Review.LINKED


def test_a_link_points_the_later_record_to_the_earlier_and_unlink_restores_both() -> None:
    earlier, later = refer(), refer()
    candidate = candidate_id(earlier.id, later.id)
    later.link_into(earlier, candidate, "same person", cm_stamp())
    assert (later.linked_to, earlier.linked_records) == (earlier.id, [later.id])
    assert event_types(later) == ["LinkedInto"] and event_types(earlier) == ["RecordLinked"]
    later.undo_link(earlier, candidate, "not the same", cm_stamp())
    assert (later.linked_to, earlier.linked_records) == (None, [])


def test_no_chains_of_links() -> None:
    first, second, third = refer(), refer(), refer()
    second.link_into(first, uuid4(), "same", cm_stamp())
    with pytest.raises(StateConflict):
        third.link_into(second, uuid4(), "same", cm_stamp())  # second is linked into first
    with pytest.raises(StateConflict):
        first.link_into(third, uuid4(), "same", cm_stamp())  # first holds a linked record
    with pytest.raises(StateConflict):
        second.link_into(third, uuid4(), "same", cm_stamp())  # already linked
