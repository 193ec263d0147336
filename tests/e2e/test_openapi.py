"""The OpenAPI document is complete and true: every 2xx typed, problem+json on every error,
short stable operation ids, who may call each operation matching the security table, every
problem type resolvable, and every example request accepted by its own schema."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS31Validator

from api.problems import DOMAIN_PROBLEMS, HTTP_SLUGS
from services.container import Container
from tests.e2e.security_table import PUBLIC, allowed_roles

pytestmark = pytest.mark.e2e

TOKEN_ERROR = {"schema": {"$ref": "#/components/schemas/TokenError"}}
OPERATION_IDS = frozenset(
    {
        "amendPolicy", "assignCaseManager", "authentication", "checkpoint", "completeIntake",
        "decideOnLegalMatter", "discharge", "disclosures", "evaluation", "extendIntakeDeadline",
        "findParticipants", "getCapacity", "getParticipant", "getPolicy", "getProblemType",
        "goldenRuleFlags", "grantNonReturnException", "healthz", "liaisonProsecutorQueue",
        "listProblemTypes", "metrics", "openLegalMatter", "participantHistory", "publicKey",
        "readmit", "readyz", "recordAdverseAction", "recordContact", "refer",
        "registerCaseManager", "replacePolicy", "reportNonReturnViolation", "reviewFlag",
        "revokeRoi", "shareInformation", "signRoi", "token", "verify", "verifyAgainst",
        "createSubscription", "listSubscriptions", "getSubscription", "deleteSubscription",
        "rotateSubscriptionSecret", "listDeliveries", "listNotifications",
        "forgetParticipant", "forgettingReceipts", "dueForRetentionReview",
        "possibleDuplicates", "linkDuplicate", "dismissDuplicate", "unlink",
    }
)  # fmt: skip
OPERATION_IDS |= {  # issue 16: what the toolkit asks for
    "requestReport", "answerReportRequest", "getReportRequests", "getShares",
    "getAdverseActions", "getLegalMatter", "listCaseManagers", "retireCaseManager",
    "reactivateCaseManager", "findNonReturnRequests", "recordWarmHandoff", "recordMissedDiversion",
}  # fmt: skip
PROBLEM = {"schema": {"$ref": "#/components/schemas/Problem"}}


@pytest.fixture
async def spec(http: httpx.AsyncClient, container: Container) -> dict[str, Any]:
    if container.settings.is_postgres:
        pytest.skip("the document does not depend on the store")
    document: dict[str, Any] = (await http.get("/openapi.json")).json()
    return document


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def typed(schema: dict[str, Any]) -> bool:
    if "$ref" in schema or schema.get("type") == "string":
        return True
    if schema.get("type") == "array":
        return typed(schema.get("items", {}))
    return schema.get("type") == "object" and bool(schema.get("properties"))


def untyped_answers(spec: dict[str, Any]) -> set[str]:
    return {
        operation["operationId"]
        for _, _, operation in operations(spec)
        for status, response in operation["responses"].items()
        if status.startswith("2")
        for media in response.get("content", {}).values()
        if not typed(media.get("schema", {}))
    }


async def test_every_answer_is_typed(spec: dict[str, Any]) -> None:
    assert untyped_answers(spec) == set()


async def test_operation_ids_are_short_and_stable(spec: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(spec)]
    assert len(ids) == len(set(ids)) == len(OPERATION_IDS)
    assert set(ids) == OPERATION_IDS


async def test_every_error_is_problem_json(spec: dict[str, Any]) -> None:
    errors = [
        (operation["operationId"], status, response.get("content"))
        for _, _, operation in operations(spec)
        for status, response in operation["responses"].items()
        if status[0] in "45" and (operation["operationId"], status) != ("readyz", "503")
    ]
    assert len(errors) > 8 * len(OPERATION_IDS) - 100
    # The token endpoint answers its own errors as RFC 6749 §5.2 JSON, by the book.
    oauth = {("token", status) for status in ("400", "401", "429")}
    assert [e for e in errors if e[:2] in oauth] == [
        (*route, {"application/json": TOKEN_ERROR}) for route in sorted(oauth)
    ]
    others = [e for e in errors if e[:2] not in oauth]
    assert [e for e in others if e[2] != {"application/problem+json": PROBLEM}] == []
    assert "HTTPValidationError" not in spec["components"]["schemas"]


async def test_who_may_call_is_the_security_table(spec: dict[str, Any]) -> None:
    """The roles the document states come from the role checks; the table was written from
    the contract: they must agree, operation by operation."""
    checked = 0
    for method, path, operation in operations(spec):
        expected = [] if (method, path) in PUBLIC else sorted(allowed_roles(method, path))
        assert operation["x-roles"] == expected, (method, path)
        assert "**Who may call:**" in operation["description"]
        checked += 1
    assert checked == len(OPERATION_IDS)


async def test_headers_are_documented(spec: dict[str, Any]) -> None:
    writes = [op for method, _, op in operations(spec) if method in {"POST", "PUT", "PATCH"}]
    idempotent = [op for op in writes if "idempotency-key" in names(op)]
    assert len(idempotent) >= 19
    for operation in idempotent:
        assert "Idempotent-Replayed" in ok_headers(operation), operation["operationId"]
    tagged = {op["operationId"] for _, _, op in operations(spec) if "ETag" in ok_headers(op)}
    assert {"getParticipant", "getPolicy", "replacePolicy", "amendPolicy", "signRoi"} <= tagged
    for _, _, operation in operations(spec):
        for status in ("429", "503"):
            if status in operation["responses"]:
                assert "Retry-After" in operation["responses"][status]["headers"]


def names(operation: dict[str, Any]) -> set[str]:
    return {parameter["name"].lower() for parameter in operation.get("parameters", [])}


def ok_headers(operation: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            found |= response.get("headers", {})
    return found


async def test_every_problem_type_is_listed_and_resolvable(
    http: httpx.AsyncClient, spec: dict[str, Any]
) -> None:
    listed = {known["slug"]: known for known in (await http.get("/problems")).json()}
    slugs = {slug for _, _, slug, _ in DOMAIN_PROBLEMS} | set(HTTP_SLUGS.values())
    slugs |= {"validation-error", "malformed-json", "store-unavailable"}
    assert slugs <= listed.keys()
    for slug in slugs:
        described = (await http.get(f"/problems/{slug}")).json()
        assert described == listed[slug]
        assert described["type"].endswith(f"/problems/{slug}")
        assert len(described["description"]) > 20, slug
    assert len(slugs) >= 30
    unknown = await http.get("/problems/no-such-rule")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert listed["charge-not-divertible"]["description"].startswith("When an arrest diversion")


async def test_each_door_and_command_has_an_example_its_schema_accepts(
    spec: dict[str, Any],
) -> None:
    checked = 0
    for method, path, operation in operations(spec):
        for media in operation.get("requestBody", {}).get("content", {}).values():
            examples = media.get("examples", {})
            assert examples or (method == "POST" and path == "/v1/auth/token"), path
            validator = OAS31Validator(media["schema"] | {"components": spec["components"]})
            for example in examples.values():
                validator.validate(example["value"])
                checked += 1
    doors = spec["paths"]["/v1/referrals"]["post"]["requestBody"]["content"]["application/json"]
    assert set(doors["examples"]) == {
        "arrest_diversion", "social_contact", "community", "prosecutor", "court"
    }  # fmt: skip
    assert checked >= 24


async def test_docs_are_served_from_the_service_itself(http: httpx.AsyncClient) -> None:
    """No CDN: the pages name only assets the service serves, and it serves them."""
    for page in ("/docs", "/redoc"):
        html = (await http.get(page)).text
        assert "https://" not in html.replace("https://fastapi.tiangolo.com", ""), page
        assets = [part.split('"')[0] for part in html.split('"/static-offline-docs/')[1:]]
        assert assets, page
        for asset in assets:
            served = await http.get(f"/static-offline-docs/{asset}")
            assert served.status_code == 200, asset
            assert len(served.content) > 100, asset
