"""Recompute the chain from the stored events and compare it with the stored links, the
checkpoints the sealer signed, and (optionally) a checkpoint a partner kept elsewhere.

Events and the links of the same positions are read side by side in position order, a page at
a time. The first disagreement is the finding: an event without its link (deleted), a link-less
event inside the sealed range (inserted), a link that does not match (edited, swapped,
reordered), a record that no longer decodes, or a head that differs from a signed checkpoint
(links rewritten)."""

from __future__ import annotations

import threading
import time
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import closing
from operator import itemgetter
from typing import Any

from infra.chain_store import ChainStore, Link
from infra.events_table.records import FIRST, StoredEvents
from infra.signing import CheckpointSigner
from services.audit.checkpoints import Checkpoint, utc_text
from services.audit.decodability import Decodability, Decode
from services.audit.errors import VerificationRunning
from services.audit.quick_path import LAST
from services.audit.read_verifier import ReadVerifier
from services.audit.walk import Finding, Targets, Walk


class LinksByRange:
    """Links read a page at a time, handed out by position range."""

    def __init__(self, pages: Iterator[list[Link]]) -> None:
        self.pages = pages
        self.pending: list[Link] = []

    def upto(self, position: int) -> list[Link]:
        """The links not handed out yet at positions up to `position`."""
        while not self.pending or self.pending[-1][0] <= position:
            page = next(self.pages, None)
            if page is None:
                break
            self.pending += page
        cut = bisect_right(self.pending, position, key=itemgetter(0))
        taken, self.pending = self.pending[:cut], self.pending[cut:]
        return taken


class Verifier:
    def __init__(
        self,
        events: StoredEvents,
        chain: ChainStore,
        signer: CheckpointSigner,
        decode: Decode,
        reads: ReadVerifier | None = None,
    ) -> None:
        self.events = events
        self.chain = chain
        self.signer = signer
        self.decode = decode
        self.reads = reads
        self.page_size = 2000
        self.running = threading.Lock()

    def verify(self, checkpoint: Checkpoint | None = None, *, deep: bool = False) -> dict[str, Any]:
        """One at a time: a verification reads the whole store, and a caller asking for many
        at once must not take every worker thread (VerificationRunning: ask again)."""
        if not self.running.acquire(blocking=False):
            raise VerificationRunning("a verification of the store is running: ask again soon")
        try:
            return self.verified(checkpoint, deep=deep)
        finally:
            self.running.release()

    def verified(self, checkpoint: Checkpoint | None, *, deep: bool) -> dict[str, Any]:
        """`deep` decodes every record into its domain event (see `Decodability`)."""
        started = time.perf_counter()
        sealed_head = self.chain.sealed_head()
        walk = Walk(sealed_head, Decodability(self.decode, deep=deep), self.events)
        finding: Finding | None = None
        try:
            walk.expect(self.signed_heads(checkpoint, sealed_head))
            self.walk(walk, FIRST if sealed_head is None else sealed_head)
            if walk.targets:
                raise Finding(walk.last_position + 1, self.truncated(walk, min(walk.targets)))
        except Finding as found:
            finding = found
        report = self.report(walk, checkpoint, finding, time.perf_counter() - started)
        if self.reads is not None:  # the read log: its own chain, same key, one verdict
            report["reads"] = self.reads.verify()
            report["ok"] = report["ok"] and report["reads"]["ok"]
        return report

    def walk(self, walk: Walk, until: int) -> None:
        """Pages of events, each with the links in its range of positions."""
        with (
            closing(self.events.chain_pages(self.page_size)) as pages,
            closing(self.chain.link_pages(until, self.page_size)) as link_pages,
        ):
            links = LinksByRange(link_pages)
            for rows in pages:
                walk.page(rows, links.upto(rows[-1][0]))
            walk.page([], links.upto(LAST))

    def signed_heads(self, external: Checkpoint | None, sealed_head: int | None) -> Targets:
        """The heads signed checkpoints vouch for, by position; a bad signature is a finding."""
        targets: Targets = {}
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

    @staticmethod
    def report(
        walk: Walk, checkpoint: Checkpoint | None, finding: Finding | None, seconds: float
    ) -> dict[str, Any]:
        return {
            "ok": finding is None,
            "events_checked": walk.checked,
            "head": walk.head.hex() if walk.head else None,
            "first_bad_position": finding.position if finding else None,
            "finding": str(finding) if finding else None,
            "sealed_position": walk.sealed_head,
            "unsealed_events": walk.unsealed,
            "checkpoint": None
            if checkpoint is None
            else {"position": checkpoint.position, "verified": walk.external_verified},
            "seconds": round(seconds, 3),
            "events_per_second": round(walk.checked / seconds) if seconds > 0 else None,
        }

    @staticmethod
    def truncated(walk: Walk, position: int) -> str:
        return (
            f"the store ends at position {walk.last_position}, before position {position} "
            "that a signed checkpoint vouches for: events were removed"
        )
