"""The disclosure table (domain/disclosure.py) against DOMAIN.md's, restated independently in
tests/disclosure_table.py: every role x every combination of ties to the person x every
section, as a generated matrix."""

from __future__ import annotations

from itertools import chain, combinations, product

import pytest

from domain.disclosure import Caller, Relation, Section, may_know_of, visible_sections
from domain.roles import ROLES
from tests.disclosure_table import SECTIONS, Reader, Ties, may_see

pytestmark = pytest.mark.unit

CATEGORIES = ("plan", "engagement", "legal_status")
ROI_SUBSETS = [
    frozenset(c) for c in chain.from_iterable(combinations(CATEGORIES, k) for k in range(4))
]
FLAGS = ("referred", "holds", "party", "shares", "watched", "made_non_return", "in_force")


def relations() -> list[tuple[dict[str, bool], frozenset[str]]]:
    return [
        (dict(zip(FLAGS, values, strict=True)), roi)
        for values in product((False, True), repeat=len(FLAGS))
        for roi in ROI_SUBSETS
    ]


def test_every_role_and_tie_sees_exactly_the_sections_of_domain_md() -> None:
    wrong, cases = [], 0
    for role, (flags, roi) in product(sorted(ROLES), relations()):
        relation = Relation(
            referred=flags["referred"],
            holds_matter=flags["holds"],
            party_to_matter=flags["party"],
            roi_categories=roi,
            made_non_return=flags["made_non_return"],
            non_return_in_force=flags["in_force"],
            received_shares=flags["shares"],
            watched=flags["watched"],
        )
        ties = Ties(
            flags["referred"],
            flags["holds"],
            flags["party"],
            roi,
            flags["shares"],
            flags["watched"],
            flags["made_non_return"],
        )
        table = may_see(Reader(role, "agency", ties), non_return_in_force=flags["in_force"])
        code = visible_sections(Caller("agency", role), relation)
        for section in SECTIONS:
            cases += 1
            if (section in table) != (Section(section) in code):
                wrong.append(f"{role} {flags} {sorted(roi)}: {section}")
        assert may_know_of(Caller("agency", role), relation) == bool(code)
    assert wrong == []
    assert cases == len(ROLES) * 2 ** len(FLAGS) * len(ROI_SUBSETS) * len(SECTIONS) == 122_880


def test_the_sections_are_the_tables_rows() -> None:
    assert {s.value for s in Section} == set(SECTIONS)


@pytest.mark.parametrize("role", ["police", "community_partner", "prosecutor", "defense"])
def test_an_agency_tied_in_no_way_may_not_know_of_the_person(role: str) -> None:
    assert visible_sections(Caller("x", role), Relation()) == frozenset()


@pytest.mark.parametrize("role", ["court", "probation"])
def test_courts_and_probation_learn_only_that_case_management_works_with_them(
    role: str,
) -> None:
    seen = visible_sections(Caller("court-1", role), Relation(party_to_matter=True))
    assert Section.PROGRESS in seen
    assert not seen & {Section.PLAN, Section.ENGAGEMENT, Section.SHARES, Section.CASE_RECORD}


@pytest.mark.parametrize("role", ["court", "probation"])
def test_no_roi_makes_courts_and_probation_supervisors(role: str) -> None:
    """Issue 16: a ROI naming a court or probation for the plan and engagement still shows
    them only that case management is working with the person."""
    everything = frozenset({"plan", "engagement", "legal_status"})
    seen = visible_sections(Caller("doc", role), Relation(roi_categories=everything))
    assert Section.PROGRESS in seen and Section.LEGAL in seen
    assert not seen & {Section.PLAN, Section.ENGAGEMENT}
