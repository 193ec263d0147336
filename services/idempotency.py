"""An accepted request, keyed by client and Idempotency-Key. Saved in the same transaction as
the events it produced, so a crash can never leave one without the other.

It keeps the use case's answer encoded as JSON and its kind (`done`, or `refused`: an attempt
the rules turned down but that is recorded all the same, such as a share no ROI covers). How
an answer reads over HTTP is the API's business: no status code is stored.

The record lived in `domain.idempotency` and stored `status` and `body` until December 2026:
its old topics are registered here, and `upcast_v1_v2` reads the old fields."""

from __future__ import annotations

from typing import Any, Literal
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.utils import register_topic

from domain.base import LeadAggregate, Stamp
from domain.errors import IdempotencyKeyReused

Kind = Literal["done", "refused"]
DONE: Kind = "done"
REFUSED: Kind = "refused"
OLD_MODULE = "domain.idempotency"
FORBIDDEN = 403  # the only status the old records stored for a refused attempt


def idempotency_record_id(client_id: str, key: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"lead:idempotency:{client_id}\x1f{key}")


class IdempotencyRecord(LeadAggregate):
    class Accepted(LeadAggregate.Created):
        class_version = 2
        fingerprint: str
        kind: Kind
        answer: Any

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """v1 stored the HTTP status and the body; a 403 was a recorded refusal."""
            status, body = state.pop("status"), state.pop("body")
            state["kind"] = REFUSED if status == FORBIDDEN else DONE
            state["answer"] = old_answer(body)

    def __init__(self, fingerprint: str, kind: Kind, answer: Any) -> None:
        self.fingerprint = fingerprint
        self.kind = kind
        self.answer = answer

    @classmethod
    def accept(
        cls,
        client_id: str,
        key: str,
        fingerprint: str,
        kind: Kind,
        answer: Any,
        stamp: Stamp,
    ) -> IdempotencyRecord:
        return cls._create(
            cls.Accepted,
            id=idempotency_record_id(client_id, key),
            fingerprint=fingerprint,
            kind=kind,
            answer=answer,
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


def old_answer(body: dict[str, Any]) -> dict[str, Any]:
    """v1 flattened the policy's terms beside its version; the answer nests them."""
    if "divertible_charges" not in body:
        return body
    terms = dict(body)
    return {"version": terms.pop("version"), "terms": terms}


register_topic(f"{OLD_MODULE}:IdempotencyRecord", IdempotencyRecord)
register_topic(f"{OLD_MODULE}:IdempotencyRecord.Accepted", IdempotencyRecord.Accepted)
