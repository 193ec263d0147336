"""The benchmark's own instruments measure what they claim: the open-loop generator keeps its
rate through a stall and charges the stall to every request it delayed, and a connection the
server closed while idle costs no answer; the GC probe reaches
processes the probed command starts itself (as uvicorn starts its workers)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.gc_probe import largest_pause, probe_env
from bench.open_loop import open_loop

pytestmark = pytest.mark.integration

STALL_AT, STALL_SECONDS = 60, 0.3


class StallingServer:
    """Answers every request with a 201, except that the whole service stops answering for
    STALL_SECONDS once it has received STALL_AT requests (a full collection, say)."""

    def __init__(self, idle_timeout: float | None = None) -> None:
        self.idle_timeout = idle_timeout  # closes a connection idle this long, as uvicorn does
        self.received = 0
        self.paused_until = 0.0
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self.ready = threading.Event()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.idle_timeout)
            except (asyncio.IncompleteReadError, ConnectionError, TimeoutError):
                break
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            await reader.readexactly(length)
            self.received += 1
            if self.received == STALL_AT:
                self.paused_until = time.perf_counter() + STALL_SECONDS
            wait = self.paused_until - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}")
        writer.close()

    async def close(self) -> None:
        """Connection handlers still waiting for a request end with the test."""
        others = asyncio.all_tasks() - {asyncio.current_task()}
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self.handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()


@pytest.fixture(params=[None, 0.2], ids=["keeps-idle", "closes-idle"])
def stalling(request: pytest.FixtureRequest) -> Iterator[StallingServer]:
    server = StallingServer(request.param)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    server.ready.wait(5)
    yield server
    asyncio.run_coroutine_threadsafe(server.close(), server.loop).result(5)
    server.loop.call_soon_threadsafe(server.loop.stop)
    thread.join(5)


def test_the_open_loop_keeps_its_rate_and_counts_a_stall_against_every_delayed_request(
    stalling: StallingServer,
) -> None:
    result = open_loop(f"http://127.0.0.1:{stalling.port}", "t", 200, 1.5, "probe")
    assert (result.sent, result.answered, result.non_2xx) == (300, 300, 0)
    assert stalling.received == 300  # sent on schedule through the stall, not held back
    # ~60 requests were due during the 300 ms stall: each waits for its end, so the 99th
    # percentile is most of the stall (a closed loop would see it once per connection).
    assert result.p99_ms > 200
    assert result.p50_ms < 100
    assert result.connections > 32  # new connections rather than waiting for busy ones


CHILD = "import gc; junk = [[i] for i in range(300_000)]; gc.collect()"
PARENT = f"""
import gc, subprocess, sys
junk = [[i] for i in range(300_000)]
gc.collect()
subprocess.run([sys.executable, "-c", {CHILD!r}], check=True)
"""


def test_the_gc_probe_times_collections_in_the_command_and_the_processes_it_starts(
    tmp_path: Path,
) -> None:
    since = time.time()
    subprocess.run([sys.executable, "-c", PARENT], env=probe_env(tmp_path), check=True)  # noqa: S603
    pauses = largest_pause(tmp_path, since, time.time())
    assert pauses.processes == 2
    assert pauses.largest_ms > 0.5
    assert pauses.generation == 2  # gc.collect() is a full collection
    assert largest_pause(tmp_path, since - 3600, since - 1).largest_ms == 0  # outside the window
