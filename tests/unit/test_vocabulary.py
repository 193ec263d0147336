"""The domain's vocabularies are declared once, as StrEnums in `domain/`; where the HTTP schema
spells them out for OpenAPI, it spells out exactly the same values (a door, status, decision,
kind of matter or role added to the domain without the API, or the other way round, fails
here)."""

from __future__ import annotations

import typing
from enum import StrEnum

import pytest

from api.deps import ANY_ROLE
from api.legal_schemas import Decision, LegalMatterIn
from api.routes.referrals import ParticipantStatus
from api.schemas import Door as DoorField
from domain.doors import Door
from domain.eligibility import DOORS_BY_ROLE, REFERRING_ROLES
from domain.legal_rules import OPENED_BY_HAND, RULES, LegalDecision, MatterKind
from domain.participant_state import Status
from domain.roles import Role

pytestmark = pytest.mark.unit

SPELLED_OUT = [
    (DoorField, Door),
    (Decision, LegalDecision),
    (ParticipantStatus, Status),
]


@pytest.mark.parametrize(
    ("field", "vocabulary"), SPELLED_OUT, ids=lambda v: getattr(v, "__name__", "")
)
def test_the_api_admits_exactly_the_domains_values(
    field: object, vocabulary: type[StrEnum]
) -> None:
    assert set(typing.get_args(field)) == {member.value for member in vocabulary}


def test_every_role_may_be_named_and_those_with_a_door_refer() -> None:
    assert set(ANY_ROLE) == set(Role)
    assert set(REFERRING_ROLES) < set(Role)
    assert set().union(*DOORS_BY_ROLE.values()) <= set(Door)


def test_every_decision_has_a_rule() -> None:
    assert set(RULES) == set(LegalDecision)


def test_the_api_opens_by_hand_the_kinds_of_matter_the_domain_does() -> None:
    kinds = typing.get_args(LegalMatterIn.model_fields["kind"].annotation)
    assert set(kinds) == OPENED_BY_HAND < set(MatterKind)
