"""The text rules of `domain/text.py` as a generated matrix (every rule, every control
character, tab and newline, a lone surrogate), NFC, lengths, and the domain's own check."""

from __future__ import annotations

import dataclasses
import unicodedata
from uuid import uuid4

import pytest

from domain import text
from domain.participant import Participant
from domain.text import TextRefused, TextRule
from tests.unit.builders import PERSON, POLICY_VERSION, TERMS, social_contact, stamp

RULES = {name: rule for name, rule in vars(text).items() if isinstance(rule, TextRule)}
CHARACTERS = [*map(chr, range(0x20)), "\x7f", "\ud800", "\udfff"]
CASES = [(name, char) for name in RULES for char in CHARACTERS]


def test_the_matrix_covers_every_rule_and_character() -> None:
    assert len(RULES) == 10
    assert len(CASES) == 10 * 35


@pytest.mark.parametrize(("rule_name", "char"), CASES)
def test_control_characters_and_surrogates_are_refused_but_tab_and_newline_in_notes(
    rule_name: str, char: str
) -> None:
    rule = RULES[rule_name]
    value = f"a{char}b"
    if rule.multiline and char in "\t\n":
        assert rule.clean(value) == value
    else:
        with pytest.raises(TextRefused, match=f"U\\+{ord(char):04X}"):
            rule.clean(value)


@pytest.mark.parametrize("rule_name", sorted(RULES))
def test_the_longest_value_is_kept_and_one_more_is_refused(rule_name: str) -> None:
    rule = RULES[rule_name]
    assert rule.clean("\u00e9" * rule.max_length) == "\u00e9" * rule.max_length
    with pytest.raises(TextRefused, match=f"at most {rule.max_length}"):
        rule.clean("e" * (rule.max_length + 1))


def test_values_are_normalised_to_nfc_before_they_are_measured() -> None:
    decomposed = "e\u0301" * text.DEMOGRAPHIC.max_length  # twice as long before NFC
    assert text.DEMOGRAPHIC.clean(decomposed) == "\u00e9" * text.DEMOGRAPHIC.max_length
    assert unicodedata.is_normalized("NFC", text.NAME.clean("Jose\u0301"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"given_name": "Jose\u0301"}, "person.given_name"),  # not NFC
        ({"family_name": "x\x00"}, "person.family_name"),
        ({"given_name": "n" * 201}, "person.given_name"),
    ],
)
def test_the_domain_refuses_a_person_the_rules_refuse(change: dict[str, str], field: str) -> None:
    person = dataclasses.replace(PERSON, **change)
    with pytest.raises(TextRefused) as refused:
        Participant.refer(
            uuid4(),
            person,
            uuid4(),
            social_contact(),
            accepted=True,
            terms=TERMS,
            policy_version=POLICY_VERSION,
            stamp=stamp(),
        )
    assert refused.value.field == field


def test_the_domain_refuses_a_race_longer_than_the_evaluation_keeps() -> None:
    referral = social_contact()
    long_race = dataclasses.replace(referral.demographics, race=("r" * 65,))
    with pytest.raises(TextRefused) as refused:
        Participant.refer(
            uuid4(),
            PERSON,
            uuid4(),
            dataclasses.replace(referral, demographics=long_race),
            accepted=True,
            terms=TERMS,
            policy_version=POLICY_VERSION,
            stamp=stamp(),
        )
    assert refused.value.field == "demographics.race.0"
