"""Play planned histories through the service's own use cases, in time order, with the
clock set to each step's moment, so every rule, reaction and projection runs as in life."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from uuid import UUID

from domain.base import Meta
from domain.errors import DomainError
from domain.legal_values import Basis, MatterDetails
from domain.values import (
    Arrest,
    Criteria,
    Demographics,
    Identifier,
    IdentifierSystem,
    Location,
    Person,
    PolicyTerms,
    Referral,
)
from infra.clock import SettableClock
from infra.write_behind import WriteBehindStore
from projections.deadlines import IntakeDeadlines
from projections.engine import Projector
from projections.rebuild import Rebuilder
from seeding.plan import DIVERTIBLE, PersonPlan, Step
from services.container import Container
from services.context import RequestContext
from services.legal_coordination.matters import DecisionCommand
from services.legal_coordination.missed import MissedDiversionCommand
from services.legal_coordination.sharing import (
    AdverseActionCommand,
    ReportAnswer,
    ReportRequestCommand,
    ShareCommand,
)
from services.referrals.deadlines import DeadlineWorker
from services.referrals.participants import RoiSigning
from services.referrals.referrals import ReferralCommand

LAG = timedelta(hours=1)  # paperwork is recorded after the release it describes
CRITERIA = Criteria(chronic_law_violations=True, public_expectation_of_response=True)
Progress = Callable[[int, int], None]


WITHOUT_PARTICIPANT = frozenset({"refer", "missed_diversion"})


def site_agencies(sites: int) -> list[str]:
    """The agencies of the synthetic sites: each has clients, as a real site's would."""
    kinds = ("pd", "cbo", "pao", "lead", "probation")
    return ["pcg", *(f"{kind}{site}" for site in range(sites) for kind in kinds)]


def as_role(role: str, agency: str, actor: str = "seed") -> RequestContext:
    return RequestContext(Meta(actor=actor, client_id=f"seed-{agency}", agency=agency, role=role))


