"""An accepted request, keyed by client and Idempotency-Key. Saved in the same transaction as
the events it produced, so a crash can never leave one without the other."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.base import LeadAggregate, Stamp
from domain.errors import IdempotencyKeyReused


def idempotency_record_id(client_id: str, key: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"lead:idempotency:{client_id}\x1f{key}")


class IdempotencyRecord(LeadAggregate):
    class Accepted(LeadAggregate.Created):
        fingerprint: str
        status: int
        body: dict[str, Any]

    def __init__(self, fingerprint: str, status: int, body: dict[str, Any]) -> None:
        self.fingerprint = fingerprint
        self.status = status
        self.body = body

    @classmethod
    def accept(
        cls,
        client_id: str,
        key: str,
        fingerprint: str,
        status: int,
        body: dict[str, Any],
        stamp: Stamp,
    ) -> IdempotencyRecord:
        return cls._create(
            cls.Accepted,
            id=idempotency_record_id(client_id, key),
            fingerprint=fingerprint,
            status=status,
            body=body,
            meta=stamp.meta,
            occurred_at=stamp.recorded_at,
            timestamp=stamp.recorded_at,
        )

    def check_same_request(self, fingerprint: str) -> None:
        if fingerprint != self.fingerprint:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was already used for a different request",
                field="Idempotency-Key",
            )
