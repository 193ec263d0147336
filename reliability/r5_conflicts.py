"""R5: rounds of 16 concurrent conflicting commands over HTTP. A case manager one slot from the
caseload maximum gets 16 different participants at once: exactly one 200, fifteen 409
`caseload-full`. A legal matter gets 16 contradictory final decisions at once (dismiss or
decline): exactly one 201, fifteen 409 `decision-not-allowed`. Never a 5xx."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from uuid import UUID

import httpx

from bench.harness import postgres_database
from domain.caseloads import CASELOADS_ID, Caseloads
from domain.legal_matter import LegalMatter
from domain.participant import Participant
from infra.settings import Settings
from reliability.clients import headers_for, new_identifier, open_site, social_contact
from reliability.contenders import Answer, Contenders, Shot
from reliability.invariants import Findings, store_of
from reliability.processes import Api
from reliability.report import Result

CONTENDERS = 16
CASELOAD_MAX = 2


@dataclass
class Site:
    http: httpx.Client
    pm: dict[str, str]
    police: dict[str, str]
    prosecutor: dict[str, str]
    case_management: dict[str, str]
    unassigned: list[str] = field(default_factory=list)
    winners: dict[str, str] = field(default_factory=dict)  # participant → case manager
    decided: dict[str, str] = field(default_factory=dict)  # matter → decision that won

    def post(self, path: str, body: object, headers: dict[str, str], expect: int) -> dict[str, str]:
        response = self.http.post(path, json=body, headers=headers)
        if response.status_code != expect:
            msg = f"{path}: {response.status_code} {response.text[:200]}"
            raise RuntimeError(msg)
        answer: dict[str, str] = response.json()
        return answer

    def refer(self) -> str:
        return self.post("/v1/referrals", social_contact(new_identifier()), self.police, 201)[
            "participant_id"
        ]

    def case_manager(self, n: int) -> str:
        body = {"name": f"Case Manager {n}"}
        return self.post("/v1/case-managers", body, self.pm, 201)["case_manager_id"]

    def assign(self, participant_id: str, case_manager_id: str) -> None:
        path = f"/v1/participants/{participant_id}/case-manager"
        self.post(path, {"case_manager_id": case_manager_id}, self.pm, 200)

    def pending_case(self, participant_id: str, n: int) -> str:
        """Recorded by case management for the prosecutor's office, which then decides."""
        body = {"kind": "pending_case", "case_number": f"26-1-{n:05d}-1", "office": "kcpao"}
        path = f"/v1/participants/{participant_id}/legal-matters"
        return self.post(path, body, self.case_management, 201)["matter_id"]


def judge(answers: list[Answer], success: int, slug: str, found: Findings, what: str) -> int:
    """The index of the one success; duplicates and violations counted into `found`."""
    wins = [n for n, a in enumerate(answers) if a.status == success]
    refused = [a for a in answers if a.status == 409 and a.slug == slug]
    found.acked += len(wins)
    found.duplicated += max(0, len(wins) - 1)
    if len(wins) != 1 or len(refused) != len(answers) - 1:
        tally = Counter((a.status, a.slug) for a in answers)
        found.violation(f"{what}: {dict(tally)}")
    return wins[0] if wins else -1


def caseload_round(site: Site, contenders: Contenders, n: int, found: Findings) -> None:
    case_manager_id = site.case_manager(n)
    for _ in range(CASELOAD_MAX - 1):
        filler = site.unassigned.pop()
        site.assign(filler, case_manager_id)
        site.winners[filler] = case_manager_id
    racers = site.unassigned[-CONTENDERS:]
    path = "/v1/participants/{}/case-manager"
    shots = [Shot(path.format(p), {"case_manager_id": case_manager_id}, site.pm) for p in racers]
    won = judge(contenders.fire(shots), 200, "caseload-full", found, f"caseload round {n}")
    if won >= 0:
        site.winners[racers[won]] = case_manager_id
        site.unassigned.remove(racers[won])


def decision_round(site: Site, contenders: Contenders, n: int, found: Findings) -> None:
    matter_id = site.pending_case(site.unassigned[0], n)
    decisions = ["dismiss" if k % 2 else "decline" for k in range(CONTENDERS)]
    path = f"/v1/legal-matters/{matter_id}/decisions"
    shots = [Shot(path, {"decision": d, "note": "race"}, site.prosecutor) for d in decisions]
    won = judge(contenders.fire(shots), 201, "decision-not-allowed", found, f"decision round {n}")
    if won >= 0:
        site.decided[matter_id] = decisions[won]


def check_store(site: Site, settings: Settings, found: Findings) -> None:
    """Every success is what the store holds: the winner assigned, the decision taken."""
    with store_of(settings) as store:
        caseloads: object = store.repository.get(CASELOADS_ID)
        assert isinstance(caseloads, Caseloads)
        over = [cm for cm, ps in caseloads.assigned.items() if len(ps) > CASELOAD_MAX]
        found.violation(f"case managers over the cap: {len(over)}", len(over))
        for participant_id, case_manager_id in site.winners.items():
            participant: object = store.repository.get(UUID(participant_id))
            assert isinstance(participant, Participant)
            if str(participant.case_manager_id) != case_manager_id:
                found.lost += 1
        final = {"dismiss": "dismissed", "decline": "declined"}
        for matter_id, decision in site.decided.items():
            matter: object = store.repository.get(UUID(matter_id))
            assert isinstance(matter, LegalMatter)
            if matter.state != final[decision]:
                found.lost += 1


def run(rounds: int = 200) -> Result:
    started = time.monotonic()
    found = Findings()
    with postgres_database() as settings:
        api = Api(settings, "r5-api", LEAD_RUN_WORKER="false")
        api.start()
        contenders = Contenders(api.url, CONTENDERS)
        try:
            terms = {"caseload_max": CASELOAD_MAX, "caseload_average_threshold": CASELOAD_MAX}
            open_site(settings, api.url, **terms)
            with httpx.Client(base_url=api.url, timeout=30) as http:
                site = Site(
                    http,
                    headers_for(settings, api.url, "project_manager", "pcg"),
                    headers_for(settings, api.url, "police", "spd"),
                    headers_for(settings, api.url, "prosecutor", "kcpao"),
                    headers_for(settings, api.url, "case_manager", "lead-cm"),
                )
                site.unassigned = [site.refer() for _ in range(CONTENDERS + CASELOAD_MAX)]
                for n in range(rounds):
                    caseload_round(site, contenders, n, found)
                    decision_round(site, contenders, n, found)
                    while len(site.unassigned) < CONTENDERS + CASELOAD_MAX:
                        site.unassigned.append(site.refer())
        finally:
            contenders.close()
            api.stop()
        check_store(site, settings, found)
    result = Result("R5 16 concurrent conflicting commands", rounds, found)
    result.seconds = time.monotonic() - started
    return result