class SiteSeeder:
    def __init__(self, container: Container, clock: SettableClock) -> None:
        self.c = container
        self.clock = clock
        self.case_managers: dict[int, list[UUID]] = {}
        self.outcomes: Counter[str] = Counter()
        # Only the deadline index must keep up while days pass: the other read models catch
        # up once at the end, in large batches, instead of at every weekly tick.
        d = container.deadlines
        self.deadlines = DeadlineWorker(
            d.repository,
            d.uow,
            Projector(container.store, container.sql, [IntakeDeadlines()]),
            container.sql,
            clock,
        )

    def prepare(self, sites: int, participants_per_site: int) -> None:
        for agency in site_agencies(sites):
            self.c.agencies.register(agency, self.clock.now())
        self.c.staff.set_policy(
            as_role("project_manager", "pcg"),
            PolicyTerms(
                divertible_charges=DIVERTIBLE,
                caseload_max=25,
                caseload_average_threshold=20,
                identifier_systems=tuple(
                    IdentifierSystem(f"pd{site}-person", f"pd{site}") for site in range(sites)
                ),
                liaison_prosecutor_agencies=tuple(f"pao{site}" for site in range(sites)),
            ),
        )
        per_site = max(1, participants_per_site // 16)
        for site in range(sites):
            sup = as_role("supervisor", f"lead{site}")
            self.case_managers[site] = [
                self.c.staff.register_case_manager(sup, f"CM {site}-{n}").result.case_manager_id
                for n in range(per_site)
            ]
            self.departed(sup, site)

    def departed(self, sup: RequestContext, site: int) -> None:
        """Case managers join and leave: one who left, and one who left and came back."""
        for name, back in ((f"CM {site}-left", False), (f"CM {site}-returned", True)):
            cm = self.c.staff.register_case_manager(sup, name).result.case_manager_id
            self.c.staff.retire_case_manager(sup, cm)
            self.outcomes["retire"] += 1
            if back:
                self.c.staff.reactivate_case_manager(sup, cm)
                self.outcomes["reactivate"] += 1

    def run(self, steps: list[Step], progress: Progress | None = None) -> Counter[str]:
        heapq.heapify(steps)
        total, done = len(steps), 0
        next_tick = steps[0].at if steps else None
        while steps:
            step = heapq.heappop(steps)
            self.clock.set(step.at + LAG)
            if next_tick is not None and step.at >= next_tick:
                self.flush()  # the deadline index reads what is stored
                self.deadlines.tick()  # deadlines expire as days pass
                next_tick = step.at + timedelta(days=7)
            self.play(step)
            done += 1
            if progress and done % 500 == 0:
                progress(done, total)
        self.flush()
        self.deadlines.tick()
        self.flush()
        return self.outcomes

    def catch_up_read_models(self) -> int:
        """A rebuild (blue/green) is ~4x faster than catching up batch by batch."""
        c = self.c
        return Rebuilder(c.store, c.sql, c.projector.projections).run().events_read

    def flush(self) -> None:
        if isinstance(self.c.store, WriteBehindStore):
            self.c.store.flush()

    def play(self, step: Step) -> None:
        if step.person.participant_id is None and step.kind not in WITHOUT_PARTICIPANT:
            self.outcomes[f"{step.kind}:skipped"] += 1
            return
        try:
            getattr(self, f"do_{step.kind}")(step, step.person)
            self.outcomes[step.kind] += 1
        except DomainError as refused:
            self.outcomes[f"{step.kind}:{type(refused).__name__}"] += 1

    def pid(self, who: PersonPlan) -> UUID:
        assert who.participant_id is not None
        return who.participant_id

    def do_refer(self, step: Step, who: PersonPlan) -> None:
        door, site, at = step.data["door"], who.site, step.at
        arrest = None
        if door == "arrest_diversion":
            arrest = Arrest(
                (step.data["charge"],),
                Location(f"Block {who.index % 90} St"),
                at + timedelta(minutes=40),
            )
        referral = Referral(
            door=door,
            referred_at=at,
            arrest=arrest,
            demographics=Demographics((who.race,), who.ethnicity, who.gender),
            criteria=CRITERIA if door in ("social_contact", "community") else None,
            referring_organization="Outreach CBO" if door == "community" else None,
        )
        role, agency, system = {
            "arrest_diversion": ("police", f"pd{site}", "person"),
            "social_contact": ("police", f"pd{site}", "person"),
            "community": ("community_partner", f"cbo{site}", "client"),
            "prosecutor": ("prosecutor", f"pao{site}", "case"),
        }[door]
        # Each agency identifies people in its own system (only police hold the registered
        # `pd<site>-person`): a person a partner referred first is a new record to the police.
        person = Person(
            step.data.get("given_name", who.given_name),
            step.data.get("family_name", who.family_name),
            step.data.get("date_of_birth", who.date_of_birth),
            (Identifier(f"{agency}-{system}", who.identifier),),
        )
        out = self.c.referrals.refer(as_role(role, agency), ReferralCommand(person, referral))
        who.participant_id = out.result.participant_id
        if who.participant_id not in who.participant_ids:
            who.participant_ids.append(who.participant_id)

    def do_extend(self, step: Step, who: PersonPlan) -> None:
        deadline = step.at + timedelta(days=5 + step.data["days"])
        self.c.participants.extend_intake_deadline(
            as_role("police", f"pd{who.site}"),
            self.pid(who),
            deadline,
            "Sgt. Seed",
            "specific_reason",
            "housing placement pending",
        )

    def do_intake(self, step: Step, who: PersonPlan) -> None:
        self.c.participants.complete_intake(
            as_role("case_manager", f"lead{who.site}"), self.pid(who), step.at, "stabilize housing"
        )

    def do_roi(self, step: Step, who: PersonPlan) -> None:
        site = who.site
        self.c.participants.sign_roi(
            as_role("case_manager", f"lead{site}"),
            self.pid(who),
            RoiSigning(
                step.at, (f"lead{site}", f"pd{site}", f"pao{site}"), ("engagement", "legal_status")
            ),
        )

    def do_assign(self, _step: Step, who: PersonPlan) -> None:
        sup = as_role("supervisor", f"lead{who.site}")
        managers = self.case_managers[who.site]
        start = who.index % len(managers)  # spread people across the site's case managers
        for case_manager in managers[start:] + managers[:start]:
            try:
                self.c.caseload.assign_case_manager(sup, self.pid(who), case_manager)
                return
            except DomainError:
                continue

    def do_contact(self, step: Step, who: PersonPlan) -> None:
        self.c.participants.record_contact(
            as_role("case_manager", f"lead{who.site}"), self.pid(who), step.at, step.data["kind"]
        )

    def do_discharge(self, step: Step, who: PersonPlan) -> None:
        self.c.caseload.discharge(
            as_role("case_manager", f"lead{who.site}"),
            self.pid(who),
            step.at,
            "sustained_non_engagement",
            "no contact in 90 days",
        )

    def do_readmit(self, step: Step, who: PersonPlan) -> None:
        self.c.participants.readmit(
            as_role("case_manager", f"lead{who.site}"), self.pid(who), step.at, "asked to come back"
        )

    def do_non_return_exception(self, _step: Step, who: PersonPlan) -> None:
        self.c.participants.grant_non_return_exception(
            as_role("case_manager", f"lead{who.site}"), self.pid(who), "Ofc. Seed", "clinic"
        )

    def do_non_return_violation(self, step: Step, who: PersonPlan) -> None:
        self.c.participants.report_non_return_violation(
            as_role("police", f"pd{who.site}"), self.pid(who), step.at, "returned to corner"
        )

    def do_matter(self, step: Step, who: PersonPlan) -> None:
        details = MatterDetails(
            case_number=f"C-{who.identifier}",
            court="District",
            charges=(DIVERTIBLE[who.index % len(DIVERTIBLE)],),
            incident_at=step.at - timedelta(days=60),
        )
        # Case management records the person's cases for the office that holds them, which
        # may not yet know the person is a participant.
        out = self.c.legal.open_matter(
            as_role("case_manager", f"lead{who.site}"),
            self.pid(who),
            step.data["kind"],
            replace(details, office=f"pao{who.site}"),
        )
        who.matter_ids.append(out.result.matter_id)

    def do_decide(self, step: Step, who: PersonPlan) -> None:
        if not who.matter_ids:
            raise DomainError("no matter")
        decision = step.data["decision"]
        review = step.at + timedelta(days=60) if decision == "hold" else None
        self.c.legal.decide(
            as_role("prosecutor", f"pao{who.site}"),
            who.matter_ids[-1],
            DecisionCommand(decision, "seeded", step.at, review),
        )

    def do_share(self, step: Step, who: PersonPlan) -> None:
        agency = f"probation{who.site}" if step.data["refused"] else f"pd{who.site}"
        out = self.c.coordination.share_information(
            as_role("case_manager", f"lead{who.site}"),
            self.pid(who),
            ShareCommand(agency, "engagement", "engaged this month", step.at),
        )
        who.share_ids.append(out.result.share_id)

    def do_adverse(self, step: Step, who: PersonPlan) -> None:
        cites = step.data["cites_share"] and who.share_ids
        basis = (
            Basis(lead_information_refs=(who.share_ids[-1],))
            if cites
            else Basis(independent_source="officer observation")
        )
        self.c.coordination.record_adverse_action(
            as_role("police", f"pd{who.site}"),
            self.pid(who),
            AdverseActionCommand("booking", step.at, basis),
        )

    def do_handoff(self, step: Step, who: PersonPlan) -> None:
        self.c.participants.record_warm_handoff(
            as_role("police", f"pd{who.site}"), self.pid(who), step.at, None
        )

    def do_report_request(self, step: Step, who: PersonPlan) -> None:
        out = self.c.coordination.request_report(
            as_role("prosecutor", f"pao{who.site}"),
            self.pid(who),
            ReportRequestCommand(step.data["kind"], step.at, "hearing coming up"),
        )
        if step.data["answered"]:
            self.c.coordination.answer_report_request(
                as_role("case_manager", f"lead{who.site}"),
                self.pid(who),
                out.result.request_id,
                ReportAnswer("nothing_helpful_to_report", step.at),
            )

    def do_missed_diversion(self, step: Step, who: PersonPlan) -> None:
        demographics = Demographics((who.race,), who.ethnicity, who.gender)
        self.c.missed_diversions.record(
            as_role("project_manager", "pcg"),
            MissedDiversionCommand(
                step.at,
                step.at + timedelta(hours=1),
                (step.data["charge"],),
                f"pd{who.site}",
                demographics,
                "booked though eligible",
            ),
        )
