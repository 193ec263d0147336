"""Site policy, case managers and capacity: the project manager's and supervisors' use cases."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID, uuid4

from domain.base import Stamp
from domain.caseloads import Caseloads
from domain.policy import SitePolicy, terms_in_force
from domain.values import PolicyTerms
from services.agencies import KnownAgencies, check_known
from services.context import Outcome, RequestContext
from services.repository import Repository, check_version
from services.results import CaseManagerRegistered, CaseManagerStatus, PolicyInForce
from services.unit_of_work import Decision, UnitOfWork

PolicyChange = Callable[[PolicyTerms], PolicyTerms]


class StaffService:
    def __init__(self, repository: Repository, uow: UnitOfWork, agencies: KnownAgencies) -> None:
        self.repository = repository
        self.uow = uow
        self.agencies = agencies

    def current_policy(self) -> PolicyInForce:
        terms, version = self.repository.policy_terms()
        return PolicyInForce(version, terms)

    def set_policy(self, ctx: RequestContext, terms: PolicyTerms) -> Outcome[PolicyInForce]:
        return self.change_policy(ctx, lambda _: terms)

    def change_policy(self, ctx: RequestContext, change: PolicyChange) -> Outcome[PolicyInForce]:
        """`change` gets the terms in force (at the caller's If-Match version, when given)."""

        def decide(stamp: Stamp) -> Decision[PolicyInForce]:
            policy = self.repository.policy()
            terms, version = terms_in_force(policy)
            check_version("the site policy", version, ctx.expected_version)
            changed = change(terms)
            self.check_agencies_known(changed)
            if policy is None:
                policy = SitePolicy.adopt(changed, stamp)
            else:
                policy.change(changed, stamp)
            return Decision([policy], PolicyInForce(policy.version, policy.terms))

        return self.uow.run(ctx, decide, PolicyInForce)

    def check_agencies_known(self, terms: PolicyTerms) -> None:
        """422 naming an agency the policy names that no client is registered for."""
        systems = (registered.agency for registered in terms.identifier_systems)
        check_known(self.agencies, systems, "identifier_systems")
        liaison = terms.liaison_prosecutor_agencies
        check_known(self.agencies, liaison, "liaison_prosecutor_agencies")

    def register_case_manager(
        self, ctx: RequestContext, name: str
    ) -> Outcome[CaseManagerRegistered]:
        case_manager_id = uuid4()

        def decide(stamp: Stamp) -> Decision[CaseManagerRegistered]:
            caseloads = self.repository.caseloads(stamp)
            caseloads.register_case_manager(case_manager_id, name, stamp)
            registered = CaseManagerRegistered(case_manager_id, caseloads.names[case_manager_id])
            return Decision([caseloads], registered)

        return self.uow.run(ctx, decide, CaseManagerRegistered)

    def retire_case_manager(
        self, ctx: RequestContext, case_manager_id: UUID
    ) -> Outcome[CaseManagerStatus]:
        """409 naming how many participants while any is still assigned."""

        def decide(stamp: Stamp) -> Decision[CaseManagerStatus]:
            caseloads = self.repository.caseloads(stamp)
            caseloads.retire(case_manager_id, stamp.recorded_at, stamp)
            return Decision([caseloads], status_of(caseloads, case_manager_id))

        return self.uow.run(ctx, decide, CaseManagerStatus)

    def reactivate_case_manager(
        self, ctx: RequestContext, case_manager_id: UUID
    ) -> Outcome[CaseManagerStatus]:
        def decide(stamp: Stamp) -> Decision[CaseManagerStatus]:
            caseloads = self.repository.caseloads(stamp)
            caseloads.reactivate(case_manager_id, stamp)
            return Decision([caseloads], status_of(caseloads, case_manager_id))

        return self.uow.run(ctx, decide, CaseManagerStatus)


def status_of(caseloads: Caseloads, case_manager_id: UUID) -> CaseManagerStatus:
    name = caseloads.names[case_manager_id]
    return CaseManagerStatus(case_manager_id, name, caseloads.retired.get(case_manager_id))
