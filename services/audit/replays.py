"""An idempotent replay gives the first request's answer to whoever replays it: the events
credit the first actor only, so the replay itself is recorded with the replaying actor, in
the authentication audit and, when the answer names a participant, as a disclosure."""

from __future__ import annotations

from uuid import UUID

from domain.disclosure import Section
from infra.auth_log import REPLAYED
from infra.clients import Client
from services.answers import encode
from services.audit.authentication import AuthenticationAudit
from services.audit.disclosures import DisclosureRecorder
from services.context import Outcome, RequestContext, Viewer
from services.results import (
    AdverseActionRecorded,
    MatterChanged,
    ParticipantChanged,
    ReferralRecorded,
    ReportRequestRecorded,
    ShareRecorded,
)
from services.views.sections import Disclosure

# What each kind of answer shows of the participant it names (the accounting's sections).
SHOWN: list[tuple[type, frozenset[Section]]] = [
    (ReferralRecorded, frozenset({Section.REFERRALS})),
    (ParticipantChanged, frozenset({Section.PARTICIPATION})),
    (MatterChanged, frozenset({Section.LEGAL})),
    (ShareRecorded, frozenset({Section.SHARES})),
    (AdverseActionRecorded, frozenset({Section.LEGAL})),
    (ReportRequestRecorded, frozenset({Section.PARTICIPATION})),
]


class ReplayAudit:
    def __init__(
        self, authentication: AuthenticationAudit, disclosures: DisclosureRecorder
    ) -> None:
        self.authentication = authentication
        self.disclosures = disclosures

    def record(self, ctx: RequestContext, outcome: Outcome[object]) -> None:
        meta = ctx.meta
        client = Client(meta.client_id, meta.agency, meta.role)
        detail = f"{ctx.endpoint}: the first answer replayed".strip(": ")
        self.authentication.add(client, ctx.source or "unknown", REPLAYED, detail, meta.actor)
        answer = encode(outcome.result)
        shown = answer if isinstance(answer, dict) else {}
        participant = participant_named(shown.get("participant_id"))
        if participant is not None:
            viewer = Viewer(
                meta.client_id, meta.agency, meta.role, meta.actor, endpoint=ctx.endpoint
            )
            sections = sections_of(outcome.result)
            disclosed = Disclosure(participant, sections, "idempotent replay")
            self.disclosures.record(viewer, [disclosed])


def sections_of(result: object) -> frozenset[Section]:
    sections = next((shown for kind, shown in SHOWN if isinstance(result, kind)), frozenset())
    if isinstance(result, ReferralRecorded) and result.participant_status is not None:
        sections |= {Section.PARTICIPATION}
    return sections


def participant_named(value: object) -> UUID | None:
    try:
        return UUID(str(value)) if value is not None else None
    except ValueError:
        return None
