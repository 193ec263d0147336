"""The site policy as a document: what GET answers, what PUT replaces whole, and a JSON merge
patch (RFC 7396) applied to it for PATCH."""

from __future__ import annotations

from typing import Any, Self

import json_merge_patch  # type: ignore[import-untyped]
from fastapi import Header, HTTPException
from fastapi.exceptions import RequestValidationError
from pydantic import Field, ValidationError

from api import translate
from api.schemas import PolicyIn
from domain.values import PolicyTerms
from services.answers import encode
from services.results import PolicyInForce

MERGE_PATCH = "application/merge-patch+json"


class PolicyDocument(PolicyIn):
    version: int = Field(description="the policy's version; also its `ETag`; 0 = the defaults")

    @classmethod
    def of(cls, policy: PolicyInForce) -> Self:
        return cls.model_validate({"version": policy.version, **encode(policy.terms)})


class PolicyWritten(PolicyDocument):
    position: int = Field(description="the global position of the write's last event")

    @classmethod
    def answer(cls, result: PolicyInForce, position: int) -> Self:
        return cls.model_validate(
            {"version": result.version, **encode(result.terms), "position": position}
        )


def merged(terms: PolicyTerms, patch: Any) -> PolicyTerms:
    """The terms with the patch applied; the result must still be a whole, valid document."""
    document = PolicyIn.model_validate(encode(terms)).model_dump(mode="json")
    try:
        return translate.policy_terms(
            PolicyIn.model_validate(json_merge_patch.merge(document, patch))
        )
    except ValidationError as exc:
        raise RequestValidationError(
            [error | {"loc": ("body", *error["loc"])} for error in exc.errors()]
        ) from None


async def merge_patch_body(
    content_type: str | None = Header(None, include_in_schema=False),
) -> None:
    """RFC 5789: a patch in a format the resource does not take is a 415."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type != MERGE_PATCH:
        raise HTTPException(
            415, f"send the patch as {MERGE_PATCH} (RFC 7396)", {"Accept-Patch": MERGE_PATCH}
        )
