"""Dependencies: the container, the authenticated caller, role checks, the write context."""

# No "from __future__ import annotations": FastAPI must see the closures' Depends objects.

import hashlib
import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import structlog
from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.conditional import expected_version
from api.rate_limit import check_client
from api.security import Caller, authenticated
from domain.base import Meta
from domain.errors import ActorRequired
from domain.roles import ROLES
from services.container import Container
from services.context import RequestContext

bearer = HTTPBearer(auto_error=False, description="A token from POST /v1/auth/token")
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"


async def get_container(request: Request) -> Container:
    """`async` because FastAPI runs a plain `def` dependency in the threadpool: a thread hop
    (~150 µs of CPU) on every request, for an attribute read."""
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


async def get_caller(
    request: Request,
    container: ContainerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    token = credentials.credentials if credentials is not None else None
    caller = await authenticated(container, token)
    check_client(container, request.method, caller.client_id)
    structlog.contextvars.bind_contextvars(
        client_id=caller.client_id, agency=caller.agency, role=caller.role
    )
    request.state.caller = caller  # for the audit of a refusal (api/audit_middleware.py)
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


def allow(*roles: str) -> Callable[..., Coroutine[Any, Any, Caller]]:
    """Deny by default: only the named roles pass."""
    allowed = frozenset(roles)

    async def check(caller: CallerDep) -> Caller:
        if caller.role not in allowed:
            raise HTTPException(403, f"the {caller.role} role may not do this")
        return caller

    check.roles = allowed  # type: ignore[attr-defined]  # read by api/openapi.py
    return check


ANY_ROLE = tuple(sorted(ROLES))


IfMatch = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=200,
        description='the `ETag` the change is meant for, e.g. `"5"`: 412 if it has changed',
    ),
]
ACTOR = re.compile(r"^[\x20-\x7e]{1,64}$")


async def actor_of(
    x_actor: Annotated[
        str | None,
        Header(
            description="Badge or staff number of the individual acting (1-64 printable "
            "characters; recorded with the event or the read). Missing: 400 actor-required",
        ),
    ] = None,
) -> str:
    actor = (x_actor or "").strip()
    if not ACTOR.match(actor):
        raise ActorRequired("X-Actor must name the individual acting: 1-64 printable characters")
    return actor


ActorHeader = Annotated[str, Depends(actor_of)]
KeyHeader = Annotated[
    str | None,
    Header(
        pattern=KEY_PATTERN,
        description="retries with the same key and body replay the first answer",
    ),
]


async def _context(
    request: Request, caller: Caller, actor: str, key: str | None, if_match: str | None
) -> RequestContext:
    body = await request.body()
    fingerprint = hashlib.sha256(
        request.method.encode() + b" " + request.url.path.encode() + b"\n" + body
    ).hexdigest()
    meta = Meta(
        actor=actor,
        client_id=caller.client_id,
        agency=caller.agency,
        role=caller.role,
        correlation_id=request.state.request_id,
        idempotency_key=key,
    )
    route = getattr(request.scope.get("route"), "path", request.url.path)
    return RequestContext(
        meta=meta,
        fingerprint=fingerprint,
        expected_version=expected_version(if_match),
        endpoint=f"{request.method} {route}",
        source=request.client.host if request.client else "unknown",
    )


def write_context_for(*roles: str) -> Callable[..., Coroutine[Any, Any, RequestContext]]:
    """The write context of a command that takes no If-Match."""
    role_check = allow(*roles)

    async def build(
        request: Request,
        caller: Annotated[Caller, Depends(role_check)],
        x_actor: ActorHeader,
        idempotency_key: KeyHeader = None,
    ) -> RequestContext:
        return await _context(request, caller, x_actor, idempotency_key, None)

    return build


def conditional_context_for(
    *roles: str, if_match_required: bool = False
) -> Callable[..., Coroutine[Any, Any, RequestContext]]:
    """The write context of a command that honours If-Match; `if_match_required`: a shared
    document (the site policy) that no one may change blind (428 without)."""
    role_check = allow(*roles)

    async def build(
        request: Request,
        caller: Annotated[Caller, Depends(role_check)],
        x_actor: ActorHeader,
        idempotency_key: KeyHeader = None,
        if_match: IfMatch = None,
    ) -> RequestContext:
        if if_match_required and if_match is None:
            raise HTTPException(428, "If-Match is required: send the ETag of the last GET")
        return await _context(request, caller, x_actor, idempotency_key, if_match)

    build.requires_if_match = if_match_required  # type: ignore[attr-defined]  # api/openapi.py
    return build
