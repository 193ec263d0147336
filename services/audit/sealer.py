"""The sealer follows the store like a projection: it reads the records after the last
sealed position, chains them, and stores the links with a checkpoint signed over the last
one, in one transaction. It resumes from its last link after a crash; two sealers racing on
the same positions conflict on the links' primary key and the loser retries next tick."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from domain.errors import NotFound
from infra.chain_store import ChainStore
from infra.clock import Clock
from infra.events_table.records import FIRST, StoredEvents
from infra.signing import CheckpointSigner
from services.audit.chain import GENESIS, link
from services.audit.checkpoints import Checkpoint

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Head:
    position: int
    link: bytes


class Sealer:
    def __init__(
        self,
        events: StoredEvents,
        chain: ChainStore,
        signer: CheckpointSigner,
        clock: Clock,
        batch_size: int = 1000,
    ) -> None:
        self.events = events
        self.chain = chain
        self.signer = signer
        self.clock = clock
        self.batch_size = batch_size

    def run_batch(self) -> int:
        """Seal the next batch; the number of records sealed (0 when caught up or raced)."""
        last = self.chain.last()
        position, previous = last if last else (FIRST, GENESIS)
        records = self.events.after(position, self.batch_size)
        if not records:
            return 0
        links = []
        for record in records:
            previous = link(previous, record)
            links.append((record.position, previous))
        now = self.clock.now()
        checkpoint = Checkpoint.sign(self.signer, records[-1].position, previous, now)
        stored = (checkpoint.position, previous, now, checkpoint.key_id, checkpoint.signature)
        if not self.chain.append(links, stored):
            log.info("sealer_raced", after=position)
            return 0
        return len(records)

    def run_until_caught_up(self) -> int:
        sealed = 0
        while (count := self.run_batch()) > 0:
            sealed += count
        return sealed

    def head(self) -> Head | None:
        last = self.chain.last()
        return None if last is None else Head(*last)

    def sign_head(self) -> Checkpoint:
        """A checkpoint over what is sealed now, to keep outside the database."""
        head = self.head()
        if head is None:
            raise NotFound("nothing is sealed yet")
        return Checkpoint.sign(self.signer, head.position, head.link, self.clock.now())

    def checkpoint(self) -> Checkpoint:
        """Seal what is there, then sign the head."""
        self.run_until_caught_up()
        return self.sign_head()
