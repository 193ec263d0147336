"""Identifier systems: a registered system is its agency's, site-wide; an unregistered one is
scoped to the agency that uses it, so its identifiers never match another agency's person."""

from __future__ import annotations

from itertools import product

import pytest

from domain.disclosure import Caller
from domain.errors import IdentifierSystemNotYours
from domain.identifiers import (
    SITE_WIDE,
    ClaimIds,
    check_may_use,
    claim_scope,
    lookup_scopes,
)
from domain.roles import ROLES
from domain.values import Identifier, IdentifierSystem, PolicyTerms

pytestmark = pytest.mark.unit

TERMS = PolicyTerms(identifier_systems=(IdentifierSystem("spd-person", "spd"),))
IDS = ClaimIds(b"k" * 32)
SPD_ID, SSN = Identifier("spd-person", "P-2000"), Identifier("ssn", "123-45-6789")


def test_an_unregistered_identifier_is_a_different_claim_per_agency() -> None:
    ids = {IDS.index_id(SSN, claim_scope(SSN, agency, TERMS)) for agency in ("spd", "cbo")}
    assert len(ids) == 2
    assert IDS.index_id(SPD_ID, claim_scope(SPD_ID, "cbo", TERMS)) == IDS.index_id(SPD_ID)


def test_a_registered_system_is_also_found_where_its_agency_used_it_before_registering() -> None:
    assert lookup_scopes(SPD_ID, "cbo", TERMS) == [SITE_WIDE, "spd"]
    assert lookup_scopes(SSN, "cbo", TERMS) == ["cbo"]


def test_claiming_and_looking_up_a_registered_system_generated() -> None:
    """Claims: its agency and case management for it. Look-ups: its agency and the site's
    staff. Unregistered systems: anyone, in their own scope."""
    wrong, cases = [], 0
    for role, agency, identifier, looking_up in product(
        sorted(ROLES), ("spd", "cbo"), (SPD_ID, SSN), (False, True)
    ):
        cases += 1
        staff = {"case_manager", "supervisor"} | (
            {"project_manager", "auditor"} if looking_up else set()
        )
        may = identifier is SSN or agency == "spd" or role in staff
        try:
            check_may_use(identifier, Caller(agency, role), TERMS, looking_up=looking_up)
            allowed = True
        except IdentifierSystemNotYours:
            allowed = False
        if allowed != may:
            wrong.append((role, agency, identifier.system, looking_up))
    assert wrong == []
    assert cases == len(ROLES) * 8
