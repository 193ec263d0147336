"""Loading legal matters and coordination records, now or as they were known at a moment."""

from __future__ import annotations

from uuid import UUID

from domain.base import Stamp
from domain.coordination import Coordination, coordination_id
from domain.legal_matter import LegalMatter
from services.repository import Loader


class LegalRepository(Loader):
    def matter(self, matter_id: UUID, expected_version: int | None = None) -> LegalMatter:
        return self.load(LegalMatter, matter_id, expected_version)

    def coordination(self, participant_id: UUID, stamp: Stamp) -> Coordination:
        """The participant's record, opened (unsaved) by this command if there is none yet."""
        found = self.find(Coordination, coordination_id(participant_id))
        return found or Coordination.open(participant_id, stamp)
