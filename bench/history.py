"""Write a realistic history of real domain aggregates into the configured store, for rebuild
benchmarks: `python -m bench.history --events 1000000` against a migrated database
(LEAD_DATABASE_URL, LEAD_SECRET_KEY). Saved through the store in large batches. Generated
data stays in that database; nothing is written to the repository."""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError

from bench.legal_history import LegalHistory
from domain.base import Meta, Stamp
from domain.caseloads import CASELOADS_ID, Caseloads
from domain.identifiers import SITE_WIDE, IdentifierClaim
from domain.missed_diversion import MissedDiversion
from domain.participant import Participant
from domain.policy import SITE_POLICY_ID, SitePolicy
from domain.values import (
    Arrest,
    Charge,
    Criteria,
    Demographics,
    Identifier,
    Location,
    Person,
    PolicyTerms,
    Referral,
)
from infra.eventstore import STORE_NAME, LeadStore, store_environment
from infra.settings import Settings

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
POSSESSION = Charge("69.50.4013", "possession of a controlled substance")
TERMS = PolicyTerms(divertible_charges=(POSSESSION,))
DOORS = [("arrest_diversion", 45), ("social_contact", 25), ("community", 15), ("prosecutor", 15)]
RACES = [("White", 40), ("Black", 30), ("Native American", 10), ("Asian", 8), ("Multiple", 12)]
ETHNICITIES = ["hispanic", "not_hispanic", None]
GENDERS = ["woman", "man", "nonbinary", None]
ROLE_OF = {
    "arrest_diversion": "police",
    "social_contact": "police",
    "community": "community_partner",
}
CM = Meta("cm-1", "bench", "reach", "case_manager")
SUP = Meta("sup-1", "bench", "reach", "supervisor")
DEFENSE = Meta("pd-1", "bench", "tdo", "defense")
BORN = date(1980, 1, 1)


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def demographics(rng: random.Random) -> Demographics:
    race = pick(rng, RACES)
    races = tuple(rng.sample(["White", "Black", "Asian"], 2)) if race == "Multiple" else (race,)
    return Demographics(races, rng.choice(ETHNICITIES), rng.choice(GENDERS))


def referral(rng: random.Random, door: str, at: datetime) -> Referral:
    if door == "arrest_diversion":
        arrest = Arrest((POSSESSION,), Location("3rd Ave and Pine St"), at + timedelta(hours=1))
        return Referral(door, at, demographics(rng), arrest)
    criteria = Criteria(chronic_law_violations=True, public_expectation_of_response=True)
    return Referral(door, at, demographics(rng), criteria=criteria)


