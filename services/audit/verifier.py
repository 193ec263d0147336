"""Recompute the chain from the stored events and compare it with the stored links, the
checkpoints the sealer signed, and (optionally) a checkpoint a partner kept elsewhere.

Events and links are streamed side by side in position order, a batch at a time. The first
disagreement is the finding: an event without its link (deleted), a link-less event inside the
sealed range (inserted), a link that does not match (edited, swapped, reordered), a record
that no longer decodes, or a head that differs from a signed checkpoint (links rewritten)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from infra.chain_store import ChainStore, Link
from infra.signing import CheckpointSigner
from infra.stored_events import FIRST, RawEvent, StoredEvents
from services.audit.chain import GENESIS, link
from services.audit.checkpoints import Checkpoint, utc_text

Decode = Callable[[RawEvent], object]
Step = tuple[int, RawEvent | None, bytes | None]


class Finding(Exception):
    """Raised inside a walk at the first record that is not as sealed."""

    def __init__(self, position: int | None, text: str) -> None:
        super().__init__(text)
        self.position = position


@dataclass
class Walk:
    previous: bytes = GENESIS
    checked: int = 0
    unsealed: int = 0
    last_position: int = 0
    head: bytes | None = None
    external_verified: bool = False
    next_target: int | None = None  # the next position a signed checkpoint vouches for


def merged(events: Iterator[RawEvent], links: Iterator[Link]) -> Iterator[Step]:
    event, stored = next(events, None), next(links, None)
    while event is not None or stored is not None:
        if stored is None or (event is not None and event.position < stored[0]):
            assert event is not None
            yield event.position, event, None
            event = next(events, None)
        elif event is None or stored[0] < event.position:
            yield stored[0], None, stored[1]
            stored = next(links, None)
        else:
            yield event.position, event, stored[1]
            event, stored = next(events, None), next(links, None)


class Verifier:
    def __init__(
        self, events: StoredEvents, chain: ChainStore, signer: CheckpointSigner, decode: Decode
    ) -> None:
        self.events = events
        self.chain = chain
        self.signer = signer
        self.decode = decode

    def verify(self, checkpoint: Checkpoint | None = None) -> dict[str, Any]:
        started = time.perf_counter()
        walk = Walk()
        sealed_head = self.chain.sealed_head()
        finding: Finding | None = None
        try:
            targets = self.signed_heads(checkpoint, sealed_head)
            walk.next_target = min(targets, default=None)
            links = self.chain.stream(until=FIRST if sealed_head is None else sealed_head)
            for step in merged(self.events.stream(), links):
                self.step(walk, step, sealed_head, targets)
            if targets:
                raise Finding(walk.last_position + 1, self.truncated(walk, min(targets)))
        except Finding as found:
            finding = found
        seconds = time.perf_counter() - started
        return {
            "ok": finding is None,
            "events_checked": walk.checked,
            "head": walk.head.hex() if walk.head else None,
            "first_bad_position": finding.position if finding else None,
            "finding": str(finding) if finding else None,
            "sealed_position": sealed_head,
            "unsealed_events": walk.unsealed,
            "checkpoint": None
            if checkpoint is None
            else {"position": checkpoint.position, "verified": walk.external_verified},
            "seconds": round(seconds, 3),
            "events_per_second": round(walk.checked / seconds) if seconds > 0 else None,
        }

    def signed_heads(
        self, external: Checkpoint | None, sealed_head: int | None
    ) -> dict[int, list[tuple[bytes, str]]]:
        """The heads signed checkpoints vouch for, by position; a bad signature is a finding."""
        targets: dict[int, list[tuple[bytes, str]]] = {}
        if external is not None:
            if not external.signed_by(self.signer):
                text = f"the checkpoint for position {external.position} is not signed by this key"
                raise Finding(None, text)
            targets.setdefault(external.position, []).append((external.head, "external"))
        for position, head, signed_at, key_id, signature in self.chain.checkpoints(sealed_head):
            stored = Checkpoint(position, head, utc_text(signed_at), signature, key_id)
            if not stored.signed_by(self.signer):
                raise Finding(position, f"the stored checkpoint at {position} was rewritten")
            targets.setdefault(position, []).append((head, "stored"))
        return targets

    def step(
        self,
        walk: Walk,
        step: Step,
        sealed_head: int | None,
        targets: dict[int, list[tuple[bytes, str]]],
    ) -> None:
        position, event, stored = step
        if walk.next_target is not None and walk.next_target < position:
            missing = walk.next_target
            text = f"no event at position {missing}, which a signed checkpoint vouches for"
            raise Finding(missing, text)
        if event is None:
            raise Finding(position, f"the sealed event at position {position} is missing")
        computed = link(walk.previous, event)
        decodes = self.decodes(event)
        if stored is None:
            if sealed_head is not None and position < sealed_head:
                raise Finding(
                    position,
                    f"the event at position {position} was never sealed: "
                    "it was inserted behind the service's back",
                )
            walk.unsealed += 1
        elif computed != stored:
            state = "" if decodes else ", and no longer decodes"
            raise Finding(
                position,
                f"the event at position {position} does not match its "
                f"seal: edited, swapped or moved{state}",
            )
        elif not decodes:
            raise Finding(position, f"the event at position {position} does not decode")
        else:
            walk.checked += 1
            walk.head = computed
        walk.previous, walk.last_position = computed, position
        if position == walk.next_target:
            self.check_signed(walk, targets.pop(position), computed, position)
            walk.next_target = min(targets, default=None)

    @staticmethod
    def check_signed(
        walk: Walk, heads: list[tuple[bytes, str]], computed: bytes, position: int
    ) -> None:
        for head, source in heads:
            if head != computed:
                raise Finding(
                    position,
                    f"the chain up to position {position} does not match "
                    f"the {source} signed checkpoint: stored links were rewritten",
                )
            if source == "external":
                walk.external_verified = True

    def decodes(self, event: RawEvent) -> bool:
        try:
            self.decode(event)
        except Exception:  # noqa: BLE001 (whatever a mangled record raises is the finding)
            return False
        return True

    @staticmethod
    def truncated(walk: Walk, position: int) -> str:
        return (
            f"the store ends at position {walk.last_position}, before position {position} "
            "that a signed checkpoint vouches for: events were removed"
        )
