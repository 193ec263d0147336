"""Reading participants from the store (always current), and as they were known at a moment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.errors import Forbidden, NotFound
from domain.participant import Participant
from domain.values import Identifier
from infra.clock import Clock
from services.context import Viewer
from services.referrals.referrals import ReferralService
from services.referrals.views import participant_view, sees_legal_matters
from services.repository import Repository

AS_OF_ROLES = frozenset({"auditor", "project_manager"})
# A participant's legal matters as known now (None) or at a moment (composition/bootstrap.py).
LegalMatters = Callable[[Participant, datetime | None], list[dict[str, Any]]]


class ParticipantReader:
    def __init__(
        self,
        repository: Repository,
        referrals: ReferralService,
        clock: Clock,
        legal_matters: LegalMatters | None = None,
    ) -> None:
        self.repository = repository
        self.referrals = referrals
        self.clock = clock
        self.legal_matters = legal_matters

    def view(
        self, viewer: Viewer, participant_id: UUID, as_of: datetime | None = None
    ) -> tuple[dict[str, Any], int]:
        """The filtered view and the aggregate version (the ETag)."""
        terms, _ = self.repository.policy_terms()
        if as_of is None:
            participant = self.repository.participant(participant_id)
            now = self.clock.now()
            matters = self.matters(participant, viewer, now, None)
            return participant_view(participant, viewer, now, terms, matters), participant.version
        if viewer.role not in AS_OF_ROLES:
            raise Forbidden("as_of is for auditors and project managers")
        participant = self.as_known_at(participant_id, as_of)
        matters = self.matters(participant, viewer, as_of, as_of)
        return participant_view(participant, viewer, as_of, terms, matters), participant.version

    def matters(
        self, participant: Participant, viewer: Viewer, at: datetime, as_of: datetime | None
    ) -> list[dict[str, Any]]:
        """Read from the store like the participant, and only for viewers who may see them."""
        if self.legal_matters is None or not sees_legal_matters(participant, viewer, at):
            return []
        return self.legal_matters(participant, as_of)

    def as_known_at(self, participant_id: UUID, as_of: datetime) -> Participant:
        """Events recorded up to `as_of`, and no later ones: what the record said then.
        The version is found by binary search, then loaded from the nearest snapshot."""
        self.repository.participant(participant_id)
        then = self.repository.find(Participant, participant_id, as_of)
        if then is None:
            raise NotFound(f"participant {participant_id} did not exist at {as_of.isoformat()}")
        return then

    def find(self, viewer: Viewer, identifier: Identifier) -> list[dict[str, Any]]:
        owner = self.referrals.owner_of(identifier)
        if owner is None:
            return []
        return [self.view(viewer, owner)[0]]
