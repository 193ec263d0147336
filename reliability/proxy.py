"""A loopback TCP proxy between the service and PostgreSQL that delays, resets and blackholes.

It listens on 127.0.0.1 only and forwards to 127.0.0.1. Modes:
- `pass`: forward as is;
- `delay`: hold every chunk for `delay` seconds before forwarding (a slow link);
- `blackhole`: forward nothing and accept no new session (held, not dropped: a partition
  that heals before TCP gives up delivers what was sent);
- `reset`: abort every open connection with a RST and reset every new one.
It runs its own event loop in a daemon thread, so tests drive it from synchronous code."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from typing import Literal

Mode = Literal["pass", "delay", "blackhole", "reset"]
CHUNK = 65536


def abort(writer: asyncio.StreamWriter) -> None:
    """Close with a RST, not a FIN: SO_LINGER with a zero timeout."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class ChaosProxy:
    def __init__(self, upstream_port: int = 5432, host: str = "127.0.0.1") -> None:
        self.host = host
        self.upstream_port = upstream_port
        self.mode: Mode = "pass"
        self.delay = 0.0
        self.flowing = asyncio.Event()  # cleared while blackholed
        self.flowing.set()
        self.port = 0
        self.writers: set[asyncio.StreamWriter] = set()
        self.sessions = 0
        self.aborted = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self.serve, name="chaos-proxy", daemon=True)

    def __enter__(self) -> ChaosProxy:
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *_: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    def set(self, mode: Mode, delay: float = 0.0) -> None:
        def apply() -> None:
            self.mode, self.delay = mode, delay
            if mode == "blackhole":
                self.flowing.clear()
            else:
                self.flowing.set()
            if mode == "reset":
                self.aborted += len(self.writers) // 2
                for writer in list(self.writers):
                    abort(writer)
                self.writers.clear()

        self.loop.call_soon_threadsafe(apply)

    def serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self.accept, self.host, 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()
        server.close()

    async def accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await self.flowing.wait()
        if self.mode == "reset":
            self.aborted += 1
            abort(writer)
            return
        self.sessions += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.upstream_port)
        except OSError:
            abort(writer)
            return
        self.writers |= {writer, up_writer}
        await asyncio.gather(
            self.pipe(reader, up_writer), self.pipe(up_reader, writer), return_exceptions=True
        )
        self.writers -= {writer, up_writer}

    async def pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(CHUNK):
                await self.flowing.wait()
                if self.mode == "delay":
                    await asyncio.sleep(self.delay)
                if self.mode == "reset" or sink.is_closing():
                    return
                sink.write(data)
                await sink.drain()
        finally:
            if not sink.is_closing():
                sink.close()
