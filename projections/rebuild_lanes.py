"""A rebuild's replay in lanes (PostgreSQL): the projections split in LANES groups, each
applied by a thread of its own on a connection of its own, one transaction per batch.

A rebuild is Python (decoding, projecting) and waiting on the database (reading, COPYs,
upserts). In one lane the Python stopped while the database worked. With lanes, one lane's
Python runs while another waits, and one thread reads and decodes ahead for all of them.
No lane waits for another: each takes the next batch as soon as it is done with its own, up
to AHEAD batches behind the reader (a barrier per batch left the faster lane idle).

Each projection stays in one lane and writes only its own shadow tables (their statements
are translated to its shadow schema), so lanes share nothing but the decoded events, which
projections only read. The position reported is the one every lane has reached. The first
failure (the reader's or a lane's) stops the others, which finish the batch in hand, and
is raised once every thread has ended, so no connection is used after `replay` returns."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from projections.engine import Projection

if TYPE_CHECKING:
    from projections.rebuild import Batch, Rebuilder

LANES = 2  # two cores: one for Python, one for PostgreSQL
AHEAD = 2  # batches read and decoded ahead of the slowest lane (each up to rebuild.BATCH)
POLL_SECONDS = 0.1  # how soon a blocked thread sees that the replay stopped
Progress = Callable[[int, int], None]
Done = tuple[int, int, int]  # lane, last position applied (-1: the lane ended), events


def replay_in_lanes(
    rebuilder: Rebuilder, conn: Connection, progress: Progress | None
) -> tuple[int, int]:
    """(position, events read): every event up to the head read first, in every lane."""
    projections = rebuilder.projections
    groups = [projections[lane::LANES] for lane in range(LANES)]
    replay = Replay(rebuilder, len(groups))
    with contextlib.ExitStack() as opened:
        others = [opened.enter_context(rebuilder.engine.connect()) for _ in groups[1:]]
        threads = [threading.Thread(target=replay.read_ahead, name="rebuild-reader")]
        threads += [
            threading.Thread(
                target=replay.run_lane, args=(lane, lane_conn, group), name=f"lane-{lane}"
            )
            for lane, (lane_conn, group) in enumerate(zip([conn, *others], groups, strict=True))
        ]
        for thread in threads:
            thread.start()
        try:
            return replay.follow(progress)
        finally:
            replay.stop.set()
            for thread in threads:
                thread.join()


class Replay:
    def __init__(self, rebuilder: Rebuilder, lanes: int) -> None:
        self.rebuilder = rebuilder
        self.stop = threading.Event()
        self.inboxes: list[queue.Queue[Batch]] = [queue.Queue(maxsize=AHEAD) for _ in range(lanes)]
        self.done: queue.SimpleQueue[Done | BaseException] = queue.SimpleQueue()

    def read_ahead(self) -> None:
        """Every batch to every lane; the last one is empty (the end)."""
        try:
            position = 0
            while not self.stop.is_set():
                batch = self.rebuilder.prefetch(position)
                for inbox in self.inboxes:
                    self.hand(inbox, batch)
                if not batch.notifications:
                    return
                position = batch.notifications[-1].id
        except BaseException as failed:  # noqa: BLE001 (raised by `follow`)
            self.done.put(failed)

    def hand(self, inbox: queue.Queue[Batch], batch: Batch) -> None:
        while not self.stop.is_set():
            try:
                inbox.put(batch, timeout=POLL_SECONDS)
            except queue.Full:
                continue
            return

    def run_lane(self, lane: int, conn: Connection, projections: list[Projection]) -> None:
        try:
            after = 0
            while not self.stop.is_set():
                try:
                    batch = self.inboxes[lane].get(timeout=POLL_SECONDS)
                except queue.Empty:
                    continue
                if not batch.notifications:
                    self.done.put((lane, -1, 0))
                    return
                upto = batch.notifications[-1].id
                self.rebuilder.apply_lane(conn, projections, batch.items, after, upto)
                after = upto
                self.done.put((lane, upto, len(batch.notifications)))
        except BaseException as failed:  # noqa: BLE001 (raised by `follow`)
            self.done.put(failed)

    def follow(self, progress: Progress | None) -> tuple[int, int]:
        """Until every lane has ended: the position all of them have reached, reported as it
        moves; the first failure raised."""
        lanes = len(self.inboxes)
        reached, ended = [0] * lanes, 0
        position, read = 0, 0
        while ended < lanes:
            report = self.done.get()
            if isinstance(report, BaseException):
                raise report
            lane, upto, events = report
            if upto < 0:
                ended += 1
                continue
            reached[lane] = upto
            read += events if lane == 0 else 0  # each batch counted once
            if min(reached) > position:
                position = min(reached)
                if progress:
                    progress(position, self.rebuilder.store.table.head())
        return position, read