class History:
    def __init__(self, store: LeadStore, seed: int = 4) -> None:
        self.store = store
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
        self.caseloads = self.existing(CASELOADS_ID) or Caseloads.open(
            Stamp(SUP, NOW - timedelta(days=800))
        )
        self.open_cm: list[UUID] = []
        self.written = 0
        self.run = uuid4().hex[:8]
        self.legal = LegalHistory(self.rng, self.stamp)

    def existing(self, aggregate_id: UUID) -> Any:
        """Runs add to what an earlier run wrote: the roster and the policy are one each."""
        try:
            return self.store.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def stamp(self, meta: Meta, at: datetime) -> Stamp:
        return Stamp(meta, at + timedelta(minutes=self.rng.randint(1, 90)))

    def case_manager(self, at: datetime) -> UUID:
        while self.open_cm:
            cm = self.open_cm[-1]
            if len(self.caseloads.assigned[cm]) < TERMS.caseload_max:
                return cm
            self.open_cm.pop()
        cm = uuid4()
        self.caseloads.register_case_manager(cm, f"CM {cm.hex[:6]}", self.stamp(SUP, at))
        self.open_cm.append(cm)
        return cm

    def participant(self, n: int) -> list[Any]:
        rng = self.rng
        door = pick(rng, DOORS)
        at = NOW - timedelta(days=rng.uniform(330, 1100))
        meta = Meta(f"actor-{n % 97}", "bench", "agency", ROLE_OF.get(door, "prosecutor"))
        accepted = rng.random() > (0.3 if door == "prosecutor" else 0.05)
        # Every 50th person shares a birth date and nearly a name: possible duplicates too.
        born = BORN + timedelta(days=n % 50)
        person = Person("Given", f"Family{n}", born, (Identifier("bench", f"{self.run}-{n}"),))
        p = Participant.refer(
            uuid4(),
            person,
            uuid4(),
            referral(rng, door, at),
            accepted,
            TERMS,
            1,
            self.stamp(meta, at),
        )
        claim = IdentifierClaim.claim(
            person.identifiers[0], p.id, self.stamp(meta, at), SITE_WIDE, uuid4()
        )
        toolkit = self.toolkit(p, n, meta, at) if accepted else []
        return [p, claim, *toolkit, *(self.care(p, at) if accepted else [])]

    def toolkit(self, p: Participant, n: int, meta: Meta, at: datetime) -> list[Any]:
        """Issue 16's facts, without drawing on the generator (the rest stays as it was): the
        warm handoff of arrest diversions, and a missed diversion for every 25th person."""
        if p.referrals[0].door == "arrest_diversion":
            handed = at + timedelta(minutes=20 + n % 30)
            p.record_warm_handoff(handed, None, Stamp(meta, handed))
        if n % 25:
            return []
        arrest = (at - timedelta(days=3), at - timedelta(days=3, hours=-1), (POSSESSION,), "spd")
        return [
            MissedDiversion.record(
                uuid4(), arrest, Demographics(("Black",)), "", (TERMS, 1), Stamp(DEFENSE, at)
            )
        ]

    def care(self, p: Participant, at: datetime) -> list[Any]:
        """Intake and ROI (enrollment), or the deadline passing; the legal side with it."""
        rng, matter = self.rng, self.legal.divert(p)
        deadline = p.intake_deadline
        if rng.random() < 0.7:
            self.intake(p, at + timedelta(days=rng.uniform(0.1, 25)))
        elif deadline is not None:
            p.expire_intake_deadline(p.referrals[0].referral_id, self.stamp(SUP, deadline))
            if matter is not None:
                self.legal.expired(matter, deadline)
            if rng.random() < 0.1:  # a late intake: enrolled after the deadline passed
                self.intake(p, deadline + timedelta(days=rng.uniform(25, 40)))
        if p.enrolled_at is None:
            return [matter] if matter else []
        if matter is not None:
            self.legal.enrolled(matter, p.enrolled_at)
        self.engage(p, p.enrolled_at)
        record = self.legal.coordinate(p, p.enrolled_at)
        return [a for a in (matter, record) if a is not None]

    def intake(self, p: Participant, intake: datetime) -> None:
        p.complete_intake(intake, "plan", self.stamp(CM, intake))
        if self.rng.random() < 0.9:
            signed = intake + timedelta(days=self.rng.uniform(0, 3))
            p.sign_roi(uuid4(), signed, ("spd",), ("engagement",), None, self.stamp(CM, signed))

    def engage(self, p: Participant, enrolled: datetime) -> None:
        rng = self.rng
        cm = self.case_manager(enrolled)
        stamp = self.stamp(SUP, enrolled)
        p.assign_case_manager(cm, stamp)
        self.caseloads.assign(p.id, cm, TERMS.caseload_max, 1, stamp)
        for k in range(rng.randint(0, 4)):
            contact = enrolled + timedelta(days=5 * (k + 1))
            p.record_contact(
                contact, rng.choice(["field", "office", "phone"]), self.stamp(CM, contact)
            )
        if rng.random() < 0.15:
            out = enrolled + timedelta(days=rng.uniform(200, 300))
            stamp = self.stamp(CM, out)
            p.discharge(out, "no_behavior_change", "", False, TERMS, 1, stamp)  # noqa: FBT003
            self.caseloads.release(p.id, stamp)
            if rng.random() < 0.3:
                back = out + timedelta(days=rng.uniform(10, 40))
                p.readmit(back, "", self.stamp(CM, back))

    def write(self, events: int, per_save: int = 400) -> None:
        started, n = time.perf_counter(), 0
        if self.existing(SITE_POLICY_ID) is None:
            policy = SitePolicy.adopt(TERMS, Stamp(SUP, NOW - timedelta(days=800)))
            self.written += len(self.store.save(policy))
        while self.written < events:
            batch: list[Any] = []
            for _ in range(per_save):
                batch += self.participant(n)
                n += 1
            self.written += len(self.store.save(*batch, self.caseloads))
            rate = self.written / (time.perf_counter() - started)
            print(f"\r{self.written:,} events ({n:,} participants), {rate:,.0f} ev/s", end="")  # noqa: T201
        print()  # noqa: T201


class BulkStore(LeadStore):
    """The service's store without automatic snapshots: the generator saves the roster in
    batches of thousands of events, and a snapshot every 50 would dominate the run."""

    name = STORE_NAME
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    store = BulkStore(env=store_environment(Settings()) | {"IS_SNAPSHOTTING_ENABLED": "n"})
    try:
        History(store, args.seed).write(args.events)
    finally:
        store.close()


if __name__ == "__main__":
    main()
