"""The answer to `POST /v1/referrals`: never more than the referring agency may read of the
person anyway (no `participant_status` unless it may see status)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from domain.disclosure import Caller, Section, visible_sections
from domain.participant import Participant
from domain.relations import Record, relation_of
from services.results import NonReturnSet, ReferralRecorded
from services.views.parts import Part, ParticipantStatus, absent
from services.views.sections import In, Key, Sectioned, disclose


class ReferralNonReturn(Part):
    location: str
    until: datetime


class ReferralAnswer(Sectioned):
    referral_id: Annotated[UUID, Key()]
    participant_id: Annotated[UUID, Key()]
    status: Annotated[Literal["referred", "declined"], In(Section.REFERRALS)] = absent()
    decline_reason: Annotated[str | None, In(Section.REFERRALS)] = absent()
    intake_deadline: Annotated[datetime | None, In(Section.REFERRALS)] = absent()
    non_return: Annotated[ReferralNonReturn | None, In(Section.REFERRALS)] = absent()
    participant_status: Annotated[ParticipantStatus, In(Section.PARTICIPATION)] = absent()


def referral_recorded(
    caller: Caller, participant: Participant, referral_id: UUID, at: datetime
) -> ReferralRecorded:
    """The answer, built like every view from what the referrer may see now; a section it
    may not see is left out (None)."""
    referral = participant.referral(referral_id)
    request = participant.non_return()
    non_return = None
    if request is not None and request.referral_id == referral_id:
        non_return = {"location": request.location, "until": request.until}
    values = {
        "referral_id": referral_id,
        "participant_id": participant.id,
        "status": "declined" if referral.status == "declined" else "referred",
        "decline_reason": referral.decline_reason,
        "intake_deadline": referral.intake_deadline,
        "non_return": non_return,
        "participant_status": participant.status,
    }
    relation = relation_of(caller, participant, Record(), at)
    built = disclose(ReferralAnswer, values, visible_sections(caller, relation))
    shown = built.view.model_dump(exclude_unset=True)
    non_return = shown.get("non_return")
    return ReferralRecorded(
        referral_id=referral_id,
        participant_id=participant.id,
        status=shown["status"],
        participant_status=shown.get("participant_status"),
        decline_reason=shown.get("decline_reason"),
        intake_deadline=shown.get("intake_deadline"),
        non_return=NonReturnSet(**non_return) if non_return else None,
    )
