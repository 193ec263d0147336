"""Run one write: decide, save atomically with its idempotency record, retry on conflict."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.base import Stamp
from domain.errors import DomainError, ParticipantForgotten
from infra.clock import Clock
from infra.eventstore import LeadStore, NotAtOnce
from services.answers import decode, encode
from services.context import Outcome, RequestContext
from services.idempotency import DONE, REFUSED, IdempotencyRecord, idempotency_record_id

# Its own generator: a retry in one thread must not move the interpreter's shared one, which
# other code (hypothesis, while it draws examples in the tests) expects no one else to draw from.
JITTER = random.Random()  # noqa: S311 (spreading retries, not a secret)

R = TypeVar("R")


class StoreBusy(DomainError):
    """Raised when a write kept conflicting with concurrent writes past the retry budget."""


@dataclass
class Decision(Generic[R]):
    """What a use case decided: the aggregates to save and its typed result. `refused`: the
    rules turned the request down, and the attempt is saved all the same."""

    aggregates: Sequence[Aggregate]
    result: R
    refused: bool = False
    # What it was decided on, when not read from the store: stream id → version (0: absent).
    # Only the path that saves on the event loop takes a decision made from memory.
    read: Mapping[UUID, int] = field(default_factory=dict)


Decide = Callable[[Stamp], Decision[R]]
# Policies that react to the events about to be saved, returning more aggregates to save in
# the same transaction (see services/legal_coordination/reactions.py).
Reactions = Callable[[Sequence[Aggregate], Stamp], Sequence[Aggregate]]
# Told of every idempotent replay, so the replaying actor is accounted for: the first
# request's events name the first actor only (services/audit/replays.py).
OnReplay = Callable[[RequestContext, Outcome[Any]], None]


class UnitOfWork:
    def __init__(
        self,
        store: LeadStore,
        clock: Clock,
        max_attempts: int = 12,
        reactions: Reactions | None = None,
        on_replay: OnReplay | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.max_attempts = max_attempts
        self.reactions = reactions
        self.on_replay = on_replay

    def run(self, ctx: RequestContext, decide: Decide[R], answer_type: Any) -> Outcome[R]:
        """Conflicts are retried from a fresh load, so the rules (and If-Match) are checked
        again on the state that won; only a rule that really fails reaches the caller.

        A key is not looked up before the first try: its record is saved with the events, so
        a replay fails that save (or a rule, on the state the first request left) and only
        then is the first answer read and given back. Most requests are not replays.

        `answer_type` is the type (or union) of the results `decide` returns: a replay decodes
        the kept answer into it."""
        for attempt in range(self.max_attempts):
            try:
                return self.attempt(ctx, decide)
            except IntegrityError:
                pass
            except DomainError:
                if (replay := self.replay(ctx, answer_type)) is not None:
                    return replay
                raise
            if (replay := self.replay(ctx, answer_type)) is not None:
                return replay
            time.sleep(JITTER.uniform(0, 0.004 * (attempt + 1)))
        raise StoreBusy("too many concurrent changes to the same record; try again")

    def attempt(self, ctx: RequestContext, decide: Decide[R]) -> Outcome[R]:
        stamp = Stamp(ctx.meta, self.clock.now())
        decision = decide(stamp)
        recordings = self.store.save(*self.saved_with(ctx, decision, stamp))
        return Outcome(decision.result, self.store.position_after(recordings))

    @property
    def saves_at_once(self) -> bool:
        """Whether `run_at_once` can save on the event loop (PostgreSQL)."""
        return self.store.appender is not None

    async def run_at_once(self, ctx: RequestContext, decide: Decide[R]) -> Outcome[R] | None:
        """One try on the event loop, for a decision made from memory (`Decision.read`): its
        events, reactions and idempotency record appended in one transaction that also checks
        that every stream it was decided on is still at the version read. None when that try
        is not the answer — a conflict (a stale copy, a claim written since, a replayed key),
        a rule that refused on what may be a stale copy, a batch that failed: the caller then
        runs `run`, which decides again from a fresh load and replays a kept answer."""
        stamp = Stamp(ctx.meta, self.clock.now())
        try:
            decision = decide(stamp)
            objects = self.saved_with(ctx, decision, stamp)
            position = await self.store.save_at_once(objects, decision.read)
        except (DomainError, IntegrityError, NotAtOnce):
            return None
        return Outcome(decision.result, position)

    def saved_with(self, ctx: RequestContext, decision: Decision[R], stamp: Stamp) -> list[Any]:
        """The decision's aggregates, with what the reactions add and the idempotency record."""
        key = ctx.meta.idempotency_key
        objects = list(decision.aggregates)
        if self.reactions is not None:
            objects += self.reactions(objects, stamp)
        if key:
            kind = REFUSED if decision.refused else DONE
            answer = encode(decision.result)
            record = IdempotencyRecord.accept(
                ctx.meta.client_id, key, ctx.fingerprint, kind, answer, stamp
            )
            objects.append(record)
        return objects

    def replay(self, ctx: RequestContext, answer_type: Any) -> Outcome[Any] | None:
        """The first answer to this request's key, if one was saved."""
        key = ctx.meta.idempotency_key
        if key is None:
            return None
        record_id = idempotency_record_id(ctx.meta.client_id, key)
        try:
            record: object = self.store.repository.get(record_id)
        except AggregateNotFoundError:
            return None
        assert isinstance(record, IdempotencyRecord)
        record.check_same_request(ctx.fingerprint)
        if record.answer is None:  # sealed with the key of a person since forgotten
            raise ParticipantForgotten("the first answer was about a participant since forgotten")
        position = self.store.table.position_of(record_id)
        outcome = Outcome(decode(record.answer, answer_type), position, replayed=True)
        if self.on_replay is not None:
            self.on_replay(ctx, outcome)
        return outcome
