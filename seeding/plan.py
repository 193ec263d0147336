"""Synthetic site histories: what happens to each person, when. Pure and seeded, so the same
arguments always plan the same history. Nothing here is about a real person."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from domain.values import Charge

DIVERTIBLE = (
    Charge("69.50.4013", "possession of a controlled substance"),
    Charge("9A.56.050", "theft in the third degree"),
    Charge("9A.52.080", "criminal trespass"),
    Charge("66.44.100", "open container"),
)
RACES = (
    ("Black", 0.55),
    ("White", 0.28),
    ("American Indian or Alaska Native", 0.06),
    ("Asian", 0.03),
    ("Native Hawaiian or Pacific Islander", 0.02),
    ("Multiracial", 0.06),
)
DOORS = (
    ("arrest_diversion", 0.5),
    ("social_contact", 0.28),
    ("community", 0.17),
    ("prosecutor", 0.05),
)
GIVEN = (
    "Avery", "Jordan", "Riley", "Casey", "Morgan", "Quinn", "Rowan", "Sage", "Emery", "Alex",
    "Blake", "Cameron", "Dakota", "Drew", "Elliot", "Finley", "Harper", "Hayden", "Jamie",
    "Jesse", "Kendall", "Logan", "Marlowe", "Micah", "Noel", "Parker", "Peyton", "Reese",
    "Robin", "Sawyer", "Shiloh", "Skyler", "Sydney", "Taylor", "Teagan", "Tatum", "Wren",
    "Ainsley", "Briar", "Carmen", "Dorian", "Ezra", "Gale", "Imani", "Joss", "Kai", "Lane",
    "Milan",
)  # fmt: skip
# Fictional surnames, syllable by syllable: 600 of them, so blocks stay realistic in size.
FAMILY = tuple(
    head + tail
    for head in (
        "Ash", "Bar", "Bel", "Bran", "Cal", "Car", "Dal", "Dun", "El", "Fair", "Fen", "Gar",
        "Hal", "Har", "Hol", "Kel", "Lang", "Mar", "Mor", "Nor", "Pem", "Ral", "Red", "Ros",
        "Stan", "Thorn", "Wal", "Wes", "Whit", "Win",
    )
    for tail in (
        "by", "combe", "dale", "den", "field", "ford", "gate", "ham", "hurst", "ley", "lin",
        "low", "mere", "more", "ridge", "stead", "ton", "well", "wick", "worth",
    )
)  # fmt: skip
# How a person referred again may be written down by whoever refers them (seeded share).
VARIANTS = (
    ("exact", 0.45),
    ("spelling", 0.25),
    ("birth_date_typo", 0.1),
    ("case_accents_spacing", 0.1),
    ("no_birth_date", 0.05),  # the referrer did not know it
    ("spelling_and_typo", 0.05),  # two slips: only a `possible` pair
)


@dataclass
class PersonPlan:
    site: int
    index: int
    given_name: str
    family_name: str
    date_of_birth: date
    race: str
    ethnicity: str
    gender: str
    participant_id: UUID | None = None
    participant_ids: list[UUID] = field(default_factory=list)  # every record: ground truth
    share_ids: list[UUID] = field(default_factory=list)
    matter_ids: list[UUID] = field(default_factory=list)

    @property
    def identifier(self) -> str:
        return f"S{self.site:03d}-{self.index:06d}"


@dataclass(order=True)
class Step:
    at: datetime
    seq: int
    kind: str = field(compare=False)
    person: PersonPlan = field(compare=False)
    data: dict[str, Any] = field(compare=False, default_factory=dict)


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def person(rng: random.Random, site: int, index: int, referred: datetime) -> PersonPlan:
    age = max(18, min(80, int(rng.gauss(41, 12))))
    return PersonPlan(
        site=site,
        index=index,
        given_name=rng.choice(GIVEN),
        family_name=rng.choice(FAMILY),
        date_of_birth=(referred - timedelta(days=365 * age + rng.randrange(365))).date(),
        race=pick(rng, RACES),
        ethnicity="hispanic" if rng.random() < 0.1 else "not_hispanic",
        gender="woman" if rng.random() < 0.39 else ("man" if rng.random() < 0.97 else "nonbinary"),
    )


class Planner:
    """One person's history as timed steps: referral, intake or expiry, ROI, caseload,
    contacts, the non-return request, legal matters, shares, adverse actions, discharge."""

    def __init__(self, rng: random.Random, end: datetime) -> None:
        self.rng = rng
        self.end = end
        self.steps: list[Step] = []

    def add(self, at: datetime, step: str, who: PersonPlan, **data: Any) -> None:
        if at < self.end:
            self.steps.append(Step(at, len(self.steps), step, who, data))

    def plan(self, who: PersonPlan, referred: datetime) -> None:
        rng = self.rng
        door = pick(rng, DOORS)
        self.add(referred, "refer", who, door=door, charge=rng.choice(DIVERTIBLE))
        self.toolkit(who, referred, door)
        if door == "arrest_diversion":
            self.non_return(who, referred)
        intake_days = rng.lognormvariate(2.3, 0.8)  # median ~10 days; some after 30
        if door == "arrest_diversion" and rng.random() < 0.12:
            self.add(referred + timedelta(days=25), "extend", who, days=21)
            intake_days = min(intake_days, 44)
        if rng.random() < 0.12:
            self.legal(who, referred)
            self.again(who, referred)
            return  # never engages
        intake = referred + timedelta(days=intake_days)
        self.add(intake, "intake", who)
        self.add(intake + timedelta(hours=rng.uniform(1, 72)), "roi", who)
        self.add(intake + timedelta(days=rng.uniform(3, 5)), "assign", who)
        self.engagement(who, intake + timedelta(days=5))
        self.legal(who, referred)
        self.again(who, referred)

    def again(self, who: PersonPlan, referred: datetime) -> None:
        """About one in seven is referred again, through any door, written down as that referrer
        writes it (a spelling variant, a typo in the birth date, another case or accents)."""
        rng = self.rng
        if rng.random() < 0.15:
            later = referred + timedelta(days=rng.uniform(60, 900))
            door, charge = pick(rng, DOORS), rng.choice(DIVERTIBLE)
            written = written_as(rng, who, pick(rng, VARIANTS))
            self.add(later, "refer", who, door=door, charge=charge, **written)

    def toolkit(self, who: PersonPlan, referred: datetime, door: str) -> None:
        """Issue 16's facts, from a generator of the person's own so the rest of the history
        stays what it was: the warm handoff of most arrest diversions (most within 30
        minutes), report requests and their answers, and missed diversions (diversion-eligible
        arrests of people like this one, booked instead)."""
        own = random.Random(f"{who.site}:{who.index}")  # noqa: S311 (synthetic histories)
        if door == "arrest_diversion" and own.random() < 0.8:
            minutes = own.lognormvariate(3.0, 0.5)  # median 20 minutes
            self.add(referred + timedelta(minutes=minutes), "handoff", who)
        if own.random() < 0.1:
            asked = referred + timedelta(days=own.uniform(40, 300))
            kind = "violation_report" if own.random() < 0.3 else "progress_report"
            self.add(asked, "report_request", who, kind=kind, answered=own.random() < 0.9)
        if own.random() < 0.08:
            arrested = referred - timedelta(days=own.uniform(30, 300))
            self.add(arrested, "missed_diversion", who, charge=own.choice(DIVERTIBLE))

    def non_return(self, who: PersonPlan, referred: datetime) -> None:
        if self.rng.random() < 0.05:
            self.add(referred + timedelta(hours=3), "non_return_exception", who)
        elif self.rng.random() < 0.02:
            self.add(referred + timedelta(hours=6), "non_return_violation", who)

    def engagement(self, who: PersonPlan, start: datetime) -> None:
        rng = self.rng
        discharge = start + timedelta(days=rng.uniform(200, 900)) if rng.random() < 0.06 else None
        last_contact = (discharge - timedelta(days=100)) if discharge else self.end
        at = start
        while at < last_contact:
            self.add(
                at,
                "contact",
                who,
                kind=rng.choice(("field", "field", "office", "phone", "attempt")),
            )
            at += timedelta(days=rng.uniform(10, 34))
        if discharge is not None:
            self.add(discharge, "discharge", who)
            if rng.random() < 0.25:
                self.add(discharge + timedelta(days=rng.uniform(30, 240)), "readmit", who)
        if rng.random() < 0.3:
            self.add(
                start + timedelta(days=rng.uniform(10, 200)),
                "share",
                who,
                refused=rng.random() < 0.08,
            )

    def legal(self, who: PersonPlan, referred: datetime) -> None:
        rng = self.rng
        if rng.random() < 0.45:
            kind = "warrant" if rng.random() < 0.3 else "pending_case"
            opened = referred + timedelta(days=rng.uniform(2, 20))
            self.add(opened, "matter", who, kind=kind)
            first = "support_quash" if kind == "warrant" else rng.choice(("hold", "decline"))
            self.add(opened + timedelta(days=rng.uniform(1, 14)), "decide", who, decision=first)
            then = {"support_quash": "quashed", "hold": "dismiss"}.get(first)
            if then:
                self.add(opened + timedelta(days=rng.uniform(20, 80)), "decide", who, decision=then)
        if rng.random() < 0.06:
            self.add(
                referred + timedelta(days=rng.uniform(30, 400)),
                "adverse",
                who,
                cites_share=rng.random() < 0.2,
            )


def written_as(rng: random.Random, who: PersonPlan, variant: str) -> dict[str, Any]:
    """The person's name and birth date as a second referrer records them."""
    given, family = who.given_name, who.family_name
    born: date | None = who.date_of_birth
    if variant in ("spelling", "spelling_and_typo"):
        if rng.random() < 0.5:
            family = misspelled(rng, family)
        else:
            given = misspelled(rng, given)
    if variant in ("birth_date_typo", "spelling_and_typo"):
        day = who.date_of_birth.day
        day = day // 10 * 10 + rng.choice([d for d in range(10) if d != day % 10])
        born = who.date_of_birth.replace(day=min(max(day, 1), 28))
    elif variant == "no_birth_date":
        born = None
    elif variant == "case_accents_spacing":
        given = rng.choice((given.upper(), f" {given} ", given.replace("e", "é", 1)))
    return {"variant": variant, "given_name": given, "family_name": family, "date_of_birth": born}


def misspelled(rng: random.Random, name: str) -> str:
    """One slip after the first two letters: a letter dropped, doubled, swapped or changed."""
    at = rng.randrange(2, len(name) - 1) if len(name) > 3 else 1
    slip = rng.choice(("drop", "double", "swap", "vowel"))
    if slip == "drop":
        return name[:at] + name[at + 1 :]
    if slip == "double":
        return name[: at + 1] + name[at:]
    if slip == "swap":
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    vowel = rng.choice([v for v in "aeiouy" if v != name[at]])
    return name[:at] + vowel + name[at + 1 :]


def plan_site(
    rng: random.Random, site: int, participants: int, start: datetime, end: datetime
) -> list[Step]:
    planner = Planner(rng, end)
    span = (end - start).total_seconds()
    for index in range(participants):
        referred = start + timedelta(seconds=rng.uniform(0, span * 0.97))
        planner.plan(person(rng, site, index, referred), referred)
    return planner.steps
