"""An idempotent replay gives the first request's answer to whoever replays it: the events
credit the first actor only, so the replay itself is recorded with the replaying actor, in
the authentication audit and, when the answer names a participant, as a disclosure."""

from __future__ import annotations

from uuid import UUID

from infra.auth_log import REPLAYED
from infra.clients import Client
from services.answers import encode
from services.audit.authentication import AuthenticationAudit
from services.audit.disclosures import DisclosureRecorder
from services.context import Outcome, RequestContext, Viewer


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
            sections = [*sorted(shown), "position"]
            self.disclosures.read(viewer, [participant], sections, "idempotent replay")


def participant_named(value: object) -> UUID | None:
    try:
        return UUID(str(value)) if value is not None else None
    except ValueError:
        return None
