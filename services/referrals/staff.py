"""Site policy, case managers and capacity: the project manager's and supervisors' use cases."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from domain.base import Stamp
from domain.capacity import Capacity, assess_capacity
from domain.policy import SitePolicy
from domain.values import PolicyTerms
from services.context import Outcome, RequestContext
from services.jsonable import jsonable
from services.repository import Repository
from services.unit_of_work import Decision, UnitOfWork


def policy_body(terms: PolicyTerms, version: int) -> dict[str, Any]:
    return {"version": version, **jsonable(terms)}


class StaffService:
    def __init__(self, repository: Repository, uow: UnitOfWork) -> None:
        self.repository = repository
        self.uow = uow

    def current_policy(self) -> dict[str, Any]:
        return policy_body(*self.repository.policy_terms())

    def set_policy(self, ctx: RequestContext, terms: PolicyTerms) -> Outcome:
        def decide(stamp: Stamp) -> Decision:
            policy = self.repository.policy()
            if policy is None:
                policy = SitePolicy.adopt(terms, stamp)
            else:
                policy.change(terms, stamp)
            return Decision([policy], policy_body(policy.terms, policy.version))

        return self.uow.run(ctx, 200, decide)

    def register_case_manager(self, ctx: RequestContext, name: str) -> Outcome:
        case_manager_id = uuid4()

        def decide(stamp: Stamp) -> Decision:
            caseloads = self.repository.caseloads(stamp)
            caseloads.register_case_manager(case_manager_id, name, stamp)
            return Decision(
                [caseloads],
                {"case_manager_id": str(case_manager_id), "name": caseloads.names[case_manager_id]},
            )

        return self.uow.run(ctx, 201, decide)

    def capacity(self) -> Capacity:
        terms, _ = self.repository.policy_terms()
        return assess_capacity(self.repository.caseload_counts(), terms)

    def capacity_body(self) -> dict[str, Any]:
        terms, version = self.repository.policy_terms()
        caseloads = self.repository.existing_caseloads()
        counts: dict[UUID, int] = caseloads.counts() if caseloads else {}
        names = caseloads.names if caseloads else {}
        capacity = assess_capacity(counts, terms)
        return {
            "case_managers": [
                {"case_manager_id": str(cm), "name": names[cm], "caseload": count}
                for cm, count in counts.items()
            ],
            "average_caseload": round(capacity.average, 2),
            "caseload_max": terms.caseload_max,
            "caseload_average_threshold": terms.caseload_average_threshold,
            "accepting_priority_referrals": capacity.accepting_priority_referrals,
            "accepting_post_filing_referrals": capacity.accepting_post_filing_referrals,
            "policy_version": version,
        }
