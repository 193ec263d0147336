"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import problems
from api.audit_middleware import DeniedAudit
from api.background import BackgroundLoop
from api.middleware import RequestMiddleware
from api.routes import audit as audit_routes
from api.routes import auth, legal, ops, participants, queues, referrals, staff
from api.routes import compliance as compliance_routes
from api.routes import evaluation as evaluation_routes
from infra.bootstrap import Container

DESCRIPTION = """Event-sourced record service for LEAD (Law Enforcement Assisted Diversion /
Let Everyone Advance with Dignity) sites. Errors are RFC 9457 problem+json. Writes take
`X-Actor`, accept `Idempotency-Key` and answer with `position`."""


def create_app(container: Container, *, background: bool | None = None) -> FastAPI:
    run_background = container.settings.run_worker if background is None else background

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        loop = BackgroundLoop(container) if run_background else None
        if loop:
            loop.start()
        try:
            yield
        finally:
            if loop:
                loop.stop()

    app = FastAPI(title="LEAD service", version="1.0.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.container = container
    problems.install(app)
    for module in (auth, staff, referrals, participants, legal, queues, ops):
        app.include_router(module.router)
    app.include_router(audit_routes.router)
    app.include_router(evaluation_routes.router)
    app.include_router(compliance_routes.router)
    app.add_middleware(DeniedAudit)
    app.add_middleware(RequestMiddleware, max_body_bytes=container.settings.max_body_bytes)
    return app
