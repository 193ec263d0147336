"""Audit: a participant's history, the chain's verification and checkpoints, the accounting
of disclosures and the authentication audit."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from api.audit_deps import viewer_for
from api.audit_schemas import (
    AuthEventPage,
    CheckpointDocument,
    DisclosurePage,
    PublicKey,
    VerifyReport,
)
from api.deps import ActorHeader, ContainerDep, allow
from api.responses import problems
from api.schemas import Code
from api.security import Caller
from api.shown import shown
from services.audit.checkpoints import Checkpoint, public_key_document
from services.context import Viewer
from services.views.history import HistoryPage

router = APIRouter(prefix="/v1", tags=["audit"])

Auditor = Annotated[Caller, Depends(allow("auditor"))]
Limit = Annotated[int, Query(ge=1, le=500)]
Position = Annotated[str | None, Query(pattern=r"^\d{1,18}$", description="from `next`")]
Outcome = Literal[
    "success",
    "failure",
    "throttled",
    "locked",
    "denied",
    "created",
    "disabled",
    "enabled",
    "rotated",
    "replayed",
    "locked_out",
    "unlocked",
]


@router.get(
    "/participants/{participant_id}/history",
    response_model=HistoryPage,
    responses=problems(404, 503),
)
def participant_history(
    participant_id: UUID,
    container: ContainerDep,
    viewer: Annotated[Viewer, Depends(viewer_for("auditor", "project_manager", "defense"))],
    limit: Limit = 100,
    cursor: Position = None,
) -> Response:
    """Every event about the participant, from every context, in global order. Defense sees
    each event's data only as the participant view would show it: the event is listed, its
    withheld data is not (`withheld: true`); a participant it may not know of is a 404."""
    return shown(container.reads.history(viewer, participant_id, int(cursor or 0), limit))


@router.get("/audit/verify", response_model=VerifyReport, responses=problems())
def verify(container: ContainerDep, _: Auditor) -> dict[str, Any]:
    """Recompute the hash chain over every stored event and compare it with the stored links
    and the signed checkpoints; the first disagreement is the finding."""
    return container.audit.verifier.verify()


@router.post("/audit/verify", response_model=VerifyReport, responses=problems())
def verify_against(body: CheckpointDocument, container: ContainerDep, _: Auditor) -> dict[str, Any]:
    """As GET, and also against a checkpoint kept outside the database."""
    return container.audit.verifier.verify(Checkpoint.from_json(body.model_dump()))


@router.get("/audit/checkpoint", response_model=CheckpointDocument, responses=problems(404))
def checkpoint(container: ContainerDep, _: Auditor) -> dict[str, Any]:
    """A checkpoint signed now over the sealed head: keep it outside the database."""
    return container.audit.sealer.sign_head().to_json()


@router.get("/audit/public-key", response_model=PublicKey)
def public_key(container: ContainerDep) -> dict[str, str]:
    """The public half of the checkpoint signing key (no authentication: it is public)."""
    return public_key_document(container.audit.signer)


@router.get("/audit/disclosures", response_model=DisclosurePage, responses=problems(404))
def disclosures(
    container: ContainerDep,
    _: Auditor,
    _actor: ActorHeader,  # disclosures hold shared summaries: the reader is accountable
    participant_id: Annotated[UUID, Query()],
    limit: Limit = 100,
    cursor: Annotated[str | None, Query(pattern=r"^\d{1,18}\.\d{1,18}$")] = None,
) -> dict[str, Any]:
    """Every read of the participant's data and every information share, merged by time."""
    after = (0, 0) if cursor is None else tuple(int(part) for part in cursor.split("."))
    return container.audit.accounting.page(participant_id, (after[0], after[1]), limit)


@router.get("/audit/authentication", response_model=AuthEventPage, responses=problems())
def authentication(
    container: ContainerDep,
    _: Auditor,
    client_id: Annotated[Code | None, Query()] = None,
    outcome: Outcome | None = None,
    limit: Limit = 100,
    cursor: Position = None,
) -> dict[str, Any]:
    """Token requests (granted, refused, throttled), permission denials, client lifecycle
    changes and idempotent replays, oldest first."""
    audit = container.audit.authentication
    return audit.page(int(cursor or 0), limit, client_id, outcome)
