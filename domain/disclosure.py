"""Who sees what of a participant (DOMAIN.md, "Who sees what"): the sections of participant
information, a caller's relation to the person at the moment of a read, and ONE table from
section to who may see it. Every read path (views, `as_of`, history, lists, look-ups, queues,
flags, referral answers, and later notifications) asks `visible_sections`; the rows within a
section (identifiers, referrals, matters, shares, ROIs) are filtered in `disclosure_rows.py`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from domain.roles import Role


class Section(StrEnum):
    PARTICIPATION = "participation"  # that the person is a participant, status, the CM contact
    IDENTITY = "identity"  # names, date of birth
    IDENTIFIERS = "identifiers"  # rows: only the caller's own agency's systems
    NON_RETURN = "non_return"  # the 24-hour non-return request
    REFERRALS = "referrals"  # rows: the caller's own referrals
    LEGAL = "legal"  # legal matters, decisions, adverse actions; rows: the matters it may see
    PLAN = "plan"  # intake and plan summary
    ENGAGEMENT = "engagement"  # `active`, contacts, attempts
    SHARES = "shares"  # rows: the shares the caller's agency received
    PROGRESS = "progress"  # courts and probation: only "case management is working with them"
    CASE_RECORD = "case_record"  # demographics, enrollment, discharge, every ROI: the site's staff
    GOLDEN_RULE = "golden_rule"  # Golden Rule flags: defense's watch, and the PCG's


class RoiCategory(StrEnum):
    """What a ROI may release (DOMAIN.md, "Who may change what"): nothing else."""

    PLAN = "plan"
    ENGAGEMENT = "engagement"
    LEGAL_STATUS = "legal_status"


R = Role
ROI_CATEGORIES = frozenset(RoiCategory)
FULL_VIEW_ROLES = frozenset({R.AUDITOR, R.PROJECT_MANAGER, R.CASE_MANAGER, R.SUPERVISOR})
CASE_MANAGEMENT_ROLES = frozenset({R.CASE_MANAGER, R.SUPERVISOR})
MATTER_ROLES = frozenset({R.PROSECUTOR, R.COURT, R.PROBATION})  # a matter makes them related
PROGRESS_ROLES = frozenset({R.COURT, R.PROBATION})
GOLDEN_RULE_ROLES = frozenset({R.DEFENSE, R.PROJECT_MANAGER, R.AUDITOR})
POLICE = R.POLICE
DEFENSE = R.DEFENSE


@dataclass(frozen=True)
class Caller:
    agency: str
    role: str

    @property
    def full_view(self) -> bool:
        return self.role in FULL_VIEW_ROLES


@dataclass(frozen=True)
class Relation:
    """What ties a caller's agency to one person at one moment."""

    referred: bool = False  # the agency referred them (any door, accepted or declined)
    holds_matter: bool = False  # its office holds one of their legal matters
    party_to_matter: bool = False  # named a party (court, probation, defense) to one of them
    roi_categories: frozenset[str] = frozenset()  # of the ROIs in force naming the agency
    made_non_return: bool = False  # its arrest diversion carries the non-return request
    non_return_in_force: bool = False  # a non-return request is in force now
    non_return_requested: bool = False  # a non-return request was ever made
    received_shares: bool = False  # it received information shared about them
    watched: bool = False  # a Golden Rule flag names them (defense's watch)

    def covers(self, category: RoiCategory) -> bool:
        return category in self.roi_categories


Rule = Callable[[Caller, Relation], bool]


def related(caller: Caller, relation: Relation) -> bool:
    """Referred the person, holds a legal matter on them (prosecutors, courts, probation), or is
    named in a ROI in force: the condition for the fact of participation itself."""
    matter = relation.holds_matter or relation.party_to_matter
    return (
        relation.referred
        or (matter and caller.role in MATTER_ROLES)
        or bool(relation.roi_categories)
    )


def roi_for(category: RoiCategory) -> Rule:
    return lambda _, relation: relation.covers(category)


def progress_for(category: RoiCategory) -> Rule:
    """The plan and engagement under a ROI, but never to courts and probation, whatever a ROI
    says: they do not supervise participants through LEAD (toolkit, Golden Rule 1)."""
    return lambda caller, relation: caller.role not in PROGRESS_ROLES and relation.covers(category)


def non_return(caller: Caller, relation: Relation) -> bool:
    """Any partner police agency while the request is in force; the agency that made it."""
    return relation.made_non_return or (caller.role == POLICE and relation.non_return_in_force)


def legal(_: Caller, relation: Relation) -> bool:
    return (
        relation.holds_matter
        or relation.party_to_matter
        or relation.covers(RoiCategory.LEGAL_STATUS)
    )


def progress(caller: Caller, relation: Relation) -> bool:
    return caller.role in PROGRESS_ROLES and related(caller, relation)


def golden_rule(caller: Caller, relation: Relation) -> bool:
    return caller.role in GOLDEN_RULE_ROLES and (caller.role != DEFENSE or relation.watched)


def never(_: Caller, __: Relation) -> bool:
    return False


# For any agency other than the site's own staff and auditors (DOMAIN.md's second column).
OTHER_AGENCIES: dict[Section, Rule] = {
    Section.PARTICIPATION: related,
    Section.IDENTITY: related,
    Section.IDENTIFIERS: related,
    Section.NON_RETURN: non_return,
    Section.REFERRALS: lambda _, relation: relation.referred,
    Section.LEGAL: legal,
    Section.PLAN: progress_for(RoiCategory.PLAN),
    Section.ENGAGEMENT: progress_for(RoiCategory.ENGAGEMENT),
    Section.SHARES: lambda _, relation: relation.received_shares,
    Section.PROGRESS: progress,
    Section.CASE_RECORD: never,
    Section.GOLDEN_RULE: golden_rule,
}
# Auditors, project managers, case managers and supervisors see the whole case record; progress
# is the courts' and probation's substitute for it, and flags are for those who watch them.
FULL_VIEW = frozenset(OTHER_AGENCIES) - {Section.PROGRESS, Section.GOLDEN_RULE}


def visible_sections(caller: Caller, relation: Relation) -> frozenset[Section]:
    """The sections of this person's information the caller may see now. Empty: the caller
    may not even learn that the person exists (a 404, as for an unknown id)."""
    if caller.full_view:
        extra = {Section.GOLDEN_RULE} if golden_rule(caller, relation) else set()
        return FULL_VIEW | extra
    return frozenset(section for section, may in OTHER_AGENCIES.items() if may(caller, relation))


def may_know_of(caller: Caller, relation: Relation) -> bool:
    """Whether the caller may learn that the person is a participant at all."""
    return bool(visible_sections(caller, relation))
