"""Who may change what (DOMAIN.md): role is necessary, not sufficient; an agency acts on its
own records. ONE table from each command on a participant or a legal matter to the agencies
that may give it; the role check comes first, at the route (deny by default)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from domain.disclosure import CASE_MANAGEMENT_ROLES, Caller, Relation, may_know_of
from domain.errors import Forbidden, NotFound
from domain.roles import Role


class Command(StrEnum):
    REFER_AGAIN = "refer_again"  # a referral naming an existing participant
    COMPLETE_INTAKE = "complete_intake"
    SIGN_ROI = "sign_roi"
    REVOKE_ROI = "revoke_roi"
    RECORD_CONTACT = "record_contact"
    READMIT = "readmit"
    SHARE_INFORMATION = "share_information"
    ASSIGN_CASE_MANAGER = "assign_case_manager"
    DISCHARGE = "discharge"
    EXTEND_INTAKE_DEADLINE = "extend_intake_deadline"
    GRANT_NON_RETURN_EXCEPTION = "grant_non_return_exception"
    REPORT_NON_RETURN_VIOLATION = "report_non_return_violation"
    OPEN_LEGAL_MATTER = "open_legal_matter"
    DECIDE_ON_MATTER = "decide_on_matter"
    RECORD_ADVERSE_ACTION = "record_adverse_action"
    REQUEST_REPORT = "request_report"
    ANSWER_REPORT_REQUEST = "answer_report_request"
    RECORD_WARM_HANDOFF = "record_warm_handoff"
    LINK_RECORDS = "link_records"  # link, or unlink, two records of the same person


@dataclass(frozen=True)
class Standing:
    """A caller's standing toward the participant (and the matter) a command names."""

    caller: Caller
    relation: Relation
    holds_the_matter: bool = False  # its office holds the matter the command decides on


Authority = Callable[[Standing], bool]


def case_management(s: Standing) -> bool:
    """The site's case management, and its project managers where the route lets them."""
    return s.caller.role in CASE_MANAGEMENT_ROLES or s.caller.role == Role.PROJECT_MANAGER


def knows_the_participant(s: Standing) -> bool:
    return may_know_of(s.caller, s.relation)


def referring_agency(s: Standing) -> bool:
    return s.relation.referred


def non_return_requester(s: Standing) -> bool:
    """The agency whose arrest diversion carries the non-return request; while there is none,
    a referring agency (the aggregate then answers that no request is in force)."""
    relation = s.relation
    return relation.made_non_return or (relation.referred and not relation.non_return_requested)


def holding_office(s: Standing) -> bool:
    return s.holds_the_matter


WHO_MAY: dict[Command, tuple[Authority, ...]] = {
    Command.REFER_AGAIN: (case_management, knows_the_participant),
    Command.COMPLETE_INTAKE: (case_management,),
    Command.SIGN_ROI: (case_management,),
    Command.REVOKE_ROI: (case_management,),
    Command.RECORD_CONTACT: (case_management,),
    Command.READMIT: (case_management,),
    Command.SHARE_INFORMATION: (case_management,),
    Command.ASSIGN_CASE_MANAGER: (case_management,),
    Command.DISCHARGE: (case_management,),
    Command.EXTEND_INTAKE_DEADLINE: (referring_agency,),
    Command.GRANT_NON_RETURN_EXCEPTION: (case_management, non_return_requester),
    Command.REPORT_NON_RETURN_VIOLATION: (non_return_requester,),
    # A prosecutor opens matters its own office holds; case management records them for one.
    Command.OPEN_LEGAL_MATTER: (case_management, knows_the_participant),
    Command.DECIDE_ON_MATTER: (holding_office,),
    Command.RECORD_ADVERSE_ACTION: (knows_the_participant,),
    # Anyone tied to the person may ask; only case management answers.
    Command.REQUEST_REPORT: (knows_the_participant,),
    Command.ANSWER_REPORT_REQUEST: (case_management,),
    # The officer who hands the person over, or case management receiving them.
    Command.RECORD_WARM_HANDOFF: (case_management, referring_agency),
    Command.LINK_RECORDS: (case_management,),
}


def check_may(command: Command, standing: Standing, not_found: str) -> None:
    """404 (worded as for an unknown id) when the caller may not even know of the participant;
    403 when it may, but this command is another agency's."""
    if not standing.caller.full_view and not knows_the_participant(standing):
        raise NotFound(not_found)
    if not any(authority(standing) for authority in WHO_MAY[command]):
        raise Forbidden(
            f"{command.value.replace('_', ' ')} is not for the {standing.caller.role} "
            f"role of the agency {standing.caller.agency!r} on this participant"
        )
