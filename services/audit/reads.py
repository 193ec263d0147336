"""Participant reads that account for themselves: every view handed out, as of now or of a
moment, and every identifier look-up result, is recorded as a disclosure."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from services.audit.checkpoints import utc_text
from services.audit.disclosures import DisclosureRecorder, categories_of
from services.context import Viewer
from services.referrals.reads import ParticipantReader


class AccountedParticipantReader(ParticipantReader):
    def __init__(self, disclosures: DisclosureRecorder, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.disclosures = disclosures

    def view(
        self, viewer: Viewer, participant_id: UUID, as_of: datetime | None = None
    ) -> tuple[dict[str, Any], int]:
        view, version = super().view(viewer, participant_id, as_of)
        detail = "" if as_of is None else f"as_of={utc_text(as_of)}"
        self.disclosures.read(viewer, [participant_id], categories_of(view), detail)
        return view, version
