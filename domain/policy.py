"""Site policy: one event-sourced aggregate per site; its version stamps every decision."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from domain.base import LeadAggregate, Stamp
from domain.errors import InvalidInput
from domain.values import PolicyTerms

SITE_POLICY_ID: UUID = uuid5(NAMESPACE_URL, "lead:site-policy")


def check_terms(terms: PolicyTerms) -> None:
    positive = {
        "intake_deadline_days": terms.intake_deadline_days,
        "non_return_hours": terms.non_return_hours,
        "caseload_max": terms.caseload_max,
        "caseload_average_threshold": terms.caseload_average_threshold,
        "discharge_min_inactive_days": terms.discharge_min_inactive_days,
        "hold_review_max_days": terms.hold_review_max_days,
        "inactive_after_days": terms.inactive_after_days,
        "intake_reminder_days": terms.intake_reminder_days,
        "roi_expiry_reminder_days": terms.roi_expiry_reminder_days,
    }
    for name, value in positive.items():
        if value <= 0:
            raise InvalidInput(f"{name} must be a positive whole number", field=name)
    if terms.caseload_average_threshold > terms.caseload_max:
        raise InvalidInput(
            "caseload_average_threshold may not exceed caseload_max",
            field="caseload_average_threshold",
        )
    codes = [charge.code for charge in terms.divertible_charges]
    if len(codes) != len(set(codes)):
        raise InvalidInput("divertible charge codes must be unique", field="divertible_charges")
    systems = [registered.system for registered in terms.identifier_systems]
    if len(systems) != len(set(systems)):
        raise InvalidInput(
            "each identifier system is registered to one agency", field="identifier_systems"
        )


def check_agencies_known(named: frozenset[str], known: frozenset[str], field: str) -> None:
    """Raised as a 422 naming the first agency no client is registered for (a typo such as
    `spdd` would otherwise silently grant or withhold)."""
    unknown = sorted(named - known)
    if unknown:
        raise InvalidInput(f"no client is registered for the agency {unknown[0]!r}", field=field)


class SitePolicy(LeadAggregate):
    """The PCG's current policy. Version 1 is the toolkit's defaults."""

    class Adopted(LeadAggregate.Created):
        terms: PolicyTerms

    class Changed(LeadAggregate.Event):
        terms: PolicyTerms

        def apply(self, aggregate: SitePolicy) -> None:
            aggregate.terms = self.terms

    def __init__(self, terms: PolicyTerms) -> None:
        self.terms = terms

    @classmethod
    def adopt(cls, terms: PolicyTerms, stamp: Stamp) -> SitePolicy:
        check_terms(terms)
        return cls._create(
            cls.Adopted,
            id=SITE_POLICY_ID,
            terms=terms,
            meta=stamp.meta,
            occurred_at=stamp.recorded_at,
            timestamp=stamp.recorded_at,
        )

    def change(self, terms: PolicyTerms, stamp: Stamp) -> None:
        check_terms(terms)
        self._emit(self.Changed, stamp, stamp.recorded_at, terms=terms)


def terms_in_force(policy: SitePolicy | None) -> tuple[PolicyTerms, int]:
    """The policy's terms and version; version 0 is the toolkit defaults, before the project
    manager first sets the site's policy."""
    return (policy.terms, policy.version) if policy else (PolicyTerms(), 0)
