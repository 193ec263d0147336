"""One verify's walk along the chain, a page of events and the links of the same positions at
a time. Runs of clean records take the quick path; every other record takes the careful step,
whose first disagreement is the finding."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from infra.chain_store import Link
from infra.events_table.records import RawEvent, Row, StoredEvents
from services.audit.chain import GENESIS, link
from services.audit.decodability import Decodability
from services.audit.quick_path import LAST, QuickPath

Targets = dict[int, list[tuple[bytes, str]]]  # heads signed checkpoints vouch for, by position
Step = tuple[int, RawEvent | None, bytes | None]


class Finding(Exception):
    """Raised inside a walk at the first record that is not as sealed."""

    def __init__(self, position: int | None, text: str) -> None:
        super().__init__(text)
        self.position = position


def merged(events: Iterator[RawEvent], links: Iterator[Link]) -> Iterator[Step]:
    """Positions in order, each with its event (or None) and its stored link (or None)."""
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


@dataclass
class Walk:
    sealed_head: int | None
    decodes: Decodability
    events: StoredEvents  # what its pages' rows hold
    targets: Targets = field(default_factory=dict)
    previous: bytes = GENESIS
    checked: int = 0
    unsealed: int = 0
    last_position: int = 0
    head: bytes | None = None
    external_verified: bool = False
    next_target: int | None = None  # the next position a signed checkpoint vouches for
    fast: QuickPath = field(init=False)

    def __post_init__(self) -> None:
        self.fast = QuickPath(uuid_bytes=self.events.uuid_bytes)

    def expect(self, targets: Targets) -> None:
        self.targets = targets
        self.next_target = min(targets, default=None)

    def page(self, rows: Sequence[Row], links: Sequence[Link]) -> None:
        """Every position in the page's range: `rows` and `links` hold all there are."""
        done = 0
        while True:
            done = self.quick(rows, links, done)
            if done == len(rows) == len(links):
                return
            if done < min(len(rows), len(links)) and rows[done][0] == links[done][0]:
                self.step(rows[done][0], self.events.record(rows[done]), links[done][1])
                done += 1
                continue
            events = (self.events.record(row) for row in rows[done:])
            for position, event, stored in merged(events, iter(links[done:])):
                self.step(position, event, stored)
            return

    def quick(self, rows: Sequence[Row], links: Sequence[Link], start: int) -> int:
        limit = LAST if self.next_target is None else self.next_target
        self.fast.learn(self.decodes.plain_topics)
        if not self.fast.topics:  # a deep walk, or no record judged yet
            return start
        done, computed = self.fast.run(self.previous, rows, links, start, limit)
        if done > start:
            self.checked += done - start
            self.previous = self.head = computed
            self.last_position = rows[done - 1][0]
        return done

    def step(self, position: int, event: RawEvent | None, stored: bytes | None) -> None:
        if self.next_target is not None and self.next_target < position:
            missing = self.next_target
            text = f"no event at position {missing}, which a signed checkpoint vouches for"
            raise Finding(missing, text)
        if event is None:
            raise Finding(position, f"the sealed event at position {position} is missing")
        computed = link(self.previous, event)
        decodes = self.decodes(event)
        if stored is None:
            if self.sealed_head is not None and position < self.sealed_head:
                raise Finding(
                    position,
                    f"the event at position {position} was never sealed: "
                    "it was inserted behind the service's back",
                )
            self.unsealed += 1
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
            self.checked += 1
            self.head = computed
        self.previous, self.last_position = computed, position
        if position == self.next_target:
            self.check_signed(self.targets.pop(position), computed, position)
            self.next_target = min(self.targets, default=None)

    def check_signed(self, heads: list[tuple[bytes, str]], computed: bytes, position: int) -> None:
        for head, source in heads:
            if head != computed:
                raise Finding(
                    position,
                    f"the chain up to position {position} does not match "
                    f"the {source} signed checkpoint: stored links were rewritten",
                )
            if source == "external":
                self.external_verified = True
