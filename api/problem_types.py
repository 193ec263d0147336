"""Every problem type the service answers with, and the rule behind each: a domain error's is
its "Raised when…" docstring (domain/errors.py, mapped in api/problems.py); the HTTP ones are
described here. `GET /problems/{slug}` serves them."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from api.problems import DOMAIN_PROBLEMS, HTTP_SLUGS, PROBLEM_BASE, title_of

HTTP_RULES = {
    "bad-request": (400, "A header, a parameter or the body could not be read."),
    "malformed-json": (400, "The request body is not well-formed JSON."),
    "validation-error": (
        422,
        "The request does not match the schema (a missing or unknown field, a wrong type, a "
        "value out of range): `errors` names each field, the first 50 of them.",
    ),
    "body-too-complex": (
        422,
        "The JSON body has more members (object keys and array items, at any depth) than any "
        "document the service takes; it is refused before it is validated.",
    ),
    "unauthorized": (
        401,
        "No bearer token, or one that is expired, forged, not for this service, of a disabled "
        "client or of a client secret rotated since: get one from `POST /v1/auth/token`.",
    ),
    "forbidden": (403, "The caller's role, agency or a participant's consent forbids this."),
    "not-found": (404, "The id is unknown, or the caller may not know of it."),
    "method-not-allowed": (405, "The path does not take this method: `Allow` lists those it does."),
    "not-acceptable": (406, "The service cannot answer in a media type `Accept` allows."),
    "payload-too-large": (413, "The request body is larger than the service accepts."),
    "unsupported-media-type": (
        415,
        "The body is not in the media type the operation takes (`PATCH /v1/policy`: "
        "`application/merge-patch+json`, named in `Accept-Patch`).",
    ),
    "precondition-required": (
        428,
        "The operation changes a shared document and requires `If-Match` with the `ETag` the "
        "caller last read.",
    ),
    "rate-limited": (429, "Too many requests: retry after `Retry-After` seconds."),
    "unavailable": (503, "The service cannot answer right now: retry after `Retry-After`."),
    "store-unavailable": (
        503,
        "The database is not reachable right now: retry after `Retry-After` seconds.",
    ),
    "record-unreadable": (
        500,
        "An event of the record asked for cannot be read: it was altered or damaged in the "
        "store, and `GET /v1/audit/verify` reports where. A look-up over many records (the "
        "non-return requests at a place, the notification feed) leaves it out and answers "
        "for the others.",
    ),
    "internal-error": (
        500,
        "The service failed to answer for a reason it does not disclose; the operators have "
        "the log of the request, by its `X-Request-Id`.",
    ),
}


@dataclass(frozen=True)
class ProblemType:
    slug: str
    type: str
    title: str
    status: int
    description: str


def rule_of(docstring: str | None) -> str:
    """ "Raised when X." reads, for a partner, "When X." """
    text = " ".join((docstring or "").split())
    return "When " + text.removeprefix("Raised when ") if text.startswith("Raised when") else text


@functools.cache
def catalogue() -> dict[str, ProblemType]:
    """Each slug once: a domain error's rule first (several classes may share a slug)."""
    found: dict[str, ProblemType] = {}
    for cls, status, slug, title in DOMAIN_PROBLEMS:
        if slug not in found:
            found[slug] = ProblemType(
                slug, PROBLEM_BASE + slug, title, status, rule_of(cls.__doc__)
            )
    for slug, (status, rule) in HTTP_RULES.items():
        found.setdefault(slug, ProblemType(slug, PROBLEM_BASE + slug, title_of(slug), status, rule))
    missing = set(HTTP_SLUGS.values()) - found.keys()
    if missing:
        msg = f"problem types without a description: {sorted(missing)}"
        raise LookupError(msg)
    return found
