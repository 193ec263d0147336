"""Who may call what: the table the security tests hold the app to, written from the REST
contract (shared/API.md), not from the code. Deny by default: a route the app serves that is
not declared here fails tests/e2e/test_security_matrix.py, so a new endpoint must be added
with its roles before it ships."""

from __future__ import annotations

from collections.abc import Iterator

import fastapi.routing
from fastapi import FastAPI

from domain.roles import ROLES

EVERYONE = frozenset(ROLES)
CASE = frozenset({"case_manager"})
AUDITOR = frozenset({"auditor"})
JUSTICE = frozenset({"police", "prosecutor", "court", "probation"})  # API.md v1.1

# No authentication at all: operations, the public key, the token exchange and the docs.
PUBLIC = frozenset(
    {
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/metrics"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/docs/oauth2-redirect"),
        ("GET", "/redoc"),
        ("GET", "/v1/audit/public-key"),
        ("POST", "/v1/auth/token"),
        ("GET", "/problems"),
        ("GET", "/problems/{slug}"),
    }
)

P = "/v1/participants/{participant_id}"
ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/v1/policy"): EVERYONE,
    ("PUT", "/v1/policy"): frozenset({"project_manager"}),
    ("PATCH", "/v1/policy"): frozenset({"project_manager"}),
    ("POST", "/v1/case-managers"): frozenset({"project_manager", "supervisor"}),
    ("GET", "/v1/case-managers"): EVERYONE - {"community_partner"},
    ("POST", "/v1/case-managers/{case_manager_id}/retire"): frozenset(
        {"project_manager", "supervisor"}
    ),
    ("POST", "/v1/case-managers/{case_manager_id}/reactivate"): frozenset(
        {"project_manager", "supervisor"}
    ),
    ("GET", "/v1/capacity"): EVERYONE - {"community_partner"},
    ("POST", "/v1/referrals"): frozenset(
        {"police", "community_partner", "prosecutor", "court", "case_manager"}
    ),
    # The list (case management, project managers, prosecutors) and the identifier look-up
    # (police, case management, prosecutors) share the path.
    ("GET", "/v1/participants"): frozenset(
        {"police", "case_manager", "supervisor", "project_manager", "prosecutor"}
    ),
    ("GET", P): EVERYONE,
    ("GET", "/v1/non-return-requests"): frozenset({"police"}),
    ("GET", f"{P}/history"): frozenset({"auditor", "project_manager", "defense"}),
    ("POST", f"{P}/intake"): CASE,
    ("POST", f"{P}/roi"): CASE,
    ("POST", f"{P}/roi/revoke"): CASE,
    ("POST", f"{P}/contacts"): CASE,
    ("POST", f"{P}/readmit"): CASE,
    ("POST", f"{P}/intake-deadline/extend"): frozenset({"police"}),
    ("POST", f"{P}/case-manager"): frozenset({"supervisor", "project_manager"}),
    ("POST", f"{P}/non-return/exception"): frozenset({"case_manager", "police"}),
    ("POST", f"{P}/non-return/violation"): frozenset({"police"}),
    ("POST", f"{P}/warm-handoff"): frozenset({"case_manager", "police"}),
    ("POST", f"{P}/discharge"): frozenset({"case_manager", "supervisor"}),
    ("POST", f"{P}/legal-matters"): frozenset({"prosecutor", "case_manager"}),
    ("POST", f"{P}/information-shares"): CASE,
    ("POST", f"{P}/adverse-actions"): JUSTICE,
    ("POST", f"{P}/report-requests"): JUSTICE,
    ("POST", f"{P}/report-requests/{{request_id}}/answer"): CASE,
    ("GET", f"{P}/shares"): EVERYONE,
    ("GET", f"{P}/adverse-actions"): EVERYONE,
    ("GET", f"{P}/report-requests"): EVERYONE,
    ("GET", "/v1/legal-matters/{matter_id}"): EVERYONE,
    ("POST", "/v1/legal-matters/{matter_id}/decisions"): frozenset({"prosecutor"}),
    ("POST", "/v1/missed-diversions"): frozenset({"defense", "project_manager"}),
    ("GET", "/v1/queues/liaison-prosecutor"): frozenset({"prosecutor"}),
    ("GET", "/v1/compliance/golden-rule"): frozenset({"defense", "project_manager", "auditor"}),
    # Beyond the contract: reviewing a golden-rule flag is a write by those who act on flags.
    ("POST", "/v1/compliance/golden-rule/{flag_id}/review"): frozenset(
        {"project_manager", "defense"}
    ),
    ("GET", "/v1/metrics/evaluation"): frozenset({"project_manager", "auditor"}),
    ("GET", "/v1/possible-duplicates"): frozenset(
        {"case_manager", "supervisor", "project_manager"}
    ),
    ("POST", "/v1/possible-duplicates/{candidate_id}/link"): frozenset(
        {"case_manager", "supervisor"}
    ),
    ("POST", "/v1/possible-duplicates/{candidate_id}/dismiss"): frozenset(
        {"case_manager", "supervisor"}
    ),
    ("POST", f"{P}/unlink"): frozenset({"case_manager", "supervisor"}),
    ("GET", "/v1/audit/verify"): AUDITOR,
    ("POST", "/v1/audit/verify"): AUDITOR,
    ("GET", "/v1/audit/checkpoint"): AUDITOR,
    ("GET", "/v1/audit/disclosures"): AUDITOR,
    ("GET", "/v1/audit/authentication"): AUDITOR,
    # Notifications: any role, for its own agency's subscriptions and feed.
    ("POST", "/v1/subscriptions"): EVERYONE,
    ("GET", "/v1/subscriptions"): EVERYONE,
    ("GET", "/v1/subscriptions/{subscription_id}"): EVERYONE,
    ("DELETE", "/v1/subscriptions/{subscription_id}"): EVERYONE,
    ("POST", "/v1/subscriptions/{subscription_id}/rotate-secret"): EVERYONE,
    ("GET", "/v1/subscriptions/{subscription_id}/deliveries"): EVERYONE,
    ("GET", "/v1/notifications"): EVERYONE,
    # Forgetting (issue 18): the project manager asks (an auditor approves, named in the body).
    ("POST", f"{P}/forget"): frozenset({"project_manager"}),
    ("GET", "/v1/audit/forgotten"): AUDITOR,
    ("GET", "/v1/retention/due"): frozenset({"project_manager"}),
}

IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})


def served_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path template) of every route the app serves, hidden ones included."""
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    routes = iterate(app.routes) if iterate is not None else app.routes
    for route in routes:
        path = getattr(route, "path", None)
        for method in sorted(getattr(route, "methods", None) or ()):
            if path is not None and method not in IGNORED_METHODS:
                yield method, path


class AnyId(dict[str, str]):
    """Path parameters: the ids given, and a well-formed unknown id for any other."""

    def __missing__(self, key: str) -> str:
        return "00000000-0000-4000-8000-000000000001"


def url_of(path: str, **ids: str) -> str:
    return path.format_map(AnyId(ids))


def allowed_roles(method: str, path: str) -> frozenset[str]:
    return ALLOWED.get((method, path), frozenset())
