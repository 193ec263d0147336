"""The OpenAPI document, completed from the routes themselves: who may call each operation
(read from its role check), problem+json on every error, the headers the service sends, and
an example request per command (api/examples.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from api.deps import actor_of
from api.examples import EXAMPLES

Operation = dict[str, Any]
PROBLEM = {"schema": {"$ref": "#/components/schemas/Problem"}}
FASTAPI_ERRORS = ("HTTPValidationError", "ValidationError")
# Besides the commands that take If-Match, these answer with an ETag.
TAGGED = frozenset({"getParticipant", "getPolicy", "decideOnLegalMatter"})
CONDITIONAL_READS = frozenset({"getParticipant", "getPolicy"})
RETRY_AFTER = {"description": "seconds to wait before trying again", "schema": {"type": "integer"}}
HEADERS = {
    "ETag": {
        "description": 'the resource\'s version, e.g. `"5"`: send it as `If-Match` to change it',
        "schema": {"type": "string"},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the first answer to the same Idempotency-Key",
        "schema": {"type": "string", "enum": ["true"]},
    },
}
TOKEN_SCHEME = {
    "type": "oauth2",
    "description": "Client credentials (RFC 6749 §4.4) from `leadctl clients create`",
    "flows": {"clientCredentials": {"tokenUrl": "/v1/auth/token", "scopes": {}}},
}


def operation_id(route: APIRoute) -> str:
    """Short and stable: the handler's name in camelCase (`get_participant` → getParticipant)."""
    head, *rest = route.name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def dependencies(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from dependencies(dependency)


def roles_of(route: Any) -> list[str] | None:
    """The roles the route's role check lets through (api/deps.py `allow`); None: no check."""
    for call in dependencies(route.dependant):
        if hasattr(call, "roles"):
            return sorted(call.roles)
    return None


def who_may_call(operation: Operation, roles: list[str] | None) -> None:
    who = (
        "**Who may call:** " + ", ".join(f"`{role}`" for role in roles) + "."
        if roles is not None
        else "**Who may call:** anyone; no token needed."
    )
    operation["x-roles"] = roles or []
    operation["description"] = (operation.get("description", "") + "\n\n" + who).strip()


def problem_media(operation: Operation) -> None:
    """FastAPI files every error under application/json; the service sends problem+json."""
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {})
        ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
        if status[0] in "45" and (ref.endswith(("/Problem", *FASTAPI_ERRORS)) or not content):
            response["content"] = {"application/problem+json": PROBLEM}


def headers(operation: Operation, parameters: set[str]) -> None:
    responses = operation.get("responses", {})
    ok = [response for status, response in responses.items() if status.startswith("2")]
    added = {}
    if "idempotency-key" in parameters:
        added["Idempotent-Replayed"] = HEADERS["Idempotent-Replayed"]
    if "if-match" in parameters or operation["operationId"] in TAGGED:
        added["ETag"] = HEADERS["ETag"]
    for response in ok if added else []:
        response.setdefault("headers", {}).update(added)
    for status in ("429", "503"):
        if status in responses:
            responses[status].setdefault("headers", {})["Retry-After"] = RETRY_AFTER
    if operation["operationId"] in CONDITIONAL_READS:
        responses["304"] = {
            "description": "not modified: `If-None-Match` names the current `ETag`",
            "headers": {"ETag": HEADERS["ETag"]},
        }


def requires_if_match(route: Any, operation: Operation) -> None:
    """`If-Match` is optional to FastAPI, so that its absence is a 428, not a 422."""
    if any(getattr(call, "requires_if_match", False) for call in dependencies(route.dependant)):
        for parameter in operation.get("parameters", []):
            if parameter["name"].lower() == "if-match":
                parameter["required"] = True


def requires_actor(route: Any, operation: Operation) -> None:
    """`X-Actor` is optional to FastAPI, so that its absence is a 400 `actor-required`."""
    if actor_of in dependencies(route.dependant):
        for parameter in operation.get("parameters", []):
            if parameter["name"].lower() == "x-actor":
                parameter["required"] = True


def examples(operation: Operation) -> None:
    found = EXAMPLES.get(operation["operationId"])
    if found is None:
        return
    for media in operation["requestBody"]["content"].values():
        media["examples"] = found


def complete(operation: Operation, route: Any) -> None:
    parameters = {parameter["name"].lower() for parameter in operation.get("parameters", [])}
    who_may_call(operation, roles_of(route))
    problem_media(operation)
    headers(operation, parameters)
    requires_if_match(route, operation)
    requires_actor(route, operation)
    examples(operation)
    if "security" in operation:
        operation["security"] = [*operation["security"], {"ClientCredentials": []}]


def document(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    routes = {
        (method.lower(), re.sub(r":\w+}", "}", route.path_format or "")): route
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute) and route.include_in_schema
        for method in route.methods or ()
    }
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            complete(operation, routes[(method, path)])
    components = schema["components"]
    for name in FASTAPI_ERRORS:
        components["schemas"].pop(name, None)
    components.setdefault("securitySchemes", {})["ClientCredentials"] = TOKEN_SCHEME
    return schema


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
