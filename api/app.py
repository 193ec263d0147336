"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from api import openapi, problems
from api.audit_middleware import DeniedAudit
from api.background import BackgroundLoop, NotifierLoop
from api.edge import JsonMemberLimit, SecurityHeaders
from api.middleware import RequestMiddleware
from api.routes import audit as audit_routes
from api.routes import auth, legal, notifications, ops, participants, queues, referrals, staff
from api.routes import compliance as compliance_routes
from api.routes import duplicates as duplicate_routes
from api.routes import evaluation as evaluation_routes
from api.routes import forgetting as forgetting_routes
from api.routes import problems as problem_routes
from infra import scrub
from services.container import Container

DESCRIPTION = """Event-sourced record service for LEAD (Law Enforcement Assisted Diversion /
Let Everyone Advance with Dignity) sites.

- **Tokens**: OAuth 2.0 client credentials at `POST /v1/auth/token` (a client from
  `leadctl clients create`); send `Authorization: Bearer <token>`. Each operation says who may
  call it.
- **Writes**, and reads of participant information, take `X-Actor` (the badge or staff
  number acting; 400 `actor-required` without). Writes accept `Idempotency-Key` (the
  same key and body replay the first answer, with `Idempotent-Replayed: true`; another body is
  a 422) and answer with `position`: pass it as `min_position` to a read served from a read
  model to read your own write.
- **Versions**: `GET /v1/participants/{id}` and `GET /v1/policy` answer with an `ETag` (304 on
  a matching `If-None-Match`); commands accept `If-Match` (strong comparison: 412 when it
  changed); policy writes require it (428 without).
- **Errors** are RFC 9457 `application/problem+json`; each `type` ends in a slug that
  `GET /problems/{slug}` explains, and `GET /problems` lists them all. The token endpoint
  answers RFC 6749 §5.2 errors instead. Every `/v1` answer is `Cache-Control: no-store`."""


def create_app(container: Container, *, background: bool | None = None) -> FastAPI:
    run_background = container.settings.run_worker if background is None else background
    scrub.install()  # uvicorn logs a failed request's traceback: never with its values

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        loop = BackgroundLoop(container.background) if run_background else None
        notifying = run_background and container.settings.run_notifier
        notifier = NotifierLoop(container.notifications.deliverer) if notifying else None
        for started in (loop, notifier):
            if started:
                started.start()
        try:
            yield
        finally:
            for started in (notifier, loop):
                if started:
                    started.stop()

    app = FastAPIOffline(
        title="LEAD service",
        version="1.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=openapi.operation_id,
        swagger_ui_parameters={"displayOperationId": True, "defaultModelsExpandDepth": 0},
    )
    app.state.container = container
    problems.install(app)
    openapi.install(app)
    for module in (auth, staff, referrals, participants, legal, queues, ops, problem_routes):
        app.include_router(module.router)
    app.include_router(audit_routes.router)
    app.include_router(evaluation_routes.router)
    app.include_router(compliance_routes.router)
    app.include_router(notifications.router)
    app.include_router(forgetting_routes.router)
    app.include_router(duplicate_routes.router)
    app.add_middleware(DeniedAudit)
    app.add_middleware(JsonMemberLimit, max_members=container.settings.max_json_members)
    app.add_middleware(RequestMiddleware, max_body_bytes=container.settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # outermost: on the 413s of RequestMiddleware too
    return app
