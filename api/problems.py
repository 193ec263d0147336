"""RFC 9457 problem details. The one place domain errors become HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from eventsourcing.persistence import MapperDeserialisationError, PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import OperationalError as SQLOperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from domain import errors, legal_errors
from infra.keyring import DataKeyLost
from projections.freshness import ProjectionNotCaughtUp
from services.audit import errors as audit_errors
from services.unit_of_work import StoreBusy

PROBLEM_BASE = "https://lead-service.example/problems/"
PROBLEM_JSON = "application/problem+json"

# Most specific first: the first matching class wins.
DOMAIN_PROBLEMS: list[tuple[type[Exception], int, str, str]] = [
    (
        legal_errors.DivertedChargeProtected,
        409,
        "diverted-charge-protected",
        "The diverted charge is protected",
    ),
    (legal_errors.DecisionNotAllowed, 409, "decision-not-allowed", "Decision not allowed"),
    (legal_errors.RoiDoesNotCover, 403, "roi-does-not-cover", "No ROI covers this share"),
    (legal_errors.BasisRequired, 422, "basis-required", "A basis must be declared"),
    (legal_errors.NoteRequired, 422, "note-required", "A decision says why"),
    (
        legal_errors.ReviewDateOutOfRange,
        422,
        "review-date-out-of-range",
        "Hold review date out of range",
    ),
    (legal_errors.UnknownShare, 422, "unknown-share", "Unknown information share"),
    (legal_errors.UnknownMatter, 422, "unknown-matter", "Unknown legal matter"),
    (ProjectionNotCaughtUp, 503, "projection-not-caught-up", "Projection not caught up yet"),
    (audit_errors.HistoryBehind, 503, "projection-not-caught-up", "Projection not caught up yet"),
    (audit_errors.VerificationRunning, 503, "verification-running", "A verification is running"),
    (audit_errors.InvalidCheckpoint, 422, "invalid-checkpoint", "Not a checkpoint of this service"),
    (errors.ChargeNotDivertible, 422, "charge-not-divertible", "Charge is not divertible"),
    (
        errors.ExclusionNotOverridden,
        422,
        "exclusion-not-overridden",
        "Exclusion criteria met without an override",
    ),
    (errors.CriteriaNotMet, 422, "criteria-not-met", "Core referral criteria not met"),
    (errors.BusinessTimeInFuture, 422, "business-time-in-future", "Time lies in the future"),
    (
        errors.IdempotencyKeyReused,
        422,
        "idempotency-key-reused",
        "Idempotency-Key reused with a different request",
    ),
    (errors.WebhookUrlRefused, 422, "webhook-url-refused", "Webhook URL not allowed"),
    (
        errors.ApproverIsRequester,
        422,
        "approver-is-requester",
        "The approver must be another person",
    ),
    (errors.InvalidInput, 422, "invalid-input", "Invalid input"),
    (errors.ParticipantForgotten, 410, "participant-forgotten", "The participant was forgotten"),
    (errors.ActorRequired, 400, "actor-required", "X-Actor is required"),
    (errors.NotFound, 404, "not-found", "Not found"),
    (
        errors.IdentifierSystemNotYours,
        403,
        "identifier-system-not-yours",
        "Identifier system registered to another agency",
    ),
    (errors.Forbidden, 403, "forbidden", "Forbidden"),
    (errors.AlreadyForgotten, 409, "already-forgotten", "The participant was forgotten already"),
    (errors.RecordNotSealed, 409, "record-not-sealed", "The record predates encryption"),
    (errors.CaseloadFull, 409, "caseload-full", "Caseload is full"),
    (
        errors.SubscriptionLimitReached,
        409,
        "subscription-limit-reached",
        "The agency has as many subscriptions as it may",
    ),
    (
        errors.CaseManagerHasParticipants,
        409,
        "case-manager-has-participants",
        "The case manager still carries participants",
    ),
    (errors.CaseManagerRetired, 409, "case-manager-retired", "The case manager has retired"),
    (errors.DischargeNotAllowed, 409, "discharge-not-allowed", "Discharge not allowed yet"),
    (
        errors.IdentifierConflict,
        409,
        "identifier-conflict",
        "Identifiers belong to another participant",
    ),
    (errors.StateConflict, 409, "state-conflict", "Not allowed in the current state"),
    (errors.PreconditionFailed, 412, "precondition-failed", "If-Match does not match"),
    (StoreBusy, 503, "store-busy", "Too many concurrent changes"),
]

HTTP_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    413: "payload-too-large",
    415: "unsupported-media-type",
    428: "precondition-required",
    429: "rate-limited",
    503: "unavailable",
}


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    *,
    instance: str | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    if instance is not None:
        body["instance"] = instance
    return JSONResponse(body | extra, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def domain_problem(exc: Exception, instance: str | None = None) -> JSONResponse:
    for cls, status, slug, title in DOMAIN_PROBLEMS:
        if isinstance(exc, cls):
            extra: dict[str, Any] = {}
            field = getattr(exc, "field", None)
            if status == 422:
                extra["errors"] = [{"field": field, "message": str(exc)}]
            extra |= getattr(exc, "extensions", {})  # members a problem type defines
            headers = {"Retry-After": "1"} if status == 503 else None
            return problem(status, slug, title, str(exc), headers, instance=instance, **extra)
    raise exc


MAX_LISTED_ERRORS = 50


def validation_problem(exc: RequestValidationError, instance: str | None = None) -> JSONResponse:
    every = exc.errors()
    if any(error["type"] == "json_invalid" for error in every):
        return problem(
            400,
            "malformed-json",
            "Malformed JSON",
            "the request body is not well-formed JSON",
            instance=instance,
        )
    found = [
        {
            "field": ".".join(str(part) for part in error["loc"]),
            "message": error["msg"],
            "type": error["type"],
        }
        for error in every[:MAX_LISTED_ERRORS]
    ]
    more = len(every) - len(found)
    detail = "the request does not match the schema; see errors" + (
        f" (the first {len(found)} of {len(every)})" if more else ""
    )
    return problem(
        422, "validation-error", "Invalid request", detail, instance=instance, errors=found
    )


def title_of(slug: str) -> str:
    """A problem's title where its slug is all there is (HTTP's own, the fixed 500s)."""
    return slug.replace("-", " ").capitalize()


def http_problem(exc: StarletteHTTPException, instance: str | None = None) -> JSONResponse:
    slug = HTTP_SLUGS.get(exc.status_code, "error")
    headers = dict(exc.headers) if exc.headers else None
    return problem(
        exc.status_code, slug, title_of(slug), str(exc.detail), headers, instance=instance
    )


UNREADABLE = (
    "an event of this record cannot be read: it was altered or damaged in the store "
    "(GET /v1/audit/verify reports where); other records answer as before"
)
UNEXPECTED = "the service failed to answer; the operators have the log of this request"
Handler = Callable[[Request, Exception], Awaitable[JSONResponse]]


def failure(slug: str, detail: str) -> Handler:
    """A 500 that says what failed in words fixed here, titled as `GET /problems` titles it."""

    async def answer(request: Request, _exc: Exception) -> JSONResponse:
        return problem(500, slug, title_of(slug), detail, instance=request.url.path)

    return answer


def allowed_methods(request: Request) -> list[str]:
    """Every method any route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        match, _ = route.matches(request.scope)
        if match == Match.PARTIAL:
            methods |= set(route.methods or ())
    return sorted(methods)


def install(app: FastAPI) -> None:
    async def on_domain(request: Request, exc: Exception) -> JSONResponse:
        return domain_problem(exc, request.url.path)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return validation_problem(exc, request.url.path)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 405:
            exc.headers = {"Allow": ", ".join(allowed_methods(request))}
        return http_problem(exc, request.url.path)

    async def on_store_down(request: Request, exc: Exception) -> JSONResponse:
        return problem(
            503,
            "store-unavailable",
            "Store unavailable",
            f"the database is not reachable right now ({type(exc).__name__})",
            {"Retry-After": "2"},
            instance=request.url.path,
        )

    app.add_exception_handler(errors.DomainError, on_domain)
    unreadable = failure("record-unreadable", UNREADABLE)
    app.add_exception_handler(MapperDeserialisationError, unreadable)
    app.add_exception_handler(DataKeyLost, unreadable)
    # Anything else: its message may quote input, so it is logged scrubbed, never answered.
    app.add_exception_handler(Exception, failure("internal-error", UNEXPECTED))
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(PersistenceError, on_store_down)
    app.add_exception_handler(SQLOperationalError, on_store_down)
