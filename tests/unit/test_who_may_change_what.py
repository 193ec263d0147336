"""Who may change what (domain/authority.py) against DOMAIN.md, restated here: a generated
matrix of commands x roles x standings, each answered as allowed, 403 or 404."""

from __future__ import annotations

from itertools import product

import pytest

from domain.authority import Command, Standing, check_may
from domain.disclosure import Caller, Relation
from domain.errors import Forbidden, NotFound
from domain.roles import ROLES

pytestmark = pytest.mark.unit

CASE_MANAGEMENT = {"case_manager", "supervisor", "project_manager"}
WHOLE = {"auditor", "project_manager", "case_manager", "supervisor"}
SITE = {  # DOMAIN.md: case management acts for the site
    Command.COMPLETE_INTAKE,
    Command.SIGN_ROI,
    Command.REVOKE_ROI,
    Command.RECORD_CONTACT,
    Command.READMIT,
    Command.SHARE_INFORMATION,
    Command.ASSIGN_CASE_MANAGER,
    Command.DISCHARGE,
    Command.ANSWER_REPORT_REQUEST,  # the case manager answers; nobody else
    Command.LINK_RECORDS,  # DOMAIN.md: a case manager links or dismisses; a link can be undone
}
STANDINGS = {
    "stranger": (Relation(), False),
    "referred": (Relation(referred=True), False),
    "referred, requested": (
        Relation(referred=True, made_non_return=True, non_return_requested=True),
        False,
    ),
    "referred, another's request": (Relation(referred=True, non_return_requested=True), False),
    "police seeing a request": (
        Relation(non_return_in_force=True, non_return_requested=True),
        False,
    ),
    "named in a ROI": (Relation(roi_categories=frozenset({"engagement"})), False),
    "holds another matter": (Relation(holds_matter=True), False),
    "holds this matter": (Relation(holds_matter=True), True),
}


def knows(role: str, relation: Relation) -> bool:
    """Any section at all: related, the office holding a matter, police seeing a request."""
    police_sees = role == "police" and relation.non_return_in_force
    return (
        role in WHOLE
        or relation.referred
        or bool(relation.roi_categories)
        or relation.holds_matter
        or police_sees
    )


def allowed(command: Command, role: str, relation: Relation, holds_it: bool) -> bool:
    site = role in CASE_MANAGEMENT
    requested = relation.made_non_return or (
        relation.referred and not relation.non_return_requested
    )
    rules = {
        Command.REFER_AGAIN: site or knows(role, relation),
        Command.OPEN_LEGAL_MATTER: site or knows(role, relation),
        Command.RECORD_ADVERSE_ACTION: knows(role, relation),
        Command.EXTEND_INTAKE_DEADLINE: relation.referred,
        Command.GRANT_NON_RETURN_EXCEPTION: site or requested,
        Command.REPORT_NON_RETURN_VIOLATION: requested,
        Command.DECIDE_ON_MATTER: holds_it,
        Command.REQUEST_REPORT: knows(role, relation),
        Command.RECORD_WARM_HANDOFF: site or relation.referred,
    }
    return site if command in SITE else rules[command]


def test_each_command_by_each_role_and_standing() -> None:
    wrong, cases = [], 0
    for command, role, (name, (relation, holds_it)) in product(
        Command, sorted(ROLES), STANDINGS.items()
    ):
        cases += 1
        standing = Standing(Caller("agency", role), relation, holds_the_matter=holds_it)
        if not knows(role, relation):
            expected = "404"
        else:
            expected = "ok" if allowed(command, role, relation, holds_it) else "403"
        try:
            check_may(command, standing, "participant x not found")
            got = "ok"
        except NotFound:
            got = "404"
        except Forbidden:
            got = "403"
        if got != expected:
            wrong.append(f"{command} {role} {name}: {got}, want {expected}")
    assert wrong == []
    assert cases == len(Command) * len(ROLES) * len(STANDINGS) == 1520


def test_a_stranger_is_told_what_an_unknown_id_is_told() -> None:
    with pytest.raises(NotFound, match=r"^participant x not found$"):
        check_may(
            Command.RECORD_ADVERSE_ACTION,
            Standing(Caller("kcso", "police"), Relation()),
            "participant x not found",
        )
